"""Questions by concept: the best matches by words reordered by meaning, with static word
vectors and no model at build or search time.

`word_vectors.json` (beside this file) holds a 64-number vector for each of ~30,000 common
English words (and content/'s), distilled offline from a sentence model
(benchmarks/make_word_vectors.py: the model2vec recipe, SIF-weighted so rare words count
most). A text's vector is the sum of its words'; a tip's is computed when it is indexed
(title, summary, takeaway and body) and stored as 64 signed bytes, a query's when it is
asked. For a plain query (no operators, fields, quotes or wildcards), the `RERANKED` best
tips by words (BM25, related words included: search.expansion) are ranked again by
their word score, scaled so the best is 1, plus `WEIGHT` times the cosine of the tip's and
the query's vectors: "automated phone systems versus human agents" lifts the tip on AI
call centres from 4th to 1st among the tips that share a word with it.

The static box does the same (search/static.py puts each tip's vector in its Pagefind
meta and writes this table in shards; tipbook-search-worker.js reranks alike).
"""

from __future__ import annotations

import base64
import json
import math
import re
import zlib
from array import array
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

WORD_VECTORS_FILE = Path(__file__).with_name("word_vectors.json")
WEIGHT = 2.0  # of the cosine, beside the word score scaled to 1 for the best tip
RERANKED = 20  # tips reordered by meaning: the static box fetches each one's vector
VECTOR_SHARDS = 512  # files the static box's table is split into (search/static.py)
_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def word_table() -> dict[str, str]:
    """The shipped table: word → its vector, base64 of signed bytes (decoded on use)."""
    try:
        data = json.loads(WORD_VECTORS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a broken install ranks by words alone rather than failing
    words = data.get("words", {}) if isinstance(data, dict) else {}
    return {str(word): str(code) for word, code in words.items()}


@lru_cache(maxsize=65_536)
def word_vector(word: str) -> array[int] | None:
    code = word_table().get(word)
    return array("b", base64.b64decode(code)) if code else None


# A text's vector is the sum of its words', summed as one big integer a word: each word's
# 64 numbers (+128, so 0–255) packed in 24-bit lanes. Python adds integers in C, so a
# 500-word tip costs 500 additions instead of 32,000 (numpy is no dependency of tipbook);
# 24-bit lanes hold the sum of up to 65,000 words (a longer text counts its first ones).
_LANE = 24
_LANE_MASK = (1 << _LANE) - 1
_MOST_WORDS = 65_000


@lru_cache(maxsize=65_536)
def _packed(word: str) -> int | None:
    vector = word_vector(word)
    if vector is None:
        return None
    return sum((x + 128) << (_LANE * i) for i, x in enumerate(vector))


def text_vector(text: str) -> list[float] | None:
    """The unit vector of a text's words (stop words and unknown words count nothing), or
    None when it has none."""
    rows = [row for word in _WORD.findall(text.lower()) if (row := _packed(word)) is not None]
    rows = rows[:_MOST_WORDS]
    if not rows:
        return None
    total, bias = sum(rows), 128 * len(rows)
    summed = [((total >> (_LANE * i)) & _LANE_MASK) - bias for i in range(_dimensions())]
    norm = math.sqrt(sum(x * x for x in summed))
    return [x / norm for x in summed] if norm else None


@lru_cache(maxsize=1)
def _dimensions() -> int:
    first = next(iter(word_table()), None)
    vector = word_vector(first) if first else None
    return len(vector) if vector else 0


def tip_vector(title: str, summary: str, takeaway: str, body: str) -> bytes:
    """A tip's vector as stored in the index and the static box: 64 signed bytes (empty
    when no word of the tip is in the table)."""
    vector = text_vector("\n".join((title, summary, takeaway, body)))
    if vector is None:
        return b""
    most = max(abs(x) for x in vector)
    return array("b", (round(x * 127 / most) for x in vector)).tobytes()


def vector_shard(word: str) -> int:
    """The static box's shard of a word's vector: the word's CRC-32 (zlib's, in C: the
    build splits 30,000 words in ~10 ms) modulo `VECTOR_SHARDS`; tipbook-search-worker.js
    computes the same."""
    return zlib.crc32(word.encode("utf-8")) % VECTOR_SHARDS


def encoded(vector: bytes) -> str:
    """A stored vector as the static box reads it (base64)."""
    return base64.b64encode(vector).decode("ascii")


def cosine(query: list[float], stored: bytes) -> float:
    """Cosine of a query's unit vector and a stored tip vector (0 without one)."""
    if len(stored) != len(query):
        return 0.0
    tip = array("b", stored)
    norm = math.sqrt(sum(x * x for x in tip))
    return sum(q * t for q, t in zip(query, tip, strict=True)) / norm if norm else 0.0


def rerank(
    ranked: list[tuple[int, float]], vector_of: Callable[[int], bytes], query: list[float]
) -> list[tuple[int, float]]:
    """`ranked` ((tip, word score), best first) with its first `RERANKED` reordered by word
    score (the best's as 1) plus `WEIGHT` × cosine; the rest follow as they were."""
    if not ranked:
        return ranked
    best = ranked[0][1] or 1.0
    head = [
        (doc, round(score / best + WEIGHT * cosine(query, vector_of(doc)), 6))
        for doc, score in ranked[:RERANKED]
    ]
    head.sort(key=lambda pair: -pair[1])  # stable: equal scores keep their word order
    return head + [(doc, round(score / best, 6)) for doc, score in ranked[RERANKED:]]
