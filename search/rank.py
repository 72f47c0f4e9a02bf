"""Which tips match a query and how they rank: set algebra over cached term sets, BM25.

See `DocSets`. The one piece that reads Whoosh's private structures is
`search.whoosh_internals.postings`.
"""

from __future__ import annotations

import heapq
import math
from operator import itemgetter
from typing import Any

from whoosh import query as wq

from search.schema import TEXT_FIELDS
from search.whoosh_internals import postings

BM25_K1 = 1.2  # term-frequency saturation
BM25_B = 0.75  # length normalisation


class DocSets:
    """Matching and ranking over one searcher, with per-term results cached.

    Which tips match: set algebra over the cached sets of single terms (Whoosh decides
    phrases, prefixes and ranges). How they rank: BM25 over the weighted `content` field
    (that is BM25F over the tip's parts, see `search.schema`), from cached per-term score
    tables. Whoosh's own collector scores document by document through a chain of Python
    calls (~30 µs each), so a common word at 10,000 tips took ~300 ms; reading a term's
    postings block by block and scoring them in one loop takes a few ms, once per index
    generation.
    """

    MAX_CACHED = 4096
    MAX_EXPANSION = 64  # terms a prefix or wildcard scores with (the most frequent)

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.cache: dict[wq.Query, frozenset[int]] = {}
        self.scores: dict[tuple[str, str], dict[int, float]] = {}
        self.lengths: dict[tuple[int, str], list[int]] = {}
        self._all: frozenset[int] | None = None
        self._vectors: Any = None  # the index's column reader of tip vectors
        self._vectors_read = False

    def rank(
        self, terms: list[tuple[str, str, float]], matched: frozenset[int], limit: int
    ) -> list[tuple[int, float]]:
        """The `limit` best (docnum, score) among `matched`, best first, ties oldest first."""
        if not matched:
            return []
        totals = dict.fromkeys(sorted(matched), 0.0)  # sorted: equal scores keep docnum order
        for fieldname, text, boost in terms:
            table = self.term_scores(fieldname, text)
            if len(table) > len(totals):
                for docnum in totals:
                    totals[docnum] += table.get(docnum, 0.0) * boost
            else:
                for docnum, score in table.items():
                    if docnum in totals:
                        totals[docnum] += score * boost
        best = heapq.nlargest(limit, totals.items(), key=itemgetter(1))
        return [(docnum, round(score, 6)) for docnum, score in best]

    def term_scores(self, fieldname: str, text: str) -> dict[int, float]:
        """BM25 score of one term for every tip that has it (docnum → score)."""
        key = (fieldname, text)
        table = self.scores.get(key)
        if table is not None:
            return table
        searcher = self.searcher
        table = {}
        df = searcher.doc_frequency(fieldname, text)
        if df:
            n = searcher.doc_count_all()
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            avg = searcher.avg_field_length(fieldname) or 1.0
            base, per_length = BM25_K1 * (1 - BM25_B), BM25_K1 * BM25_B / avg
            scale = idf * (BM25_K1 + 1)
            for segment, offset in searcher.reader().leaf_readers():
                if (fieldname, text) not in segment:
                    continue
                lengths = self._lengths(segment, fieldname)
                ids, weights = postings(segment.postings(fieldname, text))
                for docnum, tf in zip(ids, weights, strict=True):
                    table[offset + docnum] = scale * tf / (tf + base + per_length * lengths[docnum])
        if len(self.scores) >= self.MAX_CACHED:
            self.scores.clear()
        self.scores[key] = table
        return table

    def _lengths(self, segment: Any, fieldname: str) -> list[int]:
        key = (id(segment), fieldname)
        lengths = self.lengths.get(key)
        if lengths is None:
            length = segment.doc_field_length
            count = segment.doc_count_all()
            lengths = self.lengths[key] = [length(d, fieldname, 0) for d in range(count)]
        return lengths

    def vector(self, docnum: int) -> bytes:
        """A tip's stored vector (search.vectors); empty in an index without them."""
        if not self._vectors_read:
            reader = self.searcher.reader()
            self._vectors = reader.column_reader("vector") if reader.has_column("vector") else None
            self._vectors_read = True
        value = self._vectors[docnum] if self._vectors is not None else b""
        return value if isinstance(value, bytes) else b""

    @property
    def all(self) -> frozenset[int]:
        if self._all is None:
            self._all = frozenset(self.searcher.reader().all_doc_ids())
        return self._all

    def of(self, q: wq.Query) -> frozenset[int]:
        if isinstance(q, wq.Or):
            return frozenset().union(*(self.of(sub) for sub in q.subqueries))
        if isinstance(q, wq.And):
            sets = sorted((self.of(sub) for sub in q.subqueries), key=len)
            return sets[0].intersection(*sets[1:]) if sets else frozenset()
        if isinstance(q, wq.AndNot):
            return self.of(q.a) - self.of(q.b)
        if isinstance(q, wq.AndMaybe):
            return self.of(q.a)
        if isinstance(q, wq.Not):
            return self.all - self.of(q.query)
        if isinstance(q, wq.Every):
            return self.all
        if q is wq.NullQuery:
            return frozenset()
        found = self.cache.get(q)
        if found is None:
            if len(self.cache) >= self.MAX_CACHED:
                self.cache.clear()
            found = self.cache[q] = frozenset(q.docs(self.searcher))
        return found


def scored_terms(parsed: wq.Query, reader: Any) -> list[tuple[str, str, float]]:
    """(field, term, boost) of every positive term of a query: what ranks the matches."""
    terms: dict[tuple[str, str], float] = {}

    def add(fieldname: str, text: str, boost: float) -> None:
        terms[(fieldname, text)] = max(terms.get((fieldname, text), 0.0), boost)

    def walk(q: wq.Query, boost: float) -> None:
        if isinstance(q, wq.Not):
            return
        boost *= getattr(q, "boost", 1.0) or 1.0
        if isinstance(q, wq.AndNot):
            walk(q.a, boost)
        elif isinstance(q, wq.compound.CompoundQuery):
            for sub in q.subqueries:
                walk(sub, boost)
        elif getattr(q, "fieldname", None) not in TEXT_FIELDS:
            return
        elif isinstance(q, wq.Phrase):
            # A phrase counts as one unit: the mean of its words, not their sum
            # ("co-worker" must not weigh twice "customer").
            for word in q.words:
                add(q.fieldname, word, boost / max(1, len(q.words)))
        elif isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            expanded = [text for _, text in q.expanded_terms(reader)]
            expanded = [t.decode() if isinstance(t, bytes) else t for t in expanded]
            if len(expanded) > DocSets.MAX_EXPANSION:
                frequency = {t: reader.doc_frequency(q.fieldname, t) for t in expanded}
                expanded = sorted(expanded, key=lambda t: (-frequency[t], t))
                expanded = expanded[: DocSets.MAX_EXPANSION]
            for text in expanded:
                add(q.fieldname, text, boost)
        elif isinstance(q, wq.Term):
            add(q.fieldname, q.text, boost)

    walk(parsed, 1.0)
    return [(f, t, b) for (f, t), b in terms.items()]
