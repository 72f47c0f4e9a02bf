"""Serve a built mirror over real HTTP on 127.0.0.1, with hooks to inject faults.

`MirrorServer(root)` is a ThreadingHTTPServer on an ephemeral loopback port, run in a
thread. It answers like a web server in front of WordPress: `/x/` serves `x/index.html`,
unknown paths answer 404, ETag / Last-Modified conditional requests answer 304, a few
redirects (301). Tests queue faults per path (`fail(path, ...)`) and read `requests`, the log
of every request the server saw.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

NOT_FOUND = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Oops! That page can't be found.</h1></body></html>"  # noqa: E501


MIRROR_BASE = b"__MIRROR_BASE__"  # in the built files: replaced by the server's address
_TYPES = {
    ".xml": "application/xml; charset=UTF-8",
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".txt": "text/plain; charset=utf-8",
}


def _content_type(file: Path) -> str:
    if file.suffix == ".xml" and file.parent.name == "feed":
        return "application/rss+xml; charset=UTF-8"
    return _TYPES.get(file.suffix, "text/html; charset=UTF-8")


@dataclass
class Fault:
    """One injected misbehaviour, used once: a status, a delay, a huge body or a cut."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    huge: int = 0
    drop: bool = False


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    status: int = 0


class _Handler(BaseHTTPRequestHandler):
    server: MirrorServer
    protocol_version = "HTTP/1.1"
    _record: Request

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet; the request log is in `server.requests`

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        record = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
        self._record = record
        with self.server.lock:
            self.server.requests.append(record)
            queue = self.server.faults.get(urlsplit(self.path).path) or []
            fault = queue.pop(0) if queue else None
        if fault is not None:
            if fault.drop:
                record.status = -1
                self.close_connection = True
                self.wfile.flush()
                self.connection.close()
                return
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                record.status = fault.status
                self._send(fault.status, b"<html><body>fault</body></html>", fault.headers, head)
                return
            if fault.huge:
                record.status = 200
                self._send_huge(fault.huge, head)
                return
        record.status = self._serve(head)

    def _serve(self, head: bool) -> int:
        meta = self.server.meta
        split = urlsplit(self.path)
        target = meta["redirects"].get(self.path) or meta["redirects"].get(split.path)
        if target:
            self._send(301, b"", {"Location": target}, head)
            return 301
        query = dict(parse_qsl(split.query))
        if split.path.startswith("/wp-json") or (split.path == "/" and "rest_route" in query):
            route = query.pop("rest_route", "") or split.path[len("/wp-json") :]
            return self._rest(route or "/", query, head)
        file = self.server.resolve(split.path, query)
        if file is None:
            self._send(404, NOT_FOUND, {"Content-Type": "text/html; charset=UTF-8"}, head)
            return 404
        data = file.read_bytes().replace(MIRROR_BASE, self.server.base_url.encode())
        headers = {"Content-Type": _content_type(file)}
        headers.update(meta["headers"].get(split.path, {}))
        return self._send_conditional(data, headers, head)

    def _send_conditional(self, data: bytes, headers: dict[str, str], head: bool) -> int:
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        last_modified = self.server.meta["last_modified"]
        headers = {"ETag": etag, "Last-Modified": last_modified, **headers}
        if self.server.conditional and self._not_modified(etag, last_modified):
            self._send(304, b"", {"ETag": etag, "Last-Modified": last_modified}, head)
            return 304
        self._send(200, data, headers, head)
        return 200

    # -- the REST API -------------------------------------------------------------------

    def _rest(self, route: str, query: dict[str, str], head: bool) -> int:
        """`/wp-json/<route>` (or `/?rest_route=<route>`) as WordPress answers it."""
        status = self.server.rest_status
        if status == 404:  # the API removed: the site's own "not found" page
            self._send(404, NOT_FOUND, {}, head)
            return 404
        if status != 200:  # a plugin that allows only logged-in users
            return self._json(
                {
                    "code": "rest_cannot_access",
                    "message": "Only authenticated users can access the REST API.",
                    "data": {"status": status},
                },
                head,
                status,
            )
        route = "/" + route.strip("/")
        if route == "/":
            return self._json(self.server.rest_data("index"), head)
        collection = {"/wp/v2/posts": "posts", "/wp/v2/categories": "categories"}.get(route)
        collection = collection or {"/wp/v2/tags": "tags"}.get(route)
        if collection is None:
            error = {"code": "rest_no_route", "message": "No route was found.", "data": {}}
            return self._json(error, head, 404)
        items = list(self.server.rest_data(collection))
        for name in ("categories", "tags"):
            if name in query and collection == "posts":
                wanted = {int(v) for v in query[name].split(",") if v.strip().isdigit()}
                items = [i for i in items if wanted & set(i.get(name, []))]
        if "slug" in query:
            slugs = set(query["slug"].split(","))
            items = [i for i in items if i.get("slug") in slugs]
        if "include" in query:
            include = {int(v) for v in query["include"].split(",") if v.strip().isdigit()}
            items = [i for i in items if i["id"] in include]
        try:
            per_page = int(query.get("per_page", "10"))
            page = int(query.get("page", "1"))
        except ValueError:
            per_page, page = 0, 0
        if not 1 <= per_page <= 100 or page < 1:
            error = {
                "code": "rest_invalid_param",
                "message": "Invalid parameter(s): per_page",
                "data": {"status": 400},
            }
            return self._json(error, head, 400)
        total = len(items)
        pages = max(1, -(-total // per_page))
        if page > pages and total:
            error = {
                "code": "rest_post_invalid_page_number",
                "message": "The page number requested is larger than the number of pages "
                "available.",
                "data": {"status": 400},
            }
            return self._json(error, head, 400)
        chunk = items[(page - 1) * per_page : page * per_page]
        fields = [f for f in query.get("_fields", "").split(",") if f]
        if fields:
            chunk = [{k: v for k, v in item.items() if k in fields} for item in chunk]
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        return self._json(chunk, head, 200, headers)

    def _json(
        self,
        data: object,
        head: bool,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> int:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        body = body.replace(MIRROR_BASE, self.server.base_url.encode())
        all_headers = {"Content-Type": "application/json; charset=UTF-8", **(headers or {})}
        if status == 200:
            return self._send_conditional(body, all_headers, head)
        self._send(status, body, all_headers, head)
        return status

    def _not_modified(self, etag: str, last_modified: str) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [t.strip() for t in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return email.utils.parsedate_to_datetime(
                    since
                ) >= email.utils.parsedate_to_datetime(last_modified)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, headers: dict[str, str], head: bool) -> None:
        self._record.status = status  # before answering: a test may read it right after
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=UTF-8", **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)

    def _send_huge(self, size: int, head: bool) -> None:
        # No Content-Length: the client must enforce its limit while reading the stream.
        self._record.status = 200
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        chunk = b"<p>" + b"x" * 65_536 + b"</p>\n"
        sent = 0
        try:
            while sent < size:
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


class MirrorServer(ThreadingHTTPServer):
    """The mirror on http://127.0.0.1:<port>, serving in a daemon thread."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        meta_file = root / "_mirror.json"
        self.meta = (
            json.loads(meta_file.read_text(encoding="utf-8"))
            if meta_file.exists()
            else {"headers": {}, "redirects": {}, "last_modified": "Tue, 20 Feb 2024 12:00:00 GMT"}
        )
        self.lock = threading.Lock()
        self.requests: list[Request] = []
        self.faults: dict[str, list[Fault]] = {}
        self.conditional = True  # answer If-None-Match / If-Modified-Since with 304
        # 200: the REST API answers; 401: only for logged-in users; 404: removed.
        self.rest_status = 200
        self._rest_cache: dict[str, Any] = {}
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def resolve(self, path: str, query: dict[str, str] | None = None) -> Path | None:
        """The file serving `path`, or None (404); never outside the root.

        Feeds (`…/feed/`) are `feed/index.xml`, and their older pages (`?paged=N`)
        `feed/paged-N.xml`.
        """
        parts = [p for p in path.split("/") if p]
        if any(p in ("..", ".") or p.startswith("_") for p in parts):
            return None
        candidate = self.root.joinpath(*parts)
        if parts and parts[-1] == "feed":
            paged = (query or {}).get("paged", "1")
            name = "index.xml" if paged in ("", "1") else f"paged-{paged}.xml"
            candidate = candidate / name if paged.isdigit() or not paged else candidate / "x"
        elif path.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def rest_data(self, name: str) -> Any:
        """The REST API's records (`_wp/<name>.json`), read once."""
        with self.lock:
            if name not in self._rest_cache:
                file = self.root / "_wp" / f"{name}.json"
                data = json.loads(file.read_text(encoding="utf-8")) if file.exists() else []
                self._rest_cache[name] = data
            return self._rest_cache[name]

    def fail(self, path: str, *faults: Fault) -> None:
        """Queue faults for `path`: each request to it uses up the next one."""
        with self.lock:
            self.faults.setdefault(path, []).extend(faults)

    def clear_log(self) -> None:
        with self.lock:
            self.requests.clear()

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        with self.lock:
            return [r.path for r in self.requests]

    def start(self) -> MirrorServer:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
