"""`tipbook serve` holds during rebuilds and under abuse: no 404 while a build swaps the
site in, idle connections closed, a client that hangs up costs no traceback, wildcard
queries bounded, a warning off loopback, and a live preview that shows a broken tip's
error instead of hanging."""

from __future__ import annotations

import http.client
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from search_corpus import write_corpus as write_search_corpus
from site_corpus import REPO_ROOT, BuiltCorpus, site_config, write_corpus
from slow_client import seconds_until_cut_off

from search.indexer import open_index, update_index
from search.parse import parse as _parse
from search.query import QueryError, TipSearcher
from search.schema import DEFAULT_FIELD
from search.wildcards import MAX_EXPANDED, MAX_WILDCARDS
from search.wildcards import bounded as _bounded
from tipbook import publish
from tipbook.server import SiteServer, make_server
from tipbook.site import build_site

pytestmark = pytest.mark.slow

PAGES = ["", "tips/2024/2024-02-06-own-the-mistake/", "themes/apology/", "search/search_index.json"]


def running(server: SiteServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture()
def served(tmp_path: Path, corpus_site: BuiltCorpus) -> Iterator[tuple[SiteServer, Path]]:
    site = corpus_site.copy_to(tmp_path).site_dir  # the built corpus: these tests rebuild it
    server = make_server(site, port=0, quiet=True)
    thread = running(server)
    try:
        yield server, tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        publish.wait_for_deletions()


@pytest.mark.parametrize("swap", ["exchange", "two renames"])
def test_no_404_while_the_site_is_rebuilt(
    served: tuple[SiteServer, Path], swap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, root = served
    if swap == "two renames":  # systems without an atomic exchange
        monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    config = site_config(root)
    tip = next(config.content_dir.glob("tips/*/*-own-the-mistake.md"))
    failures: list[str] = []
    answered = 0
    stop = threading.Event()

    def poll() -> None:
        nonlocal answered
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        while not stop.is_set():
            for page in PAGES:
                connection.request("GET", "/" + page)
                response = connection.getresponse()
                body = response.read()
                answered += 1
                whole = body.rstrip().endswith(b"</html>") or page.endswith(".json")
                if response.status != 200 or not whole:
                    failures.append(f"/{page}: {response.status}, {len(body)} bytes")
        connection.close()

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        for number in range(4):
            tip.write_text(tip.read_text() + f"\nEdit number {number}.\n")
            build_site(config)
    finally:
        stop.set()
        poller.join(timeout=30)
    assert answered > 20 and failures == []
    page = (root / "site" / PAGES[1] / "index.html").read_text()
    assert "Edit number 3." in page


def test_idle_connections_are_closed(served: tuple[SiteServer, Path]) -> None:
    server, _ = served
    server.idle_timeout = 0.5
    for opening in (b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1"):  # silent, and a request never ended
        with socket.create_connection(("127.0.0.1", server.server_address[1])) as client:
            client.sendall(opening)
            client.settimeout(10)
            started = time.monotonic()
            assert client.recv(1024) == b"" or client.recv(1024) == b""
            assert time.monotonic() - started < 5


def test_a_client_trickling_its_headers_is_closed_at_the_head_deadline(
    served: tuple[SiteServer, Path],
) -> None:
    """Slowloris: a header line every 0.2 s never trips the idle timeout (it counts from
    the last byte) and held a server thread for as long as the client liked."""
    server, _ = served
    server.idle_timeout, server.head_deadline = 5.0, 1.0
    assert seconds_until_cut_off(server.server_address[1], give_up_after=10) < 5
    # An ordinary request is served as before.
    assert httpx.get(f"http://127.0.0.1:{server.server_address[1]}/").status_code == 200


def test_a_client_that_hangs_up_is_no_traceback(
    served: tuple[SiteServer, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    server, root = served
    server.quiet = False  # type: ignore[attr-defined]
    (root / "site" / "big.bin").write_bytes(os.urandom(1 << 24))  # more than socket buffers
    for _ in range(3):
        client = socket.create_connection(("127.0.0.1", server.server_address[1]))
        client.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        client.recv(4096)
        # Close with a reset (SO_LINGER 0), as a browser tab closed mid-download does.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    # The server notices when its next write fails.
    deadline = time.monotonic() + 10
    err = ""
    while "closed:" not in err and time.monotonic() < deadline:
        time.sleep(0.1)
        err += capfd.readouterr().err
    assert "closed: " in err  # the hang-up happened, and was logged in one line
    assert "Traceback" not in err and "Exception occurred" not in err
    assert httpx.get(server.url, timeout=10).status_code == 200  # still serving


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.generate import generate_corpus

    root = tmp_path_factory.mktemp("wild")
    write_search_corpus(root / "content")
    generate_corpus(root / "content", 150)
    update_index(root / "content", root / "index")
    return root / "index"


def test_wildcards_stand_for_a_bounded_number_of_words(index_dir: Path) -> None:
    query = " ".join(f"{letter}*" for letter in "abcdefgh")
    with open_index(index_dir).searcher() as whoosh_searcher:
        reader = whoosh_searcher.reader()
        parsed = _parse(query, whoosh_searcher.schema)
        unbounded = sum(1 for leaf in parsed.leaves() for _ in leaf.expanded_terms(reader))
        bounded = list(_bounded(parsed, reader).leaves())
        assert unbounded > 4 * MAX_EXPANDED  # the corpus does hold many such words
        assert 0 < len(bounded) <= MAX_EXPANDED
        # The words kept are the most frequent ones.
        kept = {leaf.text for leaf in bounded if leaf.text.startswith("c")}
        frequency = {
            t.decode(): reader.doc_frequency(DEFAULT_FIELD, t)
            for t in reader.expand_prefix(DEFAULT_FIELD, "c")
        }
        dropped = set(frequency) - kept
        assert kept and dropped
        assert min(frequency[t] for t in kept) >= max(frequency[t] for t in dropped)
    searcher = TipSearcher(index_dir)
    try:
        assert searcher.search(query).total > 0
        too_many = " ".join(f"{letter}*" for letter in "abcdefghijklmnop")
        with pytest.raises(QueryError, match=f"at most {MAX_WILDCARDS}"):
            searcher.search(too_many)
    finally:
        searcher.close()


def test_the_api_refuses_a_wildcard_flood(index_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html></html>")
    server = make_server(site, port=0, index_dir=index_dir, quiet=True)
    thread = running(server)
    try:
        flood = " ".join(f"{a}{b}*" for a in "abc" for b in "aeiou")
        url = server.url + "api/search?" + urllib.parse.urlencode({"q": flood})
        response = httpx.get(url, timeout=30)
        assert response.status_code == 400
        assert f"at most {MAX_WILDCARDS}" in response.json()["error"]["message"]
        fine = server.url + "api/search?" + urllib.parse.urlencode({"q": "empath* cust*"})
        assert httpx.get(fine, timeout=30).json()["total"] > 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_serving_drafts_off_loopback_warns(tmp_path: Path) -> None:
    write_corpus(tmp_path / "content")
    config = tmp_path / "tipbook.yml"
    config.write_text("content_dir: content\nsite_dir: site\ncache_dir: cache\n")
    for name in ("mkdocs.yml", "overrides"):
        target = tmp_path / name
        target.symlink_to(REPO_ROOT / name)
    # 127.0.0.2 is loopback on Linux, but not an address tipbook takes for one.
    process = subprocess.Popen(
        [sys.executable, "-m", "tipbook", "--config", str(config)]
        + ["serve", "--drafts", "--host", "127.0.0.2", "--port", "0"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        first = process.stderr.readline() if process.stderr else ""
    finally:
        process.kill()
        process.wait(timeout=30)
    assert "Warning: listening on 127.0.0.2" in first and "drafts" in first


def test_the_preview_shows_a_broken_tip_and_recovers(tmp_path: Path) -> None:
    from tipbook.site.preview import make_preview_server

    write_corpus(tmp_path / "content")
    config = site_config(tmp_path)
    server, builder, _site = make_preview_server(config, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        while not server.serve_thread.is_alive():
            time.sleep(0.05)
        url = f"http://127.0.0.1:{server.server_address[1]}/tips/2024/2024-02-06-own-the-mistake/"
        path = next(config.content_dir.glob("tips/*/*-own-the-mistake.md"))
        good = path.read_text()
        path.write_text(good.replace("date: 2024-02-06", "date: 2024-02-30"))
        deadline = time.monotonic() + 30
        while not builder.held:  # held back as `tipbook build` would, the rest rebuilt
            assert time.monotonic() < deadline, "the broken tip was never rebuilt"
            time.sleep(0.1)
        page = httpx.get(url, timeout=5)  # answers at once: the preview is not stuck
        # held back as a build would (404 at its address), with the reason and the reload
        # script, so the editor's tab shows why and comes back on the fix
        assert page.status_code == 404 and "tipbook-preview-error" in page.text
        assert "livereload" in page.text
        assert "own-the-mistake.md" in page.text and "date" in page.text
        assert "held back" in page.text and not builder.error

        path.write_text(good.replace("marmalade", "gooseberry"))
        while "gooseberry" not in (page := httpx.get(url, timeout=5)).text:
            assert time.monotonic() < deadline + 30, "the preview did not recover"
            time.sleep(0.2)
        assert "tipbook-preview-error" not in page.text and not builder.error
        assert not builder.held
    finally:
        server.shutdown(wait=True)


def test_the_preview_keeps_the_last_good_build_through_broken_saves(tmp_path: Path) -> None:
    """A build that fails (a file the site refuses to copy, `.html`) saved three times:
    each full rebuild after a failure goes beside the site and is swapped in only when it
    succeeds, so pages keep answering with the banner, never a blank 404."""
    from tipbook.site.preview import make_preview_server

    write_corpus(tmp_path / "content")
    config = site_config(tmp_path)
    server, builder, _site = make_preview_server(config, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        while not server.serve_thread.is_alive():
            time.sleep(0.05)
        url = f"http://127.0.0.1:{server.server_address[1]}/tips/2024/2024-02-06-own-the-mistake/"
        refused = config.content_dir / "widget.html"
        deadline = time.monotonic() + 60
        for attempt in (1, 2, 3):
            refused.write_text(f"<p>save {attempt}</p>")
            while builder.attempts < attempt + 1:  # the first build, then one per save
                assert time.monotonic() < deadline, "the broken save was never rebuilt"
                time.sleep(0.1)
            page = httpx.get(url, timeout=5)
            assert page.status_code == 200, f"save {attempt}: {page.status_code}"
            assert "tipbook-preview-error" in page.text and "widget.html" in page.text
            assert "dirty" not in builder.error
        refused.unlink()
        while builder.error:
            assert time.monotonic() < deadline + 30, "the preview did not recover"
            time.sleep(0.1)
        assert "tipbook-preview-error" not in httpx.get(url, timeout=5).text
    finally:
        server.shutdown(wait=True)


def test_search_index_json_is_valid_after_rebuilds(served: tuple[SiteServer, Path]) -> None:
    server, root = served
    build_site(site_config(root))
    # Material's index (tips are not in it: they are searched through tipbook's engine)
    # and the static search's description of its index: whole JSON, never half written.
    data = httpx.get(server.url + "search/search_index.json", timeout=10).content
    assert isinstance(json.loads(data)["docs"], list)
    info = httpx.get(server.url + "search/tipbook.json", timeout=10).content
    assert json.loads(info)["tips"] > 0


def test_wildcard_searches_take_turns_and_leave_room_for_plain_ones(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import api

    monkeypatch.setattr(api, "MAX_WAIT", 0.3)
    service = api.SearchService(None, index_dir)
    try:
        assert service.handle({"q": ["empath*"]})[0] == 200
        with service._turn(expanding=True):  # a wildcard search is running
            status, body = service.handle({"q": ["cust*"]})
            assert status == 503 and "busy" in body["error"]["message"]
            assert service.handle({"q": ["customer"]})[0] == 200  # plain ones go on
        assert service.handle({"q": ["cust*"]})[0] == 200
    finally:
        service.close()
