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
        docs = [unique[i] for i in self.ids]
        if k > 0 and docs:
            with _collector_paused():
                self._vectors = _vectors([term_frequencies(tip) for tip in docs])
                self._ranker = _Ranker(docs, self.ids, _postings(self._vectors), k)

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


def _vectors(counts: list[dict[str, int]]) -> list[dict[str, float]]:
    """Pruned TF-IDF vectors: each tip's `TOP_TERMS` heaviest terms that others share.

    Norms are taken over the full vector, so the dot product of two pruned vectors is the
    part of their true cosine carried by their most informative terms.
    """
    n = len(counts)
    df: Counter[str] = Counter()
    for doc in counts:
        df.update(doc.keys())
    max_df = max(2, int(n * MAX_DF_RATIO)) if n >= 4 else n
    idf = {term: math.log((n + 1) / (f + 0.5)) for term, f in df.items()}

    vectors: list[dict[str, float]] = []
    for doc in counts:
        weights = {term: (1.0 + math.log(tf)) * idf[term] for term, tf in doc.items() if tf >= 1}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        # A term only one tip has cannot relate it to anything; a too-common one relates it
        # to everything: neither helps choose.
        useful = ((t, w) for t, w in weights.items() if 2 <= df[t] <= max_df)
        top = heapq.nlargest(TOP_TERMS, useful, key=lambda item: (item[1], item[0]))
        vectors.append({term: weight / norm for term, weight in top})
    return vectors


def _postings(vectors: list[dict[str, float]]) -> dict[str, list[tuple[int, float]]]:
    """Term → the (tip, weight) pairs of the `POSTINGS_DEPTH` tips that weigh it most."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for doc, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings[term].append((doc, weight))
    for term, entries in postings.items():
        if len(entries) > POSTINGS_DEPTH:
            postings[term] = heapq.nlargest(POSTINGS_DEPTH, entries, key=lambda e: (e[1], -e[0]))
    return postings


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
