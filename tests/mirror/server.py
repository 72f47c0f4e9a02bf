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
from urllib.parse import urlsplit

NOT_FOUND = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Oops! That page can't be found.</h1></body></html>"  # noqa: E501


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
        file = self.server.resolve(split.path)
        if file is None:
            self._send(404, NOT_FOUND, {"Content-Type": "text/html; charset=UTF-8"}, head)
            return 404
        data = file.read_bytes()
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        last_modified = meta["last_modified"]
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if file.name == "robots.txt":
            headers["Content-Type"] = "text/plain; charset=utf-8"
        else:
            headers["Content-Type"] = "text/html; charset=UTF-8"
        headers.update(meta["headers"].get(split.path, {}))
        if self.server.conditional and self._not_modified(etag, last_modified):
            self._send(304, b"", {"ETag": etag, "Last-Modified": last_modified}, head)
            return 304
        self._send(200, data, headers, head)
        return 200

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
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def resolve(self, path: str) -> Path | None:
        """The file serving `path`, or None (404); never outside the root."""
        parts = [p for p in path.split("/") if p]
        if any(p in ("..", ".") or p.startswith("_") for p in parts):
            return None
        candidate = self.root.joinpath(*parts)
        if path.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

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
