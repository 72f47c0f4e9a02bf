"""`tipbook serve` answers `/api/search` from the generation it serves: the index a build
publishes inside the site, with the pages. Tried with a running server on loopback across
an edit, a delete and an add in content/, before and after the build that takes them in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from site_corpus import TIPS, TODAY, site_config, write_corpus

from tipbook.config import Config
from tipbook.server import SiteServer, serve
from tipbook.site import build_site

pytestmark = pytest.mark.slow


@pytest.fixture()
def served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Config, SiteServer, httpx.Client]]:
    monkeypatch.setenv("TIPBOOK_TODAY", TODAY.isoformat())
    monkeypatch.chdir(tmp_path)
    write_corpus(tmp_path / "content")
    config = site_config(tmp_path)
    build_site(config)
    server = serve(config, "127.0.0.1", 0)
    server.quiet = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield config, server, client
    server.shutdown()
    server.server_close()
    thread.join(10)


def titles(client: httpx.Client, query: str) -> list[str]:
    answer = client.get("/api/search", params={"q": query, "limit": 50})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == len(body["hits"])
    return [hit["title"] for hit in body["hits"]]


def tip_file(config: Config, slug: str) -> Path:
    return next(config.content_dir.glob(f"tips/*/*-{slug}.md"))


def test_search_follows_the_published_build_not_content(
    served: tuple[Config, SiteServer, httpx.Client],
) -> None:
    config, _server, client = served
    edited = tip_file(config, "own-the-mistake")
    assert titles(client, "marmalade") == ["Own the Mistake"]

    # An edit in content/: the served answers stay those of the site, never doubled.
    edited.write_text(edited.read_text() + "\nAlso a word: quagmire.\n")
    assert titles(client, "marmalade") == ["Own the Mistake"]
    assert titles(client, "quagmire") == []
    # A deleted tip and a new one, not yet built: still found, and not found.
    deleted = tip_file(config, "hand-off-warmly")
    deleted_word = "zeppelin"
    assert deleted_word in deleted.read_text() and titles(client, deleted_word)
    deleted.unlink()
    added = edited.with_name("2024-02-27-a-brand-new-tip.md")
    added.write_text(
        edited.read_text()
        .replace("Own the Mistake", "A Brand New Tip")
        .replace("own-the-mistake", "a-brand-new-tip")
        .replace("2024-02-06", "2024-02-27")
        .replace("marmalade", "gramophone")
    )
    assert titles(client, "gramophone") == []
    assert titles(client, deleted_word)

    # The build takes all three in, and the running server follows it, no restart.
    build_site(config)
    assert titles(client, "marmalade") == ["Own the Mistake"]
    assert sorted(titles(client, "quagmire")) == ["A Brand New Tip", "Own the Mistake"]
    assert titles(client, deleted_word) == []
    (hit,) = client.get("/api/search", params={"q": "gramophone"}).json()["hits"]
    assert client.get(hit["url"]).status_code == 200  # its link answers: it is built


def test_search_knows_only_published_tips(
    served: tuple[Config, SiteServer, httpx.Client],
) -> None:
    config, _server, client = served
    # The corpus's draft holds "xylophone", its scheduled tip "nebula".
    for word, typo in (("xylophone", "xylophon"), ("nebula", "nebul")):
        answer = client.get("/api/search", params={"q": typo}).json()
        assert answer["total"] == 0 and word not in str(answer)
    # A held-back tip (an error `check` reports) is not searchable either.
    broken = tip_file(config, "own-the-mistake")
    broken.write_text(broken.read_text().replace("summary: ", "summary: TODO "))
    build_site(config)
    assert titles(client, "marmalade") == []
    # Counts: every tip holds "customers"; the draft, the scheduled and the held-back
    # tip are not counted.
    assert len(titles(client, "customers")) == len(TIPS) - 1


def test_the_index_is_not_served_as_files(
    served: tuple[Config, SiteServer, httpx.Client],
) -> None:
    config, _server, client = served
    index = config.site_dir / ".tipbook-search"
    assert (index / "CURRENT").is_file()
    assert client.get("/.tipbook-search/CURRENT").status_code == 404
