"""Two pages readers meet off the beaten path, in real Chromium: the 404 page (a way home
and the search box, at any depth) and a printed chapter (every link's full address)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_corpus import site_config, write_corpus

from tipbook.server import make_server
from tipbook.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The corpus, served by `tipbook serve`'s server on an ephemeral port; its site_url (the
    address readers use) is deliberately another: http://127.0.0.1/, without the port."""
    root = tmp_path_factory.mktemp("print404")
    write_corpus(root / "content")
    config = dataclasses.replace(site_config(root), site_url="http://127.0.0.1/")
    site = build_site(config).site_dir
    server = make_server(site, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert errors == []


def test_the_404_page_leads_home_and_to_search(page, served: str, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(f"{served}tips/2031/2031-01-07-no-such-tip/")
    assert response is not None and response.status == 404
    assert page.locator("article h1").inner_text() == "Page not found"
    page.screenshot(path=artifacts_dir / "site-404.png", full_page=True)
    # The search box opens Material's search, ready to type in.
    page.locator("article label.tb-search").click()
    assert page.locator("#__search").is_checked()
    page.keyboard.type("marmalade")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    assert "Own the Mistake" in page.locator(".md-search-result").inner_text()
    # The way home works from any depth.
    page.goto(f"{served}tips/2031/2031-01-07-no-such-tip/")
    page.locator("article a", has_text="Go to the home page").click()
    page.wait_for_url(served)
    assert page.locator(".tb-week").is_visible()


def test_a_printed_chapter_shows_full_link_addresses(page, served: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{served}themes/apology/")
    page.emulate_media(media="print")
    after = page.evaluate(
        """() => [...document.querySelectorAll('ul.tb-list li > a')].map(
            a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])"""
    )
    assert after, "the chapter lists no tip"
    for href, content in after:
        assert not href.startswith("http")  # the page's links are relative…
        # …and print as full addresses on the address readers use (site_url).
        assert content.startswith('" <http://127.0.0.1/tips/'), content
        assert content.endswith('/>"'), content
