"""Driving the site's search box in Chromium: serve a built site (as `tipbook serve` does,
or as a plain static server does), type a query, read the results Material shows.

Shared by the browser tests (tests/test_search_box.py) and the benchmarks, which import it
from here (never from tests/ through `sys.path`).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# How every browser test and benchmark starts Debian's Chromium (tests/conftest.py too).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BOX = "input.md-search__input"
RESULTS_PAGE_LINK = "/search/?query="  # the box's "did you mean" and "all N tips" items
CHAPTER_LINK = "/themes/"  # the box's "nearest chapter" item, when no tip matches

# True once the box shows the answer to `q`: a result whose link carries the query (Material
# adds it as ?h= for highlighting); with `none`, also Material's "no match" line (which may
# be the answer to a query typed half-way: the caller lets it settle).
_ANSWERED = """([q, none]) => {
  const links = document.querySelectorAll(".md-search-result__list .md-search-result__link")
  for (const a of links) if (new URL(a.href).searchParams.get("h") === q) return true
  const meta = document.querySelector(".md-search-result__meta")
  return none && !!meta && meta.textContent.trim() === "No matching documents"
}"""
_EMPTY = "() => !document.querySelector('.md-search-result__list > li')"
SETTLE_MS = 600  # a query's own answer comes well within this after its last keystroke

_TITLES = """() => [...document.querySelectorAll(".md-search-result__list > li")].map(li => {
  const a = li.querySelector("a")
  return {href: a ? a.href : "", title: (li.querySelector("h1, h2") || {}).textContent || ""}
})"""

# Times the last keystroke and the moment the box first shows results for the query.
_WATCH = """(q) => {
  const box = document.querySelector("input.md-search__input")
  const list = document.querySelector(".md-search-result__list")
  const watch = window.__tbWatch = {q, keydown: 0, shown: 0}
  box.addEventListener("keydown", e => { watch.keydown = performance.now() })
  new MutationObserver(() => {
    if (watch.shown) return
    for (const a of list.querySelectorAll(".md-search-result__link"))
      if (new URL(a.href).searchParams.get("h") === watch.q) {
        watch.shown = performance.now()
        return
      }
  }).observe(list, {childList: true, subtree: true})
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder, or for a path in `swapped` the (bytes, content type) given there
    (the benchmark serves Material's own search worker and index in place of tipbook's)."""

    swapped: dict[str, tuple[bytes, str]] = {}

    def do_GET(self) -> None:
        found = self.swapped.get(self.path.split("?", 1)[0])
        if found is None:
            super().do_GET()
            return
        data, kind = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def static_server(
    site_dir: Path, swapped: dict[str, tuple[bytes, str]] | None = None
) -> Iterator[str]:
    """A plain static web server (no /api) over `site_dir`, on an ephemeral port."""
    handler_class = type("Handler", (_QuietHandler,), {"swapped": dict(swapped or {})})
    handler = functools.partial(handler_class, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def tipbook_server(
    site_dir: Path, content_dir: Path, index_dir: Path, query_log: Path | None = None
) -> Iterator[str]:
    """`tipbook serve`'s server (site and /api/search) on an ephemeral port."""
    from tipbook.server import make_server

    server = make_server(
        site_dir, port=0, content_dir=content_dir, index_dir=index_dir, quiet=True,
        query_log=query_log,
    )  # fmt: skip
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def open_box(page: Any) -> Any:
    """Open Material's search dialog: a click in the header's search box (desktop width)."""
    box = page.locator(BOX)
    box.click()
    box.wait_for(state="visible")
    return box


def search_titles(
    page: Any, query: str, timeout: float = 15_000, delay: float | None = 15
) -> list[str]:
    """Type `query` into the open search box key by key (`delay` ms apart), or with
    `delay=None` put it in whole (as a paste does) and release one key; the tips' titles
    it shows. Material's box searches for the field's value on each key's release, so both
    end in the same search: the whole query (the ranking tests need only that one answer,
    not one per keystroke; typing is tested where the box's mid-typing answers matter)."""
    box = page.locator(BOX)
    box.press("Control+a")
    box.press("Backspace")
    page.wait_for_function(_EMPTY, timeout=timeout)
    if delay is None:
        box.fill(query)
        box.press("End")  # the key release Material's box listens for
    else:
        box.press_sequentially(query, delay=delay)
    page.wait_for_function(_ANSWERED, arg=[query, True], timeout=timeout)
    if not page.evaluate(_ANSWERED, [query, False]):
        page.wait_for_timeout(SETTLE_MS)  # "no match" so far: unless the answer comes now
    return [
        row["title"].strip()
        for row in page.evaluate(_TITLES)
        if RESULTS_PAGE_LINK not in row["href"] and CHAPTER_LINK not in row["href"]
    ]


def keystroke_to_results_ms(page: Any, query: str, timeout: float = 15_000) -> float:
    """Milliseconds from the query's last keystroke to its results showing in the box."""
    box = page.locator(BOX)
    box.press("Control+a")
    box.press("Backspace")
    page.wait_for_function(_EMPTY, timeout=timeout)
    page.evaluate(_WATCH, query)
    box.press_sequentially(query, delay=40)
    page.wait_for_function("() => window.__tbWatch.shown > 0", timeout=timeout)
    watch = page.evaluate("() => window.__tbWatch")
    return float(watch["shown"] - watch["keydown"])
