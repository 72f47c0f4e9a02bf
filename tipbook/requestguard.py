"""The request hardening both servers share (`tipbook serve` and the `--drafts` preview).

- **Host allowlist.** Only the bound address, `localhost` / loopback and the host of
  `site_url` are answered (a wildcard bind adds this machine's names): a DNS-rebinding
  page, whose requests carry its own name, gets `421 Misdirected Request`; an HTTP/1.1
  request without a Host, or with a malformed one, gets `400`.
- **Paths.** A request target that is not a path, does not decode as UTF-8 or holds a
  NUL or control character is a `400`; a path with a dot-segment file or folder
  (`/.git/config`, `/x/.env`) is a `404`: the built site keeps `site/.git` on purpose.
- **Timeouts.** A connection idle for `idle_timeout` seconds is closed, and one still
  sending its request line and headers `head_deadline` seconds after it began (a
  "slowloris" client trickling a byte every few seconds) is shut down.

`GuardedServer` and `GuardedHandler` are mixins over the standard library's socketserver
and `BaseHTTPRequestHandler`, so each server keeps its own request handling.
"""

from __future__ import annotations

import posixpath
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterable
from contextlib import suppress
from http import HTTPStatus
from typing import Any

IDLE_TIMEOUT = 20.0  # seconds a connection may wait for its client
# Seconds a client has to send a whole request line and headers. The idle timeout counts
# from the last byte received: a client trickling a header byte every few seconds (the
# "slowloris" attack) would hold its thread forever. As nginx's client_header_timeout.
HEAD_DEADLINE = 30.0
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_WILDCARDS = ("", "0.0.0.0", "::")
# RFC 9110's Host: a name or IPv4 address, or an IPv6 literal in brackets; then a port.
_HOST_HEADER = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?$")


def allowed_hosts(bound_host: str, site_url: str = "") -> frozenset[str]:
    """The Host names a server bound to `bound_host` answers (lowercase, no port)."""
    names = {bound_host.strip("[]").lower(), *LOOPBACK_NAMES}
    if bound_host in _WILDCARDS:
        # Listening on every interface on purpose: this machine's own names too.
        names.update({socket.gethostname().lower(), socket.getfqdn().lower()})
    site_host = urllib.parse.urlsplit(site_url).hostname if site_url else None
    if site_host:
        names.add(site_host.lower())
    return frozenset(n for n in names if n not in _WILDCARDS)


def host_refusal(
    host_header: str | None, http_version: str, allowed: Iterable[str]
) -> tuple[HTTPStatus, str] | None:
    """Why a request's Host is refused (status, message), or None when it is allowed."""
    if host_header is None or not host_header.strip():
        if http_version == "HTTP/1.0":
            return None  # HTTP/1.0 has no Host; no browser (no rebinding page) sends one
        return HTTPStatus.BAD_REQUEST, "the request has no Host header"
    match = _HOST_HEADER.match(host_header.strip())
    if match is None:
        return HTTPStatus.BAD_REQUEST, "the Host header is not a host name"
    port = match.group(2)
    if port is not None and int(port) > 65535:
        return HTTPStatus.BAD_REQUEST, "the Host header's port is not a port"
    name = match.group(1).strip("[]")
    if name.rstrip(".").lower() not in allowed:
        return HTTPStatus.MISDIRECTED_REQUEST, f"this server does not serve {name}"
    return None


def path_refusal(target: str) -> tuple[HTTPStatus, str] | None:
    """Why a request target is refused (400 malformed, 404 a dotfile), or None."""
    path = urllib.parse.urlsplit(target).path if target.startswith("/") else None
    if path is None:
        return HTTPStatus.BAD_REQUEST, "the request target is not a path"
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        return HTTPStatus.BAD_REQUEST, "the path is not UTF-8"
    if any(ord(c) < 32 or ord(c) == 127 for c in decoded):
        return HTTPStatus.BAD_REQUEST, "the path holds a control character"
    if any(part.startswith(".") for part in posixpath.normpath(decoded).split("/")):
        return HTTPStatus.NOT_FOUND, "not found"  # dotfiles are never served
    return None


class GuardedServer:
    """Mixin for a socketserver: shuts down connections past their head deadline."""

    idle_timeout = IDLE_TIMEOUT
    head_deadline = HEAD_DEADLINE
    allowed_hosts: frozenset[str] = frozenset(LOOPBACK_NAMES)

    def reading_head(self, connection: socket.socket, reading: bool) -> None:
        heads, lock = self._head_table()
        with lock:
            if reading:
                heads[connection] = time.monotonic() + self.head_deadline
            else:
                heads.pop(connection, None)

    def _head_table(self) -> tuple[dict[socket.socket, float], threading.Lock]:
        # Made on first use: the mixin needs no __init__ of its own in either server.
        table = self.__dict__.get("_heads")
        if table is None:
            table = self.__dict__.setdefault("_heads", ({}, threading.Lock()))
        return table  # type: ignore[no-any-return]

    def service_actions(self) -> None:
        """Between requests and at every poll of `serve_forever`: connections past their
        head deadline are shut down, which ends the read their thread is blocked in."""
        heads, lock = self._head_table()
        now = time.monotonic()
        with lock:
            late = [connection for connection, due in heads.items() if due < now]
            for connection in late:
                del heads[connection]
        for connection in late:
            with suppress(OSError):  # the client went away meanwhile
                connection.shutdown(socket.SHUT_RDWR)


class GuardedHandler:
    """Mixin for a `BaseHTTPRequestHandler` of a `GuardedServer`: the idle timeout, the head
    deadline and the Host and path checks, all done before the request is handled."""

    server: Any
    connection: socket.socket
    headers: Any
    request_version: str
    path: str

    def setup(self) -> None:
        # `StreamRequestHandler.setup` reads `timeout` from the instance: each server's own.
        self.timeout = self.server.idle_timeout
        super().setup()  # type: ignore[misc]
        self.server.reading_head(self.connection, True)

    def handle_one_request(self) -> None:
        # Each request of a kept-alive connection has its own head deadline.
        self.server.reading_head(self.connection, True)
        super().handle_one_request()  # type: ignore[misc]

    def parse_request(self) -> bool:
        parsed: bool = super().parse_request()  # type: ignore[misc]
        self.server.reading_head(self.connection, False)
        if not parsed:
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            # RFC 9112 3.2: a 400, not the first one's say (a proxy may act on another).
            refusal: tuple[HTTPStatus, str] | None = (
                HTTPStatus.BAD_REQUEST,
                "the request has more than one Host header",
            )
        else:
            refusal = host_refusal(
                hosts[0] if hosts else None, self.request_version, self.server.allowed_hosts
            )
        refusal = refusal or path_refusal(self.path)
        if refusal is not None:
            self.close_connection = True
            self.send_error(*refusal)  # type: ignore[attr-defined]
            return False
        return True

    def finish(self) -> None:
        self.server.reading_head(self.connection, False)
        super().finish()  # type: ignore[misc]
