"""The handbook in a real browser: Debian's Chromium (Playwright) against the built site
served on 127.0.0.1 by a stdlib HTTP server in a thread. Screenshots go to tests/artifacts."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_corpus import EXCERPT_TITLE, REPO_ROOT, TIPS, BuiltCorpus

from tipbook.taxonomy import load_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(corpus_site: BuiltCorpus) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(corpus_site.site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


@pytest.fixture()
def page(browser, site_url: str):  # type: ignore[no-untyped-def]
    """A fresh page that fails the test on any console error or uncaught exception."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    # A request the browser aborts because the test navigated on is not a failure.
    tab.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else errors.append(r.url),
    )
    yield tab
    context.close()
    assert errors == []


def test_home_shows_the_latest_tip(page, site_url: str, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url)
    week = page.locator(".tb-week")
    # The corpus's newest tip is from 2024: not "this week's tip" on the day tests run.
    assert "latest tip · tuesday, 20 february 2024" in week.inner_text().lower()
    assert "this week" not in week.inner_text().lower()
    assert week.locator("h2 a").inner_text() == TIPS[0][0]
    chapters = load_taxonomy(REPO_ROOT / "content" / "themes.yml")
    assert page.locator(".grid.cards li").count() == len(chapters)
    page.wait_for_timeout(600)  # let Material finish fading the tabs in for the screenshot
    page.screenshot(path=artifacts_dir / "site-home.png", full_page=True)
    week.locator("a.md-button").click()
    page.wait_for_url("**-listen-before-you-answer/")
    assert page.locator("h1").inner_text() == TIPS[0][0]


def test_chapter_lists_its_tips(page, site_url: str, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url)
    page.locator(".grid.cards a", has_text="Apology and Service Recovery").click()
    page.wait_for_url("**/themes/apology/")
    titles = page.locator("ul.tb-list li > a").all_inner_texts()
    assert titles == ["Own the Mistake", "Say Sorry Like You Mean It"]
    page.screenshot(path=artifacts_dir / "site-chapter.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    page.screenshot(path=artifacts_dir / "site-chapter-print.png", full_page=True)


def test_tip_page_callout_series_and_related_links_open(  # type: ignore[no-untyped-def]
    page, site_url: str, artifacts_dir: Path
) -> None:
    page.goto(site_url + "tips/2023/2023-11-28-the-second-step/")
    callout = page.locator(".admonition.tip")
    assert callout.is_visible() and "The Second Step — every time." in callout.inner_text()
    assert "Part 2 of 3" in page.locator(".tb-series").inner_text()
    page.screenshot(path=artifacts_dir / "site-tip.png", full_page=True)

    page.locator("a.tb-part-next").click()
    page.wait_for_url("**-the-third-step/")
    assert page.locator("h1").inner_text() == "The Third Step"
    page.go_back()

    related = page.locator("ul.tb-related li > a")
    assert related.count() == 5
    for index, title in enumerate(related.all_inner_texts()):
        page.locator("ul.tb-related li > a").nth(index).click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == title
        page.go_back()

    # One row of chips says the chapters and the tags that are not chapters, once.
    chips = page.locator(".tb-meta a.tb-chip")
    assert chips.all_inner_texts() == ["Customer Retention", "service"]
    assert all(chip.is_visible() for chip in chips.all())
    assert not page.locator("nav.md-tags").is_visible()
    repeated = page.get_by_text("retention", exact=True).all()
    assert not [tag for tag in repeated if tag.is_visible()]  # the tag is not shown again
    page.locator("a.tb-chip", has_text="Customer Retention").click()
    page.wait_for_url("**/themes/retention/")


def test_excerpt_only_tip_links_to_the_original(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "tips/2023/2023-10-03-notice-the-misfortune/")
    assert page.locator("h1").inner_text() == EXCERPT_TITLE
    notice = page.locator(".tb-excerpt")
    assert "Only an excerpt" in notice.inner_text()
    assert notice.locator("a").get_attribute("href") == "https://cssamerica.com/10-tip/"


def test_search_finds_a_tip_by_a_body_word(page, site_url: str, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url)
    page.locator("label.tb-search").click()  # the home page's search box opens Material's
    search = page.locator("input.md-search__input")
    search.wait_for(state="visible")
    search.press_sequentially("marmalade", delay=30)
    result = page.locator(".md-search-result__item", has_text="Own the Mistake").first
    result.wait_for(timeout=15_000)
    page.screenshot(path=artifacts_dir / "site-search.png")
    result.locator("a").first.click()
    page.wait_for_url("**-own-the-mistake/**")
    assert page.locator("h1").inner_text() == "Own the Mistake"
