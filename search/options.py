"""What a search may ask for besides its words, checked once: `SearchOptions`.

Light on purpose (no Whoosh): the command line reads `MAX_LIMIT` from here for its `--help`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tipbook.errors import UsageError

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_QUERY_LENGTH = 500


class QueryError(UsageError):
    """A query that cannot be run as written (exit 2), with what to change."""


@dataclass(frozen=True)
class SearchOptions:
    """Filters and size of one search; `QueryError` on creation when they cannot be met.

    `themes` are theme ids (stripped, lower-cased, blanks dropped); `since` and `until` are
    inclusive; unpublished tips (drafts, and tips dated after `today`, default: the real
    date) are left out unless `include_unpublished`. `held_back` names tip files (as the
    index stores them, `content/tips/…`) the build's gate holds back: never found.
    """

    themes: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = DEFAULT_LIMIT
    include_unpublished: bool = False
    today: dt.date | None = None
    held_back: frozenset[str] = frozenset()
    # False: the words as typed, never their correction ("search instead for …").
    autocorrect: bool = True

    def __post_init__(self) -> None:
        themes = tuple(t.strip().lower() for t in self.themes if t.strip())
        object.__setattr__(self, "themes", themes)
        if not 1 <= self.limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
        if self.since and self.until and self.since > self.until:
            raise QueryError(
                f"{{since}} {self.since} is after {{until}} {self.until}: swap them",
                options=("since", "until"),
            )

    def to_dict(self) -> dict[str, Any]:
        """The `filters` of the JSON result document."""
        return {
            "themes": list(self.themes),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "limit": self.limit,
        }
