"""Bounding wildcards: a query's prefixes, wildcards and fuzzy words stand for a few words.

`a* b* c* …` could otherwise read the postings of most of the index (one such query took
1.47 s and a flood of them starved plain searches), so each one is replaced by its most
frequent matching index terms before matching and ranking.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any

from whoosh import query as wq

from search.options import QueryError
from search.whoosh_internals import pattern_terms

MAX_WILDCARDS = 8  # words with `*`, `?` or `~` in one query
MAX_EXPANDED = 48  # index terms all of them together stand for: the most frequent ones
MIN_EXPANSION = 6  # …but at least this many each
MAX_SCANNED = 5_000  # index terms looked at for one of them


def bounded(parsed: wq.Query, reader: Any) -> wq.Query:
    """The query with each prefix, wildcard, fuzzy word or range replaced by its most
    frequent index terms (`MAX_EXPANDED` shared between them), so a query costs about what
    a query of that many plain words costs, however many words its wildcards could match."""
    found: list[wq.Query] = []

    def collect(q: wq.Query) -> wq.Query:
        if isinstance(q, wq.MultiTerm) and not isinstance(q, wq.Variations):
            found.append(q)
            return q
        return q.apply(collect)

    collect(parsed)
    if not found:
        return parsed
    if len(found) > MAX_WILDCARDS:
        raise QueryError(
            f"too many words with `*`, `?` or `~`: at most {MAX_WILDCARDS} in one query"
        )
    share = max(MIN_EXPANSION, MAX_EXPANDED // len(found))

    def bound(q: wq.Query) -> wq.Query:
        if not isinstance(q, wq.MultiTerm) or isinstance(q, wq.Variations):
            return q.apply(bound)
        texts = _most_frequent(q, reader, share)
        if not texts:
            return wq.NullQuery
        return wq.Or([wq.Term(q.fieldname, t) for t in texts], boost=q.boost)

    return bound(parsed)


def _most_frequent(q: wq.MultiTerm, reader: Any, count: int) -> list[str]:
    """The `count` index terms `q` matches that most tips hold (among `MAX_SCANNED`)."""
    field = reader.schema[q.fieldname]
    scored = pattern_terms(q, reader, MAX_SCANNED)
    if scored is None:  # not a prefix or pattern: Whoosh's public expansion
        texts = itertools.islice(q.expanded_terms(reader), MAX_SCANNED)
        scored = [(field.from_bytes(t), reader.doc_frequency(q.fieldname, t)) for _, t in texts]
    best = heapq.nsmallest(count, scored, key=lambda pair: (-pair[1], pair[0]))
    return [text for text, _ in best]
