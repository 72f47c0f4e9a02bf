"""The nearest chapter of a tip that no signal word places: explainable TF-IDF similarity.

Signal words (`Taxonomy.classify`) are precise but miss tips whose words are not in any
theme's list: holiday poems, stories, short archive excerpts. So that every tip still
lands in a chapter, such a tip goes to the chapter whose text it is most like, and the
reason is shown, never guessed silently: the words the tip shares with the chapter and the
chapter's tips most like it.

A chapter's text is its own (title, description, signal words) plus the tips already in it,
as TF-IDF vectors (the stemming, stop words and field weights of `tipbook.terms`, so
"related tips" and "nearest chapter" agree on what a tip is about). A chapter's vector is
the sum of two unit vectors, its own text and the centroid of its tips, so a chapter with
a thousand tips does not drown its description and a chapter with none still has one.
Building costs one pass over the tips; placing a tip costs its terms × the chapters.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tipbook.model import Tip
from tipbook.taxonomy import TITLE_WEIGHT, Taxonomy, Theme
from tipbook.terms import STOP_WORDS, stem, term_frequencies

# Below this cosine the "nearest" chapter shares only a stray word or two with the tip:
# it is left in no chapter for an editor to place (and `build` reports it).
MIN_SIMILARITY = 0.04
SIGNAL_WEIGHT = 2  # a chapter's signal words say more about it than its description
WORDS_SHOWN = 6  # shared words quoted as the reason
SIMILAR_SHOWN = 2  # the chapter's tips most like this one, quoted as the reason
SIMILAR_TERMS = 20  # a chapter's tip is compared by its heaviest terms only (see `nearest`)

_WORD = re.compile(r"[a-z][a-z']*[a-z]")  # as `tipbook.terms` reads words


@dataclass(frozen=True)
class ChapterMatch:
    """How close a tip is to one chapter, and why: the shared words, the similar tips."""

    theme: str
    similarity: float  # cosine, 0 (nothing shared) to 1
    words: tuple[str, ...] = ()  # the tip's own words it shares with the chapter, heaviest first
    similar: tuple[tuple[str, str], ...] = ()  # (id, title) of the chapter's tips most like it

    def __str__(self) -> str:
        words = ", ".join(self.words)
        reason = f"{self.theme}: nearest chapter ({self.similarity:.2f}), shared words {words}"
        if self.similar:
            reason += "; like " + "; ".join(f"“{title}”" for _, title in self.similar)
        return reason


class ChapterSimilarity:
    """Each chapter as a TF-IDF vector of its own text and its tips; the nearest to a tip."""

    def __init__(self, taxonomy: Taxonomy, tips: Iterable[Tip] = ()) -> None:
        self.taxonomy = taxonomy
        examples = [
            (tip, [t for t in dict.fromkeys(tip.themes) if t in taxonomy])
            for tip in tips
            if any(t in taxonomy for t in tip.themes)
        ]
        own = {theme.id: _own_counts(theme) for theme in taxonomy}
        tip_counts = [term_frequencies(tip) for tip, _ in examples]
        df: Counter[str] = Counter()
        for counts in (*own.values(), *tip_counts):
            df.update(counts.keys())
        documents = len(own) + len(tip_counts)
        self._idf = {term: math.log((documents + 1) / (n + 0.5)) for term, n in df.items()}
        self._unseen_idf = math.log((documents + 1) / 0.5)
        # Per chapter: its tips' unit vectors (for "similar tips") and their running sum.
        self._members: dict[str, list[tuple[Tip, dict[str, float]]]] = {t: [] for t in own}
        sums: dict[str, Counter[str]] = {t: Counter() for t in own}
        for (tip, themes), counts in zip(examples, tip_counts, strict=True):
            vector = self._vector(counts)
            # Finding a chapter's tips most like a tip scans the chapter: compared on their
            # heaviest terms only, that stays cheap in a chapter of thousands.
            heaviest = dict(heapq.nlargest(SIMILAR_TERMS, vector.items(), key=lambda i: i[1]))
            for theme in themes:
                self._members[theme].append((tip, heaviest))
                sums[theme].update(vector)
        self._chapters: dict[str, dict[str, float]] = {}
        for theme, counts in own.items():
            combined = dict(self._vector(counts))
            if sums[theme]:
                for term, weight in _unit(sums[theme]).items():
                    combined[term] = combined.get(term, 0.0) + weight
            self._chapters[theme] = _unit(combined)

    def rank(self, tip: Tip) -> list[ChapterMatch]:
        """Every chapter's similarity to the tip with the shared words, nearest first."""
        return self._rank(self._vector(term_frequencies(tip)), tip)

    def nearest(self, tip: Tip) -> ChapterMatch | None:
        """The chapter most like the tip, with its most similar tips; None when nothing is
        close enough to be worth proposing (see `MIN_SIMILARITY`)."""
        query = self._vector(term_frequencies(tip))
        ranked = self._rank(query, tip)
        if not ranked or ranked[0].similarity < MIN_SIMILARITY:
            return None
        best = ranked[0]
        scored = (
            (sum(w * query.get(t, 0.0) for t, w in heaviest.items()), other.id, other.title)
            for other, heaviest in self._members[best.theme]
            if other.id != tip.id
        )
        similar = heapq.nlargest(SIMILAR_SHOWN, scored)
        return ChapterMatch(
            best.theme,
            best.similarity,
            best.words,
            tuple((tip_id, title) for score, tip_id, title in similar if score > 0),
        )

    def _rank(self, query: dict[str, float], tip: Tip) -> list[ChapterMatch]:
        surface = _surface_words(tip)
        order = {theme_id: i for i, theme_id in enumerate(self.taxonomy.ids)}
        matches = []
        for theme, chapter in self._chapters.items():
            shares = {t: w * chapter[t] for t, w in query.items() if t in chapter}
            top = heapq.nlargest(WORDS_SHOWN, shares.items(), key=lambda item: (item[1], item[0]))
            words = tuple(surface.get(term, term) for term, _ in top)
            matches.append(ChapterMatch(theme, round(sum(shares.values()), 4), words))
        return sorted(matches, key=lambda m: (-m.similarity, order[m.theme]))

    def _vector(self, counts: dict[str, int]) -> dict[str, float]:
        idf, unseen = self._idf, self._unseen_idf
        weights = {t: (1.0 + math.log(n)) * idf.get(t, unseen) for t, n in counts.items() if n}
        return _unit(weights)


def _own_counts(theme: Theme) -> Counter[str]:
    """A chapter's own words: title (as a tip's title counts), description, signal words."""
    counts: Counter[str] = Counter()
    signals = " ".join(s.replace("*", "") for s in theme.signals)
    parts = ((theme.title, TITLE_WEIGHT), (theme.description, 1), (signals, SIGNAL_WEIGHT))
    for text, weight in parts:
        for word in _WORD.findall(text.lower().replace("’", "'")):
            if word not in STOP_WORDS:
                counts[stem(word)] += weight
    return counts


def _unit(weights: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _surface_words(tip: Tip) -> dict[str, str]:
    """Stem → the first word of the tip that has it, so a reason quotes the tip's words."""
    found: dict[str, str] = {}
    for word in _WORD.findall(f"{tip.title} {tip.body}".lower().replace("’", "'")):
        if word in STOP_WORDS or len(word) < 2:
            continue
        found.setdefault(stem(word), word)
    return found
