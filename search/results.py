"""What a search returns: `SearchResult` with its `Hit`s, and their stable JSON document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Hit:
    """One matching tip, as shown in a result list."""

    rank: int
    score: float
    id: str
    title: str
    date: dt.date
    themes: list[str]
    path: str
    url: str
    snippet: str  # HTML: escaped text with the matched words in <mark>…</mark>

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat(),
            "themes": self.themes,
            "path": self.path,
            "url": self.url,
            "snippet": self.snippet,
        }


@dataclass
class SearchResult:
    """The answer to one query: total matches, theme counts over all of them, the top hits."""

    query: str
    total: int
    facets: dict[str, int]  # theme id → matching tips, over the whole result set
    hits: list[Hit]
    suggestion: str | None = None  # "did you mean" query, when few tips matched
    filters: dict[str, Any] = field(default_factory=dict)
    # The query as typed, when it matched nothing and these are the results of its
    # correction (`query`): "Showing results for query; search instead for corrected_from".
    corrected_from: str | None = None
    # Tips the words as typed match, before related words (search.expansion) added more.
    typed_matches: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON document of `tipbook search --json` and `/api/search`."""
        return {
            "query": self.query,
            "total": self.total,
            "filters": self.filters,
            "facets": {"themes": self.facets},
            "suggestion": self.suggestion,
            "corrected_from": self.corrected_from,
            "hits": [hit.to_dict() for hit in self.hits],
        }
