"""Safety in a real browser: the hostile corpus, built with the forked worker, opened page by
page in Debian's Chromium with every request off loopback blocked. No payload may run: no
alert/confirm/prompt dialog, no `window.__xss`, not on load, focus, hover or a search."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fresh_build import build_with_worker
from hostile_corpus import scrape_hostile, write_hostile_content

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Before any page script: every way a payload can show it ran ends in `__ran`.
WATCH = """
window.__ran = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (message) => { window.__ran.push(name + ":" + message); };
}
"""
RAN = "window.__ran.concat(window.__xss === undefined ? [] : ['__xss:' + window.__xss])"
# What a reader does that would fire handlers: hover and focus everything, open <details>.
PROD = """() => {
  for (const el of document.querySelectorAll("body *")) {
    el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
    el.dispatchEvent(new FocusEvent("focus"));
  }
  for (const d of document.querySelectorAll("details")) d.open = !d.open;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile(  # type: ignore[no-untyped-def]
    tmp_path_factory: pytest.TempPathFactory, offhost_server
) -> Iterator[tuple[str, Path]]:
    """The corpus built (with the forked worker) and served on loopback: (URL, folder)."""
    root = tmp_path_factory.mktemp("hostile-browser")
    write_hostile_content(root / "content")
    _, report = scrape_hostile(root / "posts", root / "content", offhost_server)
    assert report.ok
    # in a fresh process: this one runs the hostile web server's thread (`fresh_build`)
    site = Path(build_with_worker(root, hostile=True)["site_dir"])
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", site
    server.shutdown()
    thread.join()
    server.server_close()


def _pages(site_url: str, site: Path) -> list[str]:
    return [
        site_url + path.parent.relative_to(site).as_posix().removeprefix(".") + "/"
        for path in sorted(site.rglob("index.html"))
    ]


def test_no_payload_runs_in_chromium(browser, hostile: tuple[str, Path]) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    dialogs: list[str] = []
    blocked: list[str] = []
    # Material's script must run on every page: content that stops it (a heading with the
    # id `__config`, where Material reads its settings) could also feed it settings.
    errors: list[str] = []

    def route(request_route) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(request_route.request.url).hostname in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    context.add_init_script(WATCH)
    tab = context.new_page()
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: errors.append(f"{tab.url}: {error}"))
    ran: dict[str, list[str]] = {}
    try:
        site_url, site = hostile
        urls = _pages(site_url, site)
        assert len(urls) > 90
        for url in urls:
            tab.goto(url, wait_until="load")
            tab.evaluate(PROD)
            tab.wait_for_timeout(20)
            found = tab.evaluate(RAN)
            if found:
                ran[url] = found
        # Material's search shows titles, text and tags with innerHTML: search the corpus.
        for query in ("vector", "hostile", "marked"):
            tab.close()
            tab = context.new_page()
            tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            tab.goto(site_url, wait_until="load")
            tab.locator("label.tb-search").click()  # opens Material's search box
            search = tab.locator("input.md-search__input")
            search.wait_for(state="visible")
            search.press_sequentially(query, delay=20)
            tab.locator(".md-search-result__item").first.wait_for(timeout=15_000)
            tab.evaluate(PROD)
            found = tab.evaluate(RAN)
            if found:
                ran[f"search {query!r}"] = found
    finally:
        context.close()
    assert ran == {}
    assert dialogs == []
    assert blocked == []
    assert errors == []
