"""The `/api/search` endpoint, apart from any HTTP server: parameters in, status and JSON out.

    GET /api/search?q=empathy&theme=caring&since=2015-01-01&until=2020-12-31&limit=5
    GET /api/search?q=empthy&exact=1     (the words as typed: no "showing results for")

answers with the same document as `tipbook search --json`. Bad parameters get a 400 with
`{"error": {"status": 400, "message": "..."}}`; a missing index a 503.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from search.indexer import IndexUnavailable, update_index
from search.query import DEFAULT_LIMIT, MAX_QUERY_LENGTH, QueryError, TipSearcher
from search.querylog import QueryLog
from tipbook.errors import TipbookError

PARAMETERS = {"q", "theme", "since", "until", "limit", "exact", "log"}
MAX_THEMES = 20
MAX_CONCURRENT = 4  # searches at once (each holds an open searcher); more wait their turn
MAX_WAIT = 10.0  # seconds a request waits for its turn before a 503
# Searches with wildcards (`*`, `?`, `~`) at once: they cost the most (search.query bounds
# each), so a flood of them waits for this one slot instead of taking every slot from
# plain searches.
MAX_EXPANDING = 1
_EXPANDING = frozenset("*?~")


class ApiError(Exception):
    """A request the endpoint refuses: its HTTP status and a message for the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "message": self.message}}


class SearchService:
    """Answers search requests from one index, keeping it up to date with the content.

    The index is brought up to date when the service starts and then at most every
    `refresh_seconds`, in a background thread a request starts: checking thousands of tip
    files takes longer than a search, and the search box asks on every keystroke; requests
    meanwhile search what is there.
    """

    def __init__(
        self,
        content_dir: Path | None,
        index_dir: Path,
        refresh_seconds: float = 5.0,
        include_unpublished: bool = False,  # the `--drafts` preview finds drafts too
        query_log: QueryLog | None = None,  # unanswered queries go here (search.querylog)
    ) -> None:
        self.query_log = query_log
        self.content_dir = content_dir
        self.include_unpublished = include_unpublished
        # Tip files the site's build held back for errors (`SearchOptions.held_back`): set by
        # the preview, whose index is of content/ (`tipbook serve`'s is of the published tips).
        self.held_back: frozenset[str] = frozenset()
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self.searcher = TipSearcher(self.index_dir)
        self._updating = threading.Lock()
        self._checked = float("-inf")
        self._slots = threading.BoundedSemaphore(MAX_CONCURRENT)
        self._expanding = threading.BoundedSemaphore(MAX_EXPANDING)

    def refresh(self, force: bool = False) -> None:
        """Update the index if the last check is older than `refresh_seconds`."""
        if self.content_dir is None:
            return
        if not force and time.monotonic() - self._checked < self.refresh_seconds:
            return
        if not self._updating.acquire(blocking=force):
            return
        try:
            update_index(self.content_dir, self.index_dir, wait=0.0 if not force else 30.0)
            self._checked = time.monotonic()
        finally:
            self._updating.release()

    def _refresh_in_background(self) -> None:
        if self.content_dir is None or self._updating.locked():
            return
        if time.monotonic() - self._checked < self.refresh_seconds:
            return

        def refresh() -> None:
            try:
                self.refresh()
            except (TipbookError, OSError):
                # Content trouble must not stop searching what is indexed; try again later.
                self._checked = time.monotonic()

        threading.Thread(target=refresh, name="tipbook-index-refresh", daemon=True).start()

    def handle(self, params: Mapping[str, Sequence[str]]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON document) for the query parameters of one request."""
        try:
            options = parse_parameters(params)
            # log=0: the box's own requests (its probe, the results page's filter list)
            logged = (params.get("log") or [""])[0] != "0"
            self._refresh_in_background()
            with self._turn(not _EXPANDING.isdisjoint(options["query"])):
                result = self.searcher.search(
                    **options,
                    include_unpublished=self.include_unpublished,
                    held_back=self.held_back,
                )
        except ApiError as error:
            return error.status, error.to_dict()
        except QueryError as error:
            return 400, ApiError(400, error.message).to_dict()
        except IndexUnavailable as error:
            return 503, ApiError(503, error.message).to_dict()
        if self.query_log is not None and logged:
            if result.corrected_from or not result.total:
                self.query_log.record(options["query"], 0, result.query if result.total else None)
            else:
                self.query_log.record(options["query"], result.total)
        return 200, result.to_dict()

    def opened(self, params: Mapping[str, Sequence[str]]) -> tuple[int, dict[str, Any]]:
        """`/api/opened?q=…`: the box says a result of this query was opened (logged, when
        logging is on, as `search.querylog` says: the query's words only)."""
        query = (params.get("q") or [""])[0]
        if not query.strip() or len(query) > MAX_QUERY_LENGTH:
            return 400, ApiError(400, "give the query whose result was opened as q").to_dict()
        logged = self.query_log is not None and self.query_log.record_opened(query)
        return 200, {"logged": logged}

    @contextlib.contextmanager
    def _turn(self, expanding: bool) -> Iterator[None]:
        """Wait (up to `MAX_WAIT` in all) for a search slot, and for the wildcard slot too
        when `expanding`; 503 when none frees up."""
        deadline = time.monotonic() + MAX_WAIT
        if expanding and not self._expanding.acquire(timeout=MAX_WAIT):
            raise ApiError(503, "the server is busy: try again in a moment")
        try:
            if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise ApiError(503, "the server is busy: try again in a moment")
            try:
                yield
            finally:
                self._slots.release()
        finally:
            if expanding:
                self._expanding.release()

    def close(self) -> None:
        self.searcher.close()


def parse_parameters(params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Check and convert the query parameters; `ApiError` (400) naming the bad one."""
    unknown = sorted(set(params) - PARAMETERS)
    if unknown:
        raise ApiError(
            400, f"unknown parameter {unknown[0]!r}: use {', '.join(sorted(PARAMETERS))}"
        )
    for name in ("q", "since", "until", "limit", "exact", "log"):
        if len(params.get(name, ())) > 1:
            raise ApiError(400, f"give {name!r} once")
    query = (params.get("q") or [""])[0]
    if not query.strip():
        raise ApiError(400, "missing q: /api/search?q=WORDS")
    if len(query) > MAX_QUERY_LENGTH:
        raise ApiError(400, f"q is too long: at most {MAX_QUERY_LENGTH} characters")
    themes = [t for value in params.get("theme", ()) for t in value.split(",") if t.strip()]
    if len(themes) > MAX_THEMES:
        raise ApiError(400, f"too many themes: at most {MAX_THEMES}")
    limit_text = (params.get("limit") or [str(DEFAULT_LIMIT)])[0]
    try:
        limit = int(limit_text)
    except ValueError:
        raise ApiError(400, f"limit must be a whole number, not {limit_text[:20]!r}") from None
    # Its range, and the dates' order, are checked once, by `SearchOptions` (then a 400).
    return {
        "query": query,
        "themes": themes,
        "since": _date(params, "since"),
        "until": _date(params, "until"),
        "limit": limit,
        # exact=1: the words as typed, never their correction ("search instead for …")
        "autocorrect": (params.get("exact") or [""])[0] not in ("1", "true"),
    }


def _date(params: Mapping[str, Sequence[str]], name: str) -> dt.date | None:
    text = (params.get(name) or [""])[0]
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiError(400, f"{name} must be a date like 2015-01-31, not {text[:20]!r}") from None
