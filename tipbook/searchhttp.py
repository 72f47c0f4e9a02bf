"""`/api/search` over HTTP: the one adapter both servers use.

`tipbook serve` (tipbook.server, the standard library's HTTP handler) and the `--drafts`
preview (tipbook.site.preview, a WSGI application in MkDocs' live-reload server) hand every
request whose path is below `/api` to `answer`, with its method, its path and its query
string, and send what it returns as it is: the same parameters, the same JSON and the same
errors from both. What the servers refuse before any of this (a Host outside the
allowlist, dotfiles, malformed paths, slow clients) is `tipbook.requestguard`'s, which both
use too. The search itself is `search.api.SearchService.handle`.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the servers import the search (and Whoosh) only when searching is on
    from search.api import SearchService

log = logging.getLogger("tipbook.api")

API_ROOT = "/api"
SEARCH_PATH = "/api/search"
OPENED_PATH = "/api/opened"  # POST ?q=: the box opened a result of q (search.querylog)
MAX_FIELDS = 50  # query-string fields: the API has five parameters, a theme may repeat
ALLOWED = "GET"


@dataclass(frozen=True)
class ApiAnswer:
    """One HTTP answer of the API: status, headers and the body a GET gets."""

    status: int
    body: bytes
    allow: str = ALLOWED  # the method a 405 names

    @property
    def status_line(self) -> str:
        """`404 Not Found`, as WSGI's `start_response` wants it."""
        return f"{self.status} {HTTPStatus(self.status).phrase}"

    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(self.body))),
            ("Cache-Control", "no-store"),
        ]
        if self.status == HTTPStatus.METHOD_NOT_ALLOWED:
            headers.append(("Allow", self.allow))
        return headers

    def body_for(self, method: str) -> bytes:
        """What is sent after the headers: nothing to a HEAD (its Content-Length is a GET's)."""
        return b"" if method == "HEAD" else self.body


def is_api(path: str) -> bool:
    """Whether the URL path `path` (no query string; as sent or decoded) is the API's."""
    path = urllib.parse.unquote(path)
    return path == API_ROOT or path.startswith(API_ROOT + "/")


# A request target in a log line: a path (up to a quote, space or "?") and its query string,
# up to the HTTP version; else up to the quote that closes the request line (before a status
# code, or the end); else up to a quote. A malformed request line may hold spaces and quotes.
_TARGET_WITH_QUERY = re.compile(
    r"(?P<path>/[^\s\"'?]*)\?(?:.*?(?=\s+HTTP/\d)|.*(?=[\"']\)?(?:\s+\d|$))|[^\"']*)"
)
# A page's parameters that hold a search's words: the results page's `query` and the `h`
# a result link from the box adds (search.highlight), up to the next parameter.
_SEARCH_WORDS = re.compile(r"([?&](?:query|q|h)=)[^&]*")


def without_search_words(text: str) -> str:
    """`text` (an access-log line, an error naming a request) with the query string of every
    API request target cut to `?…`, and a page's search words (`_SEARCH_WORDS`) to `…`: a
    server's log joins the caller's address and time to each query as typed, keystroke by
    keystroke, which the query log is made never to keep (`search.querylog`, off with
    `serve.log_queries: false`). Both servers log through here."""

    def cut(match: re.Match[str]) -> str:
        path = match.group("path")
        if is_api(path):
            return f"{path}?…"
        return _SEARCH_WORDS.sub(r"\g<1>…", match.group(0))

    return _TARGET_WITH_QUERY.sub(cut, text)


def answer(method: str, path: str, query: str, service: SearchService | None) -> ApiAnswer:
    """The answer to `method path?query` below `/api` (`is_api(path)`); `service` None
    when the server searches nothing."""
    path = urllib.parse.unquote(path)
    if path == OPENED_PATH:
        return _opened(method, query, service)
    if path not in (SEARCH_PATH, SEARCH_PATH + "/"):
        return _error(HTTPStatus.NOT_FOUND, f"no API at {path[:100]}")
    if method != "GET":  # HEAD too: a search costs what a GET costs, for no answer
        return _error(HTTPStatus.METHOD_NOT_ALLOWED, f"use {ALLOWED}")
    if service is None:
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, "search is off")
    try:
        params = urllib.parse.parse_qs(query, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as error:
        return _error(HTTPStatus.BAD_REQUEST, f"bad query string: {error}")
    try:
        status, body = service.handle(params)
    except Exception:  # a bug must cost one request, not the connection or the server
        log.exception("search failed")
        return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "search failed; see the server's log")
    return _json(status, body)


def _opened(method: str, query: str, service: SearchService | None) -> ApiAnswer:
    """`POST /api/opened?q=…`, the page's beacon when a result is opened (no body used)."""
    if method != "POST":
        answer = _error(HTTPStatus.METHOD_NOT_ALLOWED, "use POST")
        return ApiAnswer(answer.status, answer.body, allow="POST")
    if service is None:
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, "search is off")
    try:
        params = urllib.parse.parse_qs(query, max_num_fields=5)
    except ValueError as error:
        return _error(HTTPStatus.BAD_REQUEST, f"bad query string: {error}")
    status, body = service.opened(params)
    return _json(status, body)


def _error(status: HTTPStatus, message: str) -> ApiAnswer:
    """The API's error document (as `search.api.ApiError.to_dict`), with its status."""
    return _json(int(status), {"error": {"status": int(status), "message": message}})


def _json(status: int, body: dict[str, Any]) -> ApiAnswer:
    return ApiAnswer(status, json.dumps(body, ensure_ascii=False).encode("utf-8"))
