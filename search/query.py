"""The query engine's public names, kept importable from here (they moved by job):

options and errors `search.options`, results `search.results`, the searcher
`search.searcher`, parsing `search.parse`, ranking `search.rank`, snippets
`search.snippets`, suggestions `search.suggest`.
"""

from __future__ import annotations

from search.options import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_LENGTH, QueryError, SearchOptions
from search.parse import check_query
from search.results import Hit, SearchResult
from search.searcher import TipSearcher, search_collection, search_tips
from search.snippets import SNIPPET_CHARS, Wanted, make_snippet

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MAX_QUERY_LENGTH",
    "SNIPPET_CHARS",
    "Hit",
    "QueryError",
    "SearchOptions",
    "SearchResult",
    "TipSearcher",
    "Wanted",
    "check_query",
    "make_snippet",
    "search_collection",
    "search_tips",
]
