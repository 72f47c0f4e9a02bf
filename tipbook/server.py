"""`tipbook serve`: the built handbook (`site/`) plus the `/api/search` JSON endpoint.

The standard library's threaded HTTP server is enough for a handbook on a desk or an
intranet box, and keeps serving dependency-free. Static files come only from inside the
site folder (no `..`, no symlink out of it), folders answer with their `index.html`, and a
miss gets the site's own `404.html`.
"""

from __future__ import annotations

import errno
import io
import os
import posixpath
import socket
import sys
import time
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from search import PUBLISHED_INDEX
from tipbook import searchhttp
from tipbook.errors import TipbookError, display_path
from tipbook.requestguard import GuardedHandler, GuardedServer, allowed_hosts

SWAP_PATIENCE = 2.0  # seconds a request waits for a site folder being swapped in
# A client that went away: closed, reset, or silent past the idle timeout.
_HUNG_UP = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
_EXTRA_TYPES = {
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}


class SiteServer(GuardedServer, ThreadingHTTPServer):
    """A threaded HTTP server for one site folder and one search service.

    The site folder is looked up by its path at every request, never held open: a build
    swaps a whole new site in at that path in one step (tipbook.publish), so each
    request sees the old site or the new one, never a half or an empty one.
    """

    quiet = False  # True: clients that hang up are not logged

    daemon_threads = True
    request_queue_size = 64  # a burst of requests waits in the queue, not refused

    def __init__(
        self, address: tuple[str, int], site_dir: Path, service: Any, site_url: str = ""
    ) -> None:
        self.site_dir = site_dir.resolve()
        self.service = service
        # The timeouts and the Host and path checks: tipbook.requestguard, shared with the
        # preview.
        self.allowed_hosts = allowed_hosts(address[0], site_url)
        super().__init__(address, SiteRequestHandler)

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]  # what server_address holds, as text
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        if self.service is not None:
            self.service.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up or goes quiet costs one log line, not a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, _HUNG_UP):
            if not self.quiet:
                sys.stderr.write(f"{client_address[0]} - - closed: {type(error).__name__}\n")
            return
        super().handle_error(request, client_address)


class SiteRequestHandler(GuardedHandler, SimpleHTTPRequestHandler):
    """Static files from the site folder, and the search API."""

    server: SiteServer
    server_version = "tipbook"
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **_EXTRA_TYPES}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(args[2].site_dir), **kwargs)

    def do_GET(self) -> None:
        if not self._api():
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._api():
            super().do_HEAD()

    def do_POST(self) -> None:
        """Other methods: the API says which it takes; the site's files answer 501."""
        if not self._api():
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def _api(self) -> bool:
        """Answer the request if it is the API's (tipbook.searchhttp, as the preview does)."""
        parts = urllib.parse.urlsplit(self.path)
        if not searchhttp.is_api(parts.path):
            return False
        answer = searchhttp.answer(self.command, parts.path, parts.query, self.server.service)
        self.send_response(answer.status)
        for name, value in answer.headers():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body_for(self.command))
        return True

    def translate_path(self, path: str) -> str:
        """The file for a URL path, never outside the site folder ('' when it would be)."""
        root = self.server.site_dir
        _wait_for_folder(root)
        try:
            path = urllib.parse.unquote(urllib.parse.urlsplit(path).path, errors="strict")
        except UnicodeDecodeError:
            return ""
        parts = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".", "..")]
        if parts and parts[0] == PUBLISHED_INDEX:
            return ""  # the search index is answered through /api/search, not as files
        if any(os.sep in p or (os.altsep and os.altsep in p) or "\0" in p for p in parts):
            return ""
        candidate = root.joinpath(*parts)
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            return ""
        if resolved != root and root not in resolved.parents:
            return ""  # a symlink pointing out of the site
        result = str(resolved)
        if path.endswith("/") and resolved.is_dir():
            result += "/"
        return result

    def send_head(self) -> Any:
        root = self.server.site_dir
        before = _folder_id(root)
        found = self._file_for(self.path)
        if not found and _folder_id(root) != before:
            # The site was swapped while this request looked (a build that renames the old
            # site away, then the new one in): look again, in the new one.
            _wait_for_folder(root)
            found = self._file_for(self.path)
        if not found:
            self._send_not_found()  # no such file, and no directory listings
            return None
        # Redirects a folder's URL to its slash form, or opens the file; a build that swaps
        # the site between the look above and the opening (two renames, under load) would
        # make that a 404: the opening is tried again, in the new site.
        self._swap_seen_from = _folder_id(root)
        try:
            return super().send_head()
        except _SwappedWhileOpening:
            _wait_for_folder(root)
            self._swap_seen_from = None
            return super().send_head()
        finally:
            self._swap_seen_from = None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        start = getattr(self, "_swap_seen_from", None)
        swapped = start is not None and _folder_id(self.server.site_dir) != start
        if code == HTTPStatus.NOT_FOUND and swapped:
            raise _SwappedWhileOpening  # nothing was sent yet: `send_head` looks again
        super().send_error(code, message, explain)

    def _file_for(self, url: str) -> bool:
        """Whether `url` names a page or file of the site (a folder: one with index.html)."""
        path = self.translate_path(url)
        if not path:
            return False
        if os.path.isdir(path):
            if not urllib.parse.urlsplit(url).path.endswith("/"):
                return True  # send_head redirects to the folder's URL with a slash
            return os.path.isfile(os.path.join(path, "index.html"))
        return os.path.isfile(path)

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self._send_not_found()
        return None

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        kind = super().guess_type(path)
        if kind.startswith(_TEXT_TYPES) and "charset" not in kind:
            kind += "; charset=utf-8"
        return kind

    def _send_not_found(self) -> None:
        page = self.server.site_dir / "404.html"
        data = page.read_bytes() if page.is_file() else b"<h1>404 Not Found</h1>"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The access line, without the words of a search: the standard line joins the
        caller's address and time to each query as typed (keystroke by keystroke, from the
        box), what the query log is made never to keep (`search.querylog`, and off with
        `serve.log_queries: false`)."""
        line = searchhttp.without_search_words(self.requestline)
        if isinstance(code, HTTPStatus):
            code = code.value
        self.log_message('"%s" %s %s', line, str(code), str(size))

    def log_message(self, format: str, *args: Any) -> None:
        if getattr(self.server, "quiet", False):
            return  # (errors name the request line too: `send_error` logs through here)
        sys.stderr.write(
            f"{self.address_string()} - - [{self.log_date_time_string()}] "
            f"{searchhttp.without_search_words(format % args)}\n"
        )


class _SwappedWhileOpening(Exception):
    """The site was swapped between finding a file and opening it (`send_head`)."""


def _folder_id(folder: Path) -> tuple[int, int] | None:
    """Which folder is at `folder` now (device, inode); None while none is."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _wait_for_folder(folder: Path, patience: float = SWAP_PATIENCE) -> None:
    """Where a build cannot swap the site in one step it renames the old one away and the
    new one in (tipbook.publish): a request in between waits for the new one."""
    deadline = time.monotonic() + patience
    while not folder.is_dir() and time.monotonic() < deadline:
        time.sleep(0.005)


def listen_error(host: str, port: int, error: OSError) -> TipbookError:
    """The error for an address this machine cannot listen on, with the fix."""
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        # The host is the fault (no such name, or not an address of this machine).
        fix = "give {host} an address of this machine, e.g. 127.0.0.1 or 0.0.0.0"
    else:
        fix = "choose another {port} (`make serve PORT=8080`), or stop what is using it"
    reason = f"cannot listen on {host}:{port} ({error.strerror or error})"
    return TipbookError(f"{reason}: {fix}", options=("host", "port"))


def make_server(
    site_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    content_dir: Path | None = None,
    index_dir: Path | None = None,
    quiet: bool = False,
    site_url: str = "",
    query_log: Path | None = None,
) -> SiteServer:
    """A ready (not yet serving) server; port 0 picks a free port (see `.url`).

    With `index_dir`, `/api/search` answers from that index, updated from `content_dir`;
    requests naming the host of `site_url` are answered too (see tipbook.requestguard).
    """
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise TipbookError(f"no built site in {display_path(site_dir)}: run `tipbook build` first")
    service = None
    if index_dir is not None:
        from search.api import SearchService
        from search.querylog import QueryLog

        if query_log is not None and Path(query_log).resolve().is_relative_to(site_dir.resolve()):
            raise TipbookError(
                f"query_log {display_path(Path(query_log))} is inside the site folder, which "
                "is published: set query_log in tipbook.yml to a path outside it"
            )
        log = QueryLog(Path(query_log)) if query_log is not None else None
        service = SearchService(content_dir, Path(index_dir), query_log=log)
        service.refresh(force=True)
    try:
        server = SiteServer((host, port), site_dir, service, site_url)
    except OSError as error:
        if service is not None:
            service.close()
        raise listen_error(host, port, error) from None
    server.quiet = quiet
    return server


def serve(config: Any, host: str, port: int, site_dir: Path | None = None) -> SiteServer:
    """Build the server for `config`'s built site; the caller runs it.

    `/api/search` answers from the index the build published inside the site (never from
    content/ as it is now): the pages and the search answers are of one build, and a new
    build swaps both in at once (the searchers reopen when the index they read changed).
    """
    site = Path(site_dir) if site_dir else config.site_dir
    index_dir = site / PUBLISHED_INDEX
    if (site / "index.html").is_file() and not index_dir.is_dir():
        raise TipbookError(
            f"{display_path(site)} was built without its search index (by an older "
            "tipbook): run `tipbook build` again"
        )
    return make_server(
        site,
        host,
        port,
        index_dir=index_dir,
        site_url=config.site_url,
        query_log=config.query_log if config.serve.log_queries else None,
    )
