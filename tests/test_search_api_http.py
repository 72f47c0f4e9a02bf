"""`/api/search` is one adapter (tipbook.searchhttp): `tipbook serve` and the `--drafts`
preview answer every request to it with the same status, headers and JSON.

Both servers run for real on loopback over the same content; each request is sent as raw
bytes, so neither client nor library normalises it on the way.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_corpus import site_config, write_corpus

from tipbook import publish
from tipbook.server import serve
from tipbook.site import build_site

pytestmark = pytest.mark.slow

MANY_FIELDS = "&".join(f"theme=t{n}" for n in range(60))  # past the adapter's 50
# (method, target, status, words of the error message); status 200: a search.
CASES = [
    ("GET", "/api/search?q=compassion", 200, ""),
    ("GET", "/api/%73earch?q=compassion", 200, ""),
    ("GET", "/api/search/?q=compassion&limit=2", 200, ""),
    ("GET", "/api/search", 400, "missing q"),
    ("GET", "/api/search?q=care&colour=red", 400, "unknown parameter 'colour'"),
    ("GET", "/api/search?q=care&limit=many", 400, "limit must be a whole number"),
    ("GET", "/api/search?q=care&limit=0", 400, "limit"),
    ("GET", "/api/search?q=a&q=b", 400, "give 'q' once"),
    ("GET", "/api/search?q=care&since=2015-02-30", 400, "since must be a date"),
    ("GET", "/api/search?q=care&" + MANY_FIELDS, 400, "bad query string"),
    ("GET", "/api/search?q=" + "x" * 501, 400, "too long"),
    ("HEAD", "/api/search?q=care", 405, ""),
    ("POST", "/api/search?q=care", 405, "use GET"),
    ("DELETE", "/api/search", 405, "use GET"),
    ("GET", "/api/nothing", 404, "no API at /api/nothing"),
    ("GET", "/api", 404, "no API at /api"),
]


def request(port: int, method: str, target: str, host: str = "127.0.0.1") -> bytes:
    """Send one request as written; the whole answer (the server closes after it)."""
    head = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    if method in ("POST", "DELETE"):
        head += "Content-Length: 0\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall((head + "\r\n").encode("latin-1"))
        chunks = []
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := client.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def parsed(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers that matter here, body)."""
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    kept = {"Content-Type", "Content-Length", "Cache-Control", "Allow"}
    return status, {k: v for k, v in fields.items() if k in kept}, body


@pytest.fixture(scope="module")
def ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """`tipbook serve` and the preview, over the same content: their ports."""
    from tipbook.site.preview import make_preview_server

    root = tmp_path_factory.mktemp("api-both")
    write_corpus(root / "content")
    config = site_config(root)
    build_site(config)
    server = serve(config, "127.0.0.1", 0)
    server.quiet = True
    server_thread = threading.Thread(target=server.serve_forever, daemon=True)
    server_thread.start()
    preview, _builder, _site = make_preview_server(config, "127.0.0.1", 0, drafts=False)
    preview_thread = threading.Thread(target=preview.serve, daemon=True)
    preview_thread.start()
    while not preview.serve_thread.is_alive():
        time.sleep(0.05)
    try:
        yield {"serve": server.server_address[1], "preview": preview.server_address[1]}
    finally:
        preview.shutdown(wait=True)
        server.shutdown()
        server.server_close()
        server_thread.join(timeout=10)
        publish.wait_for_deletions()


@pytest.mark.parametrize(("method", "target", "status", "words"), CASES)
def test_both_servers_answer_the_api_alike(
    ports: dict[str, int], method: str, target: str, status: int, words: str
) -> None:
    answers = {kind: parsed(request(port, method, target)) for kind, port in ports.items()}
    got_status, headers, body = answers["serve"]
    assert got_status == status, body[:200]
    if status == 200:
        # Two indexes (the published one, the preview's of content/, drafts too): their
        # scores differ, the tips found do not.
        found = {kind: json.loads(answer[2]) for kind, answer in answers.items()}
        for kind, (each_status, each_headers, _) in answers.items():
            assert each_status == 200, kind
            assert each_headers["Content-Type"] == "application/json; charset=utf-8", kind
            assert each_headers["Cache-Control"] == "no-store", kind
        assert found["serve"]["hits"], found
        assert [_hit(h) for h in found["serve"]["hits"]] == [
            _hit(h) for h in found["preview"]["hits"]
        ]
        assert found["serve"].keys() == found["preview"].keys()
        return
    assert answers["serve"] == answers["preview"], target  # byte for byte
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    if method == "HEAD":
        assert body == b"" and int(headers["Content-Length"]) > 0
        return
    document = json.loads(body)
    assert document == {"error": {"status": status, "message": document["error"]["message"]}}
    assert words in document["error"]["message"]
    if status == 405:
        assert headers["Allow"] == "GET"


def _hit(hit: dict[str, object]) -> tuple[object, ...]:
    return hit["id"], hit["title"], hit["url"], hit["date"]


def test_both_servers_refuse_a_foreign_host_on_the_api(ports: dict[str, int]) -> None:
    """The API is behind tipbook.requestguard in both: a DNS-rebinding page gets a 421."""
    for kind, port in ports.items():
        answer = request(port, "GET", "/api/search?q=compassion", host="evil.example")
        assert parsed(answer)[0] == 421, kind
        assert b"hits" not in answer, kind


def test_neither_server_logs_the_words_of_a_search(
    ports: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    """MkDocs' server (the preview's) logs each failed request's line at WARNING, query
    string and all, and an error names a malformed request line: what a search asked is cut
    from both, as `tipbook serve` cuts it from its access log (tests/test_serve_api.py)."""
    with caplog.at_level("DEBUG"):
        for target in ("/api/nothing?q=confidential", "/api/search?q=confidential%20x&page=0"):
            assert parsed(request(ports["preview"], "GET", target))[0] in (400, 404)
        request(ports["preview"], "GET", "/api/search?q=confidential words")  # malformed line
    logged = caplog.text
    assert "/api/nothing?…" in logged and "/api/search?…" in logged, logged
    assert "confidential" not in logged, logged


def test_the_preview_search_follows_its_builds(tmp_path: Path) -> None:
    """After a save, the preview's `/api/search` finds what its pages show: a tip the gate
    holds back (an unknown theme) is not found, and found again once fixed. It used to
    answer from the index as it was (refreshed in the background, at most every five
    seconds) and found held-back tips, whose pages do not exist."""
    from benchmarks.generate import generate_corpus
    from tipbook.site.preview import make_preview_server

    generate_corpus(tmp_path / "content", 8)
    tip = sorted((tmp_path / "content").rglob("tips/**/*.md"))[3]
    text = tip.read_text(encoding="utf-8").replace("\n\n", "\n\nzzuniqueword here.\n\n", 1)
    tip.write_text(text, encoding="utf-8")
    preview, builder, _site = make_preview_server(
        site_config(tmp_path), "127.0.0.1", 0, drafts=False
    )
    thread = threading.Thread(target=preview.serve, daemon=True)
    thread.start()
    while not preview.serve_thread.is_alive():
        time.sleep(0.05)
    time.sleep(1)  # its file watcher started
    port = preview.server_address[1]

    def found_after(content: str) -> int:
        builds = builder.builds
        tip.write_text(content, encoding="utf-8")
        deadline = time.monotonic() + 60
        while builder.builds == builds and time.monotonic() < deadline:
            time.sleep(0.1)
        status, _headers, body = parsed(request(port, "GET", "/api/search?q=zzuniqueword&log=0"))
        assert status == 200, body
        return int(json.loads(body)["total"])

    try:
        assert found_after(text.replace("themes:\n", "themes:\n  - nosuchtheme\n", 1)) == 0
        assert found_after(text) == 1
    finally:
        preview.shutdown(wait=True)
        publish.wait_for_deletions()
