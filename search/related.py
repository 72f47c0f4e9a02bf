"""Related tips: for every tip, the tips most like it in content (TF-IDF cosine).

Comparing every pair of tips is quadratic, so this never does: each tip keeps only its most
informative terms (a pruned, L2-normalised TF-IDF vector), an inverted index maps each term
to the tips that weigh it most, and a tip is scored only against the tips it meets in the
postings of its own top terms. Work per tip is bounded by `TOP_TERMS × POSTINGS_DEPTH`, so
the whole collection costs about linear time (≈ 1.5 s of CPU for 1,000 tips).

Near-ties are broken by shared series, then shared themes, then id, so the result is
deterministic whatever the order the tips arrive in. Tips with too little text to match
anything are filled in from their series and from their themes (nearest in date).
"""

from __future__ import annotations

import bisect
import copy
import gc
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter

from tipbook.model import Tip
from tipbook.terms import term_frequencies

TOP_TERMS = 20  # terms per tip used to find and score candidates
POSTINGS_DEPTH = 30  # tips kept per term, those that weigh it most
MAX_DF_RATIO = 0.5  # terms in more than half of the tips say nothing about any one of them
SCORE_DECIMALS = 2  # scores this close count as a tie, broken by series and themes
SHORTLIST = 4  # × k best raw scores re-ranked with the tie-breakers


def related_tips(tips: Sequence[Tip], k: int = 5) -> dict[str, list[str]]:
    """Map each tip's id to the ids of its `k` most related tips (never itself).

    Related means similar content (TF-IDF cosine over title, summary, takeaway and body);
    near-equal scores go to the tip in the same series, then to the one sharing more themes.
    A tip whose text matches too few others is completed from its series and its themes, so
    every tip gets `k` related tips when the collection has them.
    """
    index = RelatedIndex(tips, k)
    with _collector_paused():
        return {tip_id: index.of(tip_id) for tip_id in index.ids}


class RelatedIndex:
    """What `related_tips` computes, with each tip's list ranked when first asked for.

    The vectors and postings of the whole collection are built at once; ranking a tip
    against its candidates waits for `of`, so a build that renders its tip pages in two
    processes ranks each tip in the process that renders it. Each tip's answer depends on
    the collection only, never on which tips were asked for before: deterministic.
    """

    def __init__(self, tips: Sequence[Tip], k: int = 5) -> None:
        unique = {tip.id: tip for tip in sorted(tips, key=lambda t: t.id)}
        self.ids = list(unique)
        self.k = k
        self._position = {tip_id: index for index, tip_id in enumerate(self.ids)}
        self._found: dict[str, list[str]] = {}
        self._vectors: list[dict[str, float]] = []
        self._ranker: _Ranker | None = None
        self._docs = [unique[i] for i in self.ids]
        self._counts: list[dict[str, int]] = []
        self._df: Counter[str] = Counter()
        if k > 0 and self._docs:
            with _collector_paused():
                self._counts = [term_frequencies(tip) for tip in self._docs]
                self._df = _document_frequencies(self._counts)
                self._vectors = _vectors(self._counts, self._df)
                self._ranker = _Ranker(self._docs, self.ids, _postings(self._vectors), self.k)

    def updated(self, tips: Sequence[Tip]) -> tuple[RelatedIndex, set[str]] | None:
        """This index for `tips`, the same tips with some edited (a preview's edit), and
        the ids whose lists may have changed; exactly what a new `RelatedIndex(tips)`
        answers, at the cost of what the edit touches. None when the tips are not the
        same ones or an edit moves one (date, slug, themes, series): build anew then."""
        unique = {tip.id: tip for tip in sorted(tips, key=lambda t: t.id)}
        if list(unique) != self.ids or self._ranker is None:
            return None
        docs = [unique[i] for i in self.ids]
        pairs = enumerate(zip(self._docs, docs, strict=True))
        edited = [i for i, (old, new) in pairs if old != new]
        if any(_placing(self._docs[i]) != _placing(docs[i]) for i in edited):
            return None
        with _collector_paused():
            counts = list(self._counts)
            for i in edited:
                counts[i] = term_frequencies(docs[i])
            # A term's document frequency changes only where an edited tip gained or lost it:
            # the vectors of the tips that have such a term are weighed again, no others.
            shifted = {t for i in edited for t in counts[i].keys() ^ self._counts[i].keys()}
            df = self._df.copy()
            for i in edited:
                df.subtract(self._counts[i].keys() - counts[i].keys())
                df.update(counts[i].keys() - self._counts[i].keys())
            redo = set(edited) | {d for d, c in enumerate(counts) if not shifted.isdisjoint(c)}
            vectors = list(self._vectors)
            max_df = _max_df(len(counts))
            for d in redo:
                vectors[d] = _vector(counts[d], df, len(counts), max_df)
            moved = {d for d in redo if vectors[d] != self._vectors[d]}
            ranker = copy.copy(self._ranker)
            ranker.postings, changed = _repost(self._ranker.postings, vectors, moved, self._vectors)
            rerank = moved | {d for d, v in enumerate(vectors) if not changed.isdisjoint(v)}
        index = copy.copy(self)
        index._docs, index._counts, index._df, index._vectors = docs, counts, df, vectors
        index._ranker = ranker
        stale = {self.ids[d] for d in rerank}
        index._found = {i: found for i, found in self._found.items() if i not in stale}
        return index, stale

    def of(self, tip_id: str) -> list[str]:
        """The ids of the `k` tips most related to `tip_id` ([] for an unknown id)."""
        found = self._found.get(tip_id)
        if found is None:
            me = self._position.get(tip_id)
            if me is None or self._ranker is None:
                return []
            found = self._found[tip_id] = self._ranker.related(me, self._vectors[me])
        return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Scoring allocates millions of small objects that all stay alive: the cyclic garbage
    # collector would rescan them again and again (quadratic), and they hold no cycles.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc_was_enabled:
            gc.enable()


class _Ranker:
    """Scores one tip against its candidates and picks its `k` best."""

    def __init__(
        self, docs: list[Tip], ids: list[str], postings: dict[str, list[tuple[int, float]]], k: int
    ) -> None:
        self.ids = ids
        self.postings = postings
        self.k = k
        self.themes = [frozenset(tip.themes) for tip in docs]
        self.series = [tip.series.name if tip.series else None for tip in docs]
        self.fill = _Neighbours(docs)

    def related(self, me: int, vector: dict[str, float]) -> list[str]:
        scores: dict[int, float] = {}
        get = scores.get
        for term, weight in vector.items():
            for other, other_weight in self.postings.get(term, ()):
                scores[other] = get(other, 0.0) + weight * other_weight
        scores.pop(me, None)

        def rank(other: int) -> tuple[float, int, int, str]:
            same_series = self.series[me] is not None and self.series[me] == self.series[other]
            return (
                -round(scores.get(other, 0.0), SCORE_DECIMALS),
                -int(same_series),
                -len(self.themes[me] & self.themes[other]),
                self.ids[other],
            )

        # Only the best few by raw score can win once near-ties are broken: rank just those.
        top = heapq.nlargest(SHORTLIST * self.k, scores.items(), key=itemgetter(1))
        best = sorted((other for other, _ in top), key=rank)[: self.k]
        if len(best) < self.k:
            taken = {me, *best}
            extra = dict.fromkeys(o for o in self.fill.candidates(me, self.k) if o not in taken)
            best += sorted(extra, key=rank)[: self.k - len(best)]
        return [self.ids[other] for other in best]


def _placing(tip: Tip) -> tuple[object, ...]:
    """What ranks a tip beside its text: near-ties and the fill-in candidates."""
    return (tip.date, tip.slug, tuple(tip.themes), tip.series.name if tip.series else None)


def _document_frequencies(counts: list[dict[str, int]]) -> Counter[str]:
    df: Counter[str] = Counter()
    for doc in counts:
        df.update(doc.keys())
    return df


def _max_df(n: int) -> int:
    return max(2, int(n * MAX_DF_RATIO)) if n >= 4 else n


def _vectors(
    counts: list[dict[str, int]], df: Counter[str] | None = None
) -> list[dict[str, float]]:
    """Pruned TF-IDF vectors: each tip's `TOP_TERMS` heaviest terms that others share
    (`df`: the document frequencies of `counts`, counted here when not given)."""
    df = df if df is not None else _document_frequencies(counts)
    n = len(counts)
    max_df = _max_df(n)
    return [_vector(doc, df, n, max_df) for doc in counts]


def _vector(doc: dict[str, int], df: Counter[str], n: int, max_df: int) -> dict[str, float]:
    """One tip's pruned vector. Norms are taken over the full vector, so the dot product of
    two pruned vectors is the part of their true cosine carried by their most informative
    terms."""
    weights = {
        term: (1.0 + math.log(tf)) * math.log((n + 1) / (df[term] + 0.5))
        for term, tf in doc.items()
        if tf >= 1
    }
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    # A term only one tip has cannot relate it to anything; a too-common one relates it
    # to everything: neither helps choose.
    useful = ((t, w) for t, w in weights.items() if 2 <= df[t] <= max_df)
    top = heapq.nlargest(TOP_TERMS, useful, key=lambda item: (item[1], item[0]))
    return {term: weight / norm for term, weight in top}


Postings = dict[str, list[tuple[int, float]]]


def _postings(vectors: list[dict[str, float]]) -> Postings:
    """Term → the (tip, weight) pairs of the `POSTINGS_DEPTH` tips that weigh it most."""
    postings: Postings = defaultdict(list)
    for doc, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings[term].append((doc, weight))
    for term, entries in postings.items():
        postings[term] = _deepest(entries)
    return postings


def _deepest(entries: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """A term's postings (in tip order) cut to the `POSTINGS_DEPTH` heaviest."""
    if len(entries) > POSTINGS_DEPTH:
        return heapq.nlargest(POSTINGS_DEPTH, entries, key=lambda e: (e[1], -e[0]))
    return entries


def _repost(
    postings: Postings,
    vectors: list[dict[str, float]],
    moved: set[int],
    before: list[dict[str, float]],
) -> tuple[Postings, set[str]]:
    """`postings` after the vectors of the tips `moved` changed (from `before`): the terms
    they had or have are posted again, as `_postings` would; and which postings changed."""
    terms: set[str] = set()
    for doc in moved:
        terms.update(vectors[doc].keys() | before[doc].keys())
    entries: dict[str, list[tuple[int, float]]] = {term: [] for term in terms}
    for doc, vector in enumerate(vectors):
        for term in terms.intersection(vector):
            entries[term].append((doc, vector[term]))
    new = dict(postings)
    for term, found in entries.items():
        if found:
            new[term] = _deepest(found)
        else:
            new.pop(term, None)
    return new, {term for term in terms if new.get(term) != postings.get(term)}


class _Neighbours:
    """Fallback candidates for a tip with too few content matches: same series, then the
    tips nearest in date within each of its themes (bounded, so never quadratic)."""

    def __init__(self, docs: list[Tip]) -> None:
        self.docs = docs
        self.by_series: dict[str, list[int]] = defaultdict(list)
        self.by_theme: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.by_date: list[tuple[str, int]] = []
        for index, tip in enumerate(docs):
            key = (tip.date.isoformat() + tip.slug, index)
            if tip.series:
                self.by_series[tip.series.name].append(index)
            for theme in tip.themes:
                self.by_theme[theme].append(key)
            self.by_date.append(key)
        for entries in self.by_theme.values():
            entries.sort()
        self.by_date.sort()

    def candidates(self, me: int, k: int) -> Iterable[int]:
        tip = self.docs[me]
        if tip.series:
            yield from self.by_series[tip.series.name][: 4 * k]
        key = (tip.date.isoformat() + tip.slug, me)
        for theme in tip.themes:
            yield from _nearest(self.by_theme[theme], key, k + 1)
        # Still short (a tip with no themes): the tips closest in date.
        yield from _nearest(self.by_date, key, k + 1)


def _nearest(entries: list[tuple[str, int]], key: tuple[str, int], count: int) -> list[int]:
    """The `count` entries either side of `key` in a sorted list."""
    at = bisect.bisect_left(entries, key)
    return [index for _, index in entries[max(0, at - count) : at + count + 1]]
