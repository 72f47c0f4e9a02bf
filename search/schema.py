"""The Whoosh schema of the tip index, and the text a tip is indexed as.

Bump `SCHEMA_VERSION` whenever the fields or their analysis change: an index written with
another version is rebuilt on its next use instead of answering wrongly.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    Filter,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.columns import VarBytesColumn
from whoosh.fields import BOOLEAN, COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.lang.porter2 import stem

SCHEMA_VERSION = 7
# BM25F weights of a tip's parts: a word in the title says more about a tip than the same
# word deep in its body. BM25F scores a document by its fields' term frequencies summed
# with these weights, so free-text search runs on one `content` field holding each part
# that many times: the same ranking, one posting list per word instead of one per field
# (Whoosh's per-field unions made a common word cost ~1 ms per matching tip).
FIELD_WEIGHTS = (("title", 3), ("takeaway", 2), ("summary", 1), ("body", 1))
DEFAULT_FIELD = "content"
TEXT_FIELDS = ("content", "title")  # searchable free-text fields
# Names a user may write before a colon, and the field each one means.
FIELD_ALIASES = {
    "title": "title",
    "content": "content",
    "text": "content",
    "body": "content",
    "theme": "themes",
    "themes": "themes",
    "tag": "tags",
    "tags": "tags",
    "series": "series",
}


# Words that carry no meaning in a staff member's question ("how do I ... after I made a
# mistake"): Whoosh's stop words plus question words and common verbs, adverbs and
# pronouns, so the words that say what the question is about rank the tips.
QUESTION_STOP_WORDS = frozenset(
    {
        *STOP_WORDS,
        *[
            "how",
            "what",
            "why",
            "where",
            "who",
            "whom",
            "which",
            "whose",
            "do",
            "does",
            "did",
            "done",
            "doing",
            "i",
            "me",
            "my",
            "mine",
            "our",
        ],
        *[
            "they",
            "them",
            "their",
            "he",
            "she",
            "his",
            "her",
            "its",
            "am",
            "was",
            "were",
            "been",
            "being",
            "has",
            "had",
            "having",
        ],
        *[
            "should",
            "could",
            "would",
            "shall",
            "might",
            "must",
            "get",
            "gets",
            "getting",
            "got",
            "make",
            "makes",
            "made",
        ],
        *[
            "keep",
            "keeps",
            "kept",
            "same",
            "end",
            "long",
            "down",
            "up",
            "out",
            "over",
            "again",
            "after",
            "before",
            "about",
            "just",
        ],
        *[
            "really",
            "very",
            "much",
            "many",
            "some",
            "any",
            "all",
            "there",
            "here",
            "then",
            "than",
            "so",
            "too",
            "also",
            "still",
        ],
        *[
            "something",
            "anything",
            "way",
            "thing",
            "things",
            "someone",
            "somebody",
            "tell",
            "know",
            "want",
            "need",
        ],
        *["help", "good", "best", "better", "lot", "lots"],
    }
)
# UK spellings read as US ones before stemming, in tips and queries alike ("apologise" is
# "apologize"): Porter2 stems the two apart ("apologis", "apolog"). Rules, not a word list,
# because they are applied on both sides: a word they bend wrongly ("promise") is bent the
# same way in every tip and query, so it still matches itself.
_UK_SUFFIXES = (
    (re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"(?<=[a-z]{2})ys(e|es|ed|ing)$"), r"yz\1"),
    (re.compile(r"^(colo|behavio|favo|hono|labo|neighbo|humo|flavo|rumo|savo|endeavo)ur"), r"\1r"),
    (re.compile(r"^(cent|theat)re(s|d)?$"), r"\1er\2"),
    (re.compile(r"(alog|olog)ue(s)?$"), r"\1\2"),
    (re.compile(r"^judgement"), "judgment"),
)


@lru_cache(maxsize=200_000)
def index_stem(word: str) -> str:
    """The term `text_analyzer` indexes one lowercase word as (UK spelling read as US, then
    Porter2), memoised: snippets and suggestions match the index's terms, so they stem as
    it does."""
    return str(stem(us_spelling(word)))  # (Whoosh has no type hints)


@lru_cache(maxsize=200_000)
def us_spelling(word: str) -> str:
    """`word` with its UK spelling read as US, memoised: six regular expressions per token
    were most of an index write's time (a handbook has a few thousand distinct words)."""
    for pattern, replacement in _UK_SUFFIXES:
        word = pattern.sub(replacement, word)
    return word


# Whoosh's RegexTokenizer's own pattern (`whoosh.analysis.tokenizers.default_pattern`), its
# group made non-capturing so `findall` returns whole words.
_TOKEN = re.compile(r"[\w*]+(?:\.?[\w*]+)*")
INDEX_TERMS_CACHE = 65_536  # texts: a build asks for each tip's parts two or three times


@lru_cache(maxsize=200_000)
def word_term(word: str) -> str:
    """The term `text_analyzer` indexes one token as ("" for a stop word): lowercased, stop
    words and one-letter words dropped, then `index_stem`. Memoised per word."""
    lower = word.lower()
    if len(lower) < 2 or lower in QUESTION_STOP_WORDS:
        return ""
    return index_stem(lower)


@lru_cache(maxsize=INDEX_TERMS_CACHE)
def index_terms(text: str) -> tuple[str, ...]:
    """The terms `text_analyzer` gives `text`, in order, without its chain of token
    generators: one regular expression and one memoised lookup per word (the chain was
    most of a build's index writing). Whoosh indexes a list of terms as given, one position
    each, as the analyzer numbers them (`tests/test_search_terms.py` checks they agree)."""
    return tuple(term for term in map(word_term, _TOKEN.findall(text)) if term)


class UsSpellingFilter(Filter):  # type: ignore[misc]
    """Rewrites UK spellings as US ones (see `_UK_SUFFIXES`); Whoosh has no such filter."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = us_spelling(token.text)
            yield token


def text_analyzer() -> Analyzer:
    """English words, lowercased, question stop words dropped, UK spellings read as US,
    Porter2-stemmed ("apologise" → "apolog").

    Whoosh's StemmingAnalyzer with one more filter. Porter2 because the original Porter
    stemmer leaves "apologizing" and "transferred" apart from "apology" and "transfer".
    """
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=QUESTION_STOP_WORDS)
        | UsSpellingFilter()
        | StemFilter(stemfn=stem, cachesize=100_000)
    )


class TermListPositions(Positions):  # type: ignore[misc]
    """Whoosh's `Positions` format, with a fast path for a text given as its list of terms
    (`index_terms`): Whoosh's own passes each term through a token generator and a filter
    to build the same postings (a term's positions in the list, its count as its weight)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(value, list | tuple):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for position, term in enumerate(value):
            positions[term].append(position)
        boost = self.field_boost
        for term, found in positions.items():
            yield term, len(found), float(len(found)) * boost, self.encode(found)


def _text_field(analyzer: Analyzer, **options: Any) -> TEXT:
    field = TEXT(analyzer=analyzer, **options)
    field.format = TermListPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> Schema:
    """The fields of one indexed tip."""
    analyzer = text_analyzer()
    return Schema(
        id=ID(stored=True),
        path=ID(unique=True, stored=True),  # below the content folder's parent
        url=STORED,
        title=_text_field(analyzer, stored=True, multitoken_query="phrase"),
        # "co-worker" in a query is the phrase "co worker", not "co OR worker".
        content=_text_field(analyzer, multitoken_query="phrase"),  # see FIELD_WEIGHTS
        summary=STORED,
        takeaway=STORED,
        body=STORED,  # plain text, for snippets
        themes=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        tags=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        series=ID(stored=True, analyzer=IDTokenizer() | LowercaseFilter()),
        series_part=NUMERIC(stored=True),
        date=DATETIME(stored=True, sortable=True),
        draft=BOOLEAN(stored=True),
        hash=STORED,  # of the file's bytes: an edit is re-indexed, a touch is not
        # The tip's meaning (search.vectors), a column: read for a few tips per query
        # without unpickling their stored text.
        vector=COLUMN(VarBytesColumn()),
    )


def weighted_terms(
    title: str, summary: str, takeaway: str, body: str, keywords: Sequence[str] = ()
) -> list[str]:
    """The terms of `weighted_content`, as `index_terms` gives them: what the index gets."""
    parts = {"title": title, "summary": summary, "takeaway": takeaway, "body": body}
    terms: list[str] = []
    for name, weight in FIELD_WEIGHTS:
        terms += index_terms(parts[name]) * weight
    return terms + list(index_terms(" ".join(keywords)))


def weighted_content(
    title: str, summary: str, takeaway: str, body: str, keywords: Sequence[str] = ()
) -> str:
    """The `content` field: each part repeated by its BM25F weight, then themes, tags and
    synonyms
    (so "empathy" also finds the tips filed under empathy that never say the word)."""
    parts = {"title": title, "summary": summary, "takeaway": takeaway, "body": body}
    weighted = [parts[name] for name, weight in FIELD_WEIGHTS for _ in range(weight)]
    return "\n".join([*weighted, " ".join(keywords)])
