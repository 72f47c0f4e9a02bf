"""The words a tip is about: stemmed, stop-word-free terms with field weights.

The one text analysis of the TF-IDF similarities, "related tips" (`search.related`) and
"nearest chapter" (`tipbook.nearest`), so both agree on what a tip is about. It lives in the
core because the scraper places tips in chapters too and must not depend on `search/`.

Stemming is the Snowball English (Porter2) stemmer of the `snowballstemmer` package, the
reference implementation of the algorithm; the search index keeps Whoosh's own Porter2
(search/schema.py), which `search/` alone imports.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import snowballstemmer

from tipbook.model import Tip

# How much each part of a tip counts: the title says what a tip is about.
# (Summaries usually repeat the body's opening, so they need no extra weight.)
FIELD_WEIGHTS = (("title", 3), ("summary", 1), ("takeaway", 2), ("body", 1))

_WORD = re.compile(r"[a-z][a-z']*[a-z]|[a-z]")
_URL = re.compile(r"https?://\S+|\]\([^)]*\)")
# English function words plus words that carry no topic in this archive (dates, signatures).
_STOP_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each even ever every few for from further get gets getting
    got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
    him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let
    let's like made make makes many may me might more most much must mustn't my myself need no
    nor not now of off often on once one only or other ought our ours ourselves out over own
    really same say says shall shan't she she'd she'll she's should shouldn't so some still such
    than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up upon us very was wasn't we
    we'd we'll we're we've well were weren't what what's when when's where where's which while
    who who's whom why why's will with won't would wouldn't yet you you'd you'll you're you've
    your yours yourself yourselves s t ll re ve d m
    tow tip tips week weekly tuesday http https www com
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter2 stem of one lowercase word, memoised: a collection has few distinct words."""
    return str(_STEMMER.stemWord(word))


def terms(text: str) -> list[str]:
    """The stemmed, stop-word-free terms of a text (links and URLs dropped)."""
    words = _WORD.findall(_URL.sub(" ", text.lower().replace("\u2019", "'")))
    return [term for term in map(_term_of, words) if term]


def term_frequencies(tip: Tip) -> dict[str, int]:
    """Weighted term counts over the tip's title, summary, takeaway and body."""
    # One pass over the text with each field repeated by its weight, then each distinct
    # word looked up once in a word → term table: far cheaper than stemming every word.
    parts = [getattr(tip, field) for field, weight in FIELD_WEIGHTS for _ in range(weight)]
    text = " ".join(parts).lower()
    if "http" in text or "](" in text:
        text = _URL.sub(" ", text)
    words = Counter(_WORD.findall(text.replace("\u2019", "'")))
    counts: dict[str, int] = {}
    table = _TERMS
    for word, n in words.items():
        term = table.get(word, _UNSEEN)
        if term is _UNSEEN:
            term = _term_of(word)
            if len(table) < _MAX_TERMS:
                table[word] = term
        if term:
            counts[term] = counts.get(term, 0) + n
    return counts


_UNSEEN = "\x00"  # no word: a table miss (a str, as the table's values are)
_MAX_TERMS = 500_000  # words remembered; past that, new words are stemmed every time
_TERMS: dict[str, str | None] = {}


def _term_of(word: str) -> str | None:
    """The term a word counts as, or None for a stop word."""
    if word in STOP_WORDS or len(word) < 2:
        return None
    return stem(word)
