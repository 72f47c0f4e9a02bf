"""`tipbook serve`: a real server on a free loopback port, queried over HTTP."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from search_corpus import by_title, write_corpus

from search.query import SearchOptions, search_tips
from tipbook.cli import main
from tipbook.server import SiteServer, make_server

COMPASSION = by_title("Convey Compassion in Customer Service")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve")
    write_corpus(root / "content")
    site = root / "site"
    (site / "tips" / "2013").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "empty").mkdir()
    (site / "index.html").write_text("<h1>Handbook home</h1>", encoding="utf-8")
    (site / "404.html").write_text("<h1>Our own 404 page</h1>", encoding="utf-8")
    (site / "tips" / "2013" / "index.html").write_text("<h1>2013</h1>", encoding="utf-8")
    (site / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    (site / "assets" / "style.css").write_text("body{}", encoding="utf-8")
    (root / "secret.txt").write_text("outside the site", encoding="utf-8")
    (site / "escape").symlink_to(root)  # a link out of the site must not be followed
    return root


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[SiteServer]:
    server = make_server(
        root / "site",
        port=0,
        content_dir=root / "content",
        index_dir=root / ".tipbook" / "index",
        quiet=True,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def client(server: SiteServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def raw_get(server: SiteServer, path: str) -> tuple[int, bytes]:
    """A GET with the path sent exactly as written (no client-side normalising)."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_binds_to_loopback_on_a_free_port(server: SiteServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_static_files_with_content_types(client: httpx.Client) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert "Handbook home" in home.text
    assert client.get("/tips/2013/").text == "<h1>2013</h1>"
    redirect = client.get("/tips/2013")
    assert redirect.status_code == 301 and redirect.headers["location"].endswith("/tips/2013/")
    assert client.get("/assets/app.js").headers["content-type"].startswith("application/javascript")
    assert client.get("/assets/style.css").headers["content-type"] == "text/css; charset=utf-8"


def test_misses_get_the_sites_404_page(client: httpx.Client) -> None:
    for path in ("/nope", "/tips/1999/", "/empty/"):  # no listing of a folder without index
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Our own 404 page" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/tips/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/escape/secret.txt",
        "/%ff%fe",
        "/tips/%00/index.html",
    ],
)
def test_no_path_traversal(server: SiteServer, path: str) -> None:
    status, body = raw_get(server, path)
    assert status in (400, 404)
    assert b"outside the site" not in body and b"root:" not in body


def test_api_answers_like_search_json(client: httpx.Client, server: SiteServer, root: Path) -> None:
    response = client.get("/api/search", params={"q": "body language", "limit": 3})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    document = response.json()
    expected = search_tips(
        root / ".tipbook" / "index", "body language", SearchOptions(limit=3)
    ).to_dict()
    assert document == expected
    assert document["hits"][0]["id"] == COMPASSION.id


def test_api_filters(client: httpx.Client) -> None:
    document = client.get(
        "/api/search", params=[("q", "customer OR care"), ("theme", "caring"), ("limit", "5")]
    ).json()
    assert document["total"] >= 1
    assert all("caring" in hit["themes"] for hit in document["hits"])
    assert document["filters"]["themes"] == ["caring"]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({}, 400, "missing q"),
        ({"q": ""}, 400, "missing q"),
        ({"q": "x" * 501}, 400, "too long"),
        ({"q": "empathy", "limit": "0"}, 400, "limit"),
        ({"q": "empathy", "limit": "1000"}, 400, "limit"),
        ({"q": "empathy", "limit": "ten"}, 400, "whole number"),
        ({"q": "empathy", "since": "yesterday"}, 400, "since"),
        ({"q": "empathy", "theme": "nope"}, 400, "theme"),
        ({"q": "empathy", "sort": "date"}, 400, "unknown parameter"),
        ({"q": '"unclosed'}, 400, "quotes"),
        ({"q": "author:me"}, 400, "unknown field"),
    ],
)
def test_api_bad_parameters_get_json_errors(
    client: httpx.Client, query: dict[str, str], status: int, message: str
) -> None:
    response = client.get("/api/search?" + urllib.parse.urlencode(query))
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status
    assert message in error["message"]


def test_unknown_api_paths_are_json_404(client: httpx.Client) -> None:
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_a_burst_of_concurrent_requests(client: httpx.Client, server: SiteServer) -> None:
    queries = ["empathy", "body language", "sorry", "customer", "empath*", "care"] * 8

    def ask(query: str) -> tuple[int, dict]:
        with httpx.Client(base_url=server.url, timeout=30) as own:
            response = own.get("/api/search", params={"q": query, "limit": 5})
            return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(ask, queries))
    assert all(status == 200 for status, _ in answers)
    by_query: dict[str, list[dict]] = {}
    for query, (_, document) in zip(queries, answers, strict=True):
        by_query.setdefault(query, []).append(document)
    for query, documents in by_query.items():
        assert all(d == documents[0] for d in documents), query  # same answer every time
        assert documents[0]["query"] == query


def test_api_follows_content_changes(client: httpx.Client, server: SiteServer, root: Path) -> None:
    from tipbook.content import save_tip

    save_tip(root / "content", COMPASSION.with_changes(body="Platypus-level compassion."))
    server.service.refresh(force=True)
    document = client.get("/api/search", params={"q": "platypus"}).json()
    assert [hit["id"] for hit in document["hits"]] == [COMPASSION.id]


def test_serve_without_a_built_site_says_to_build(tmp_path: Path) -> None:
    (tmp_path / "tipbook.yml").write_text("site_dir: site\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "tipbook.yml"), "serve"])
    assert result.exit_code == 1
    assert "tipbook build" in result.output
    assert "Traceback" not in result.output


def test_serve_on_a_busy_port_is_a_clear_error(root: Path, server: SiteServer) -> None:
    from tipbook.errors import TipbookError

    with pytest.raises(TipbookError, match="choose another port"):
        make_server(root / "site", port=server.server_address[1])


@pytest.mark.parametrize("host", ["no-such-host.invalid", "192.0.2.1"])
def test_serve_on_a_host_not_of_this_machine_names_the_host(root: Path, host: str) -> None:
    from tipbook.errors import TipbookError

    with pytest.raises(TipbookError, match="give host an address of this machine"):
        make_server(root / "site", host=host, port=0)


def test_api_json_is_utf8(client: httpx.Client) -> None:
    raw = client.get("/api/search", params={"q": "sorry"}).content
    assert json.loads(raw.decode("utf-8"))["hits"][0]["title"].startswith("Love is never")


def test_searches_are_bounded_and_excess_waits_then_503(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.api as api

    monkeypatch.setattr(api, "MAX_WAIT", 0.05)
    service = api.SearchService(root / "content", root / ".tipbook" / "index")
    service.refresh(force=True)
    try:
        assert service.handle({"q": ["empathy"]})[0] == 200
        taken = 0
        while service._slots.acquire(blocking=False):  # every search slot busy
            taken += 1
        assert taken == api.MAX_CONCURRENT
        status, body = service.handle({"q": ["empathy"]})
        assert status == 503 and "busy" in body["error"]["message"]
        for _ in range(taken):
            service._slots.release()
        assert service.handle({"q": ["empathy"]})[0] == 200
    finally:
        service.close()


def test_the_access_log_never_holds_the_words_of_a_search(
    root: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The standard access line put each query as typed beside the caller's address and
    the time on stderr (a service's journal), even with `serve.log_queries: false`."""
    server = make_server(
        root / "site",
        port=0,
        content_dir=root / "content",
        index_dir=root / ".tipbook" / "index",
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            assert client.get("/api/search", params={"q": "private compassion"}).status_code
            assert client.post("/api/opened", params={"q": "private words"}).status_code
            assert client.get("/index.html?ref=kept").status_code == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    logged = capfd.readouterr().err
    assert '"GET /api/search?… HTTP/1.1" 200' in logged, logged
    assert "/api/opened?…" in logged and "/index.html?ref=kept" in logged
    assert "private" not in logged


def test_the_access_log_never_holds_the_words_of_a_results_page_or_highlight(
    root: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The results page (`search/?query=…`) and a result opened from the box (`?h=…`, the
    search.highlight feature) carry a search's words in the page's address: cut too."""
    server = make_server(root / "site", port=0, content_dir=root / "content")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            client.get("/search/", params={"query": "private compassion", "exact": "1"})
            client.get("/index.html", params={"ref": "kept", "h": "private words"})
            client.get("/nowhere/", params={"query": "private"})
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    logged = capfd.readouterr().err
    assert "/search/?query=…&exact=1" in logged and "/index.html?ref=kept&h=…" in logged
    assert "private" not in logged, logged


def test_the_access_log_cuts_malformed_request_lines_with_quotes(
    root: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A request line with a quote in its query (sent by a script, not a browser) kept the
    words after the quote in the server's error and access lines."""
    import socket

    server = make_server(root / "site", port=0, content_dir=root / "content")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for line in (
            b'GET /api/search?q=a"private words HTTP/1.1',
            b"GET /api/search?q=a'private words HTTP/1.1",
            b"GET /search/?query=a'private words HTTP/1.1",
        ):
            with socket.create_connection(server.server_address[:2], timeout=10) as client:
                client.sendall(line + b"\r\nHost: 127.0.0.1\r\n\r\n")
                assert client.recv(100).startswith(b"HTTP/1.0 400")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    logged = capfd.readouterr().err
    assert logged.count("/api/search?…") == 4 and "/search/?query=…" in logged, logged
    assert "private" not in logged, logged
