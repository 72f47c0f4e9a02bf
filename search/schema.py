"""The Whoosh schema of the tip index, and the text a tip is indexed as.

Bump `SCHEMA_VERSION` whenever the fields or their analysis change: an index written with
another version is rebuilt on its next use instead of answering wrongly.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from whoosh.analysis import IDTokenizer, LowercaseFilter, StemmingAnalyzer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.lang.porter2 import stem

SCHEMA_VERSION = 5
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


@lru_cache(maxsize=200_000)
def index_stem(word: str) -> str:
    """The stem `text_analyzer` indexes one lowercase word as, memoised (snippets and
    suggestions match the index's terms, so they stem as it does)."""
    return str(stem(word))  # (Whoosh has no type hints)


def text_analyzer() -> StemmingAnalyzer:
    """English words, lowercased, stop words dropped, Porter2-stemmed ("apologize" → "apolog").

    Porter2 because the original Porter stemmer leaves "apologizing" and "transferred"
    apart from "apology" and "transfer".
    """
    return StemmingAnalyzer(stemfn=stem, cachesize=100_000)


def build_schema() -> Schema:
    """The fields of one indexed tip."""
    analyzer = text_analyzer()
    return Schema(
        id=ID(stored=True),
        path=ID(unique=True, stored=True),  # below the content folder's parent
        url=STORED,
        title=TEXT(analyzer=analyzer, stored=True, multitoken_query="phrase"),
        # "co-worker" in a query is the phrase "co worker", not "co OR worker".
        content=TEXT(analyzer=analyzer, multitoken_query="phrase"),  # see FIELD_WEIGHTS
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
    )


def weighted_content(
    title: str, summary: str, takeaway: str, body: str, keywords: Sequence[str] = ()
) -> str:
    """The `content` field: each part repeated by its BM25F weight, then themes and tags
    (so "empathy" also finds the tips filed under empathy that never say the word)."""
    parts = {"title": title, "summary": summary, "takeaway": takeaway, "body": body}
    weighted = [parts[name] for name, weight in FIELD_WEIGHTS for _ in range(weight)]
    return "\n".join([*weighted, " ".join(dict.fromkeys(keywords))])
