"""Hostile requests against both servers (`tipbook serve` and the `--drafts` preview).

Both go through tipbook.requestguard: dotfiles are never served (the built site keeps
`site/.git`, whose config may hold a token), a Host outside the allowlist gets 421 (a
DNS-rebinding page reading drafts), malformed paths get 400 (never a 500 traceback), and
a client trickling its headers is cut off at the head deadline.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from site_corpus import BuiltCorpus, site_config, write_corpus
from slow_client import seconds_until_cut_off

from tipbook.server import make_server
from tipbook.site import publish

pytestmark = pytest.mark.slow

SITE_URL = "https://handbook.example.org/"
TOKEN = "ghp_secrettoken123"


@dataclass
class Served:
    kind: str
    port: int
    server: object

    def raw(self, request: bytes, wait: float = 10) -> bytes:
        """Send `request` as is; the whole answer (the server closes after it)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=wait) as client:
            client.sendall(request)
            chunks = []
            with contextlib.suppress(TimeoutError, ConnectionResetError):
                while chunk := client.recv(65536):
                    chunks.append(chunk)
        return b"".join(chunks)

    def status(self, path: str, host: str | None = "127.0.0.1") -> int:
        head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "")
        answer = self.raw((head + "Connection: close\r\n\r\n").encode("latin-1"))
        return int(answer.split(b" ", 2)[1])


@pytest.fixture(scope="module", params=["serve", "preview"])
def served(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    corpus_site: BuiltCorpus,
) -> Iterator[Served]:
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "serve":
        # The built corpus, copied: the site gets a `.git` and a `.env` below.
        site = corpus_site.copy_to(root).site_dir
        server = make_server(site, port=0, quiet=True, site_url=SITE_URL)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        (site / ".git").mkdir()
        (site / ".git" / "config").write_text(f"url = https://{TOKEN}@github.com/x/y\n")
        (site / ".env").write_text(f"TOKEN={TOKEN}\n")
        try:
            yield Served("serve", server.server_address[1], server)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            publish.wait_for_deletions()
        return
    from tipbook.site.preview import make_preview_server

    write_corpus(root / "content")
    config = dataclasses.replace(site_config(root), site_url=SITE_URL)

    preview, _builder, site = make_preview_server(config, "127.0.0.1", 0)
    thread = threading.Thread(target=preview.serve, daemon=True)
    thread.start()
    while not preview.serve_thread.is_alive():
        time.sleep(0.05)
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text(f"url = https://{TOKEN}@github.com/x/y\n")
    (site / ".env").write_text(f"TOKEN={TOKEN}\n")
    try:
        yield Served("preview", preview.server_address[1], preview)
    finally:
        preview.shutdown(wait=True)


@pytest.mark.parametrize(
    "path", ["/.git/config", "/%2egit/config", "/tips/../.git/config", "/.env", "/.git/"]
)
def test_dotfiles_are_never_served(served: Served, path: str) -> None:
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    answer = served.raw(head.encode())
    assert answer.split(b" ", 2)[1] == b"404", answer[:200]
    assert TOKEN.encode() not in answer


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 421),
        ("evil.example:{port}", 421),
        ("127.0.0.1.evil.example", 421),
        (None, 400),
        ("a b", 400),
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("[::1]:{port}", 200),
        ("handbook.example.org", 200),
    ],
)
def test_only_the_allowed_hosts_are_answered(served: Served, host: str | None, status: int) -> None:
    name = host.format(port=served.port) if host is not None else None
    assert served.status("/", host=name) == status


@pytest.mark.parametrize(
    "hosts", [("127.0.0.1", "evil.example"), ("evil.example", "127.0.0.1"), ("localhost",) * 2]
)
def test_more_than_one_host_header_is_a_400(served: Served, hosts: tuple[str, ...]) -> None:
    """RFC 9112 3.2: not the first Host's say, when a proxy in front may act on another."""
    lines = "".join(f"Host: {host}\r\n" for host in hosts)
    answer = served.raw(f"GET / HTTP/1.1\r\n{lines}Connection: close\r\n\r\n".encode())
    assert answer.split(b" ", 2)[1] == b"400", answer[:200]


def test_a_host_with_a_port_past_65535_is_a_400(served: Served) -> None:
    assert served.status("/", host="127.0.0.1:99999") == 400


@pytest.mark.parametrize("path", ["/tips%00.html", "/%ff", "/a%0d%0ab", "*", "http://x/"])
def test_malformed_paths_are_400s(served: Served, path: str) -> None:
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    answer = served.raw(head.encode())
    assert answer.split(b" ", 2)[1] == b"400", answer[:300]
    assert b"Traceback" not in answer


def test_a_client_trickling_its_headers_is_cut_off(served: Served) -> None:
    server = served.server
    before = server.head_deadline, server.idle_timeout  # type: ignore[attr-defined]
    server.head_deadline, server.idle_timeout = 1.0, 5.0  # type: ignore[attr-defined]
    try:
        assert seconds_until_cut_off(served.port, give_up_after=15) < 5
    finally:
        server.head_deadline, server.idle_timeout = before  # type: ignore[attr-defined]
    assert served.status("/") == 200
