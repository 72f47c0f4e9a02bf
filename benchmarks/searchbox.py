"""The site's search box measured in Chromium: quality on the shipped content (MRR of the
judged queries, benchmarks/search_judged.py) and speed on synthetic sites.

Three engines can sit behind Material's search box; the static ones are measured side by
side (the README's comparison):

- served: tipbook's own search at /api/search (`tipbook serve`);
- pagefind: the Pagefind index the build writes for a static export (search/static.py);
- material: Material's lunr search over an index like its search plugin writes for the
  tips (each tip's full text) — what the site used before;
- material-tuned: the same, tuned: title, takeaway, summary and chapters plus the body's
  first 40 words, title and chapters boosted.

The Material candidates are served from the same built site by a static server that
answers the search worker and search_index.json with Material's own worker and such an
index, so only the engine differs.
"""

from __future__ import annotations

import contextlib
import html
import json
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
WORKER = "assets/javascripts/tipbook-search-worker.js"
MATERIAL_INDEX = "search/search_index.json"
FIRST_QUERY = "customer complaint"  # the cold first search: two common words
TUNED_BODY_WORDS = 40

# First results of a cold page: navigation start to the first result in the list, and
# every byte the page and the search fetched (the worker's requests included).
_FIRST_RESULT = """(() => {
  window.__tbFirst = 0
  const watch = () => {
    const list = document.querySelector(".md-search-result__list")
    if (!list) return
    new MutationObserver(() => {
      if (!window.__tbFirst && list.querySelector("li")) window.__tbFirst = performance.now()
    }).observe(list, {childList: true, subtree: true})
  }
  document.addEventListener("DOMContentLoaded", watch)
})()"""


def material_docs(tips: list[tuple[Any, str]], titles: dict[str, str], tuned: bool) -> list:
    """Material search plugin entries for the tips (location, title, text as HTML)."""
    from tipbook.text import body_text as plain_text

    docs = []
    for tip, url in tips:
        chapters = [titles.get(theme, theme) for theme in tip.themes]
        body = plain_text(tip.body)
        if tuned:
            words = " ".join(body.split()[:TUNED_BODY_WORDS])
            parts = [tip.takeaway, tip.summary, words]
            text = "".join(f"<p>{html.escape(p)}</p>" for p in parts if p)
            docs.append({"location": url, "title": tip.title, "text": text, "tags": chapters})
        else:
            paragraphs = [plain_text(b) for b in tip.body.split("\n\n")]
            text = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
            docs.append({"location": url, "title": tip.title, "text": text})
    return docs


def material_index(site: Path, docs: list, tuned: bool) -> bytes:
    """A search_index.json: the site's own (its few non-tip pages) plus `docs`."""
    index = json.loads((site / MATERIAL_INDEX).read_text(encoding="utf-8"))
    if tuned:
        index["config"]["fields"] = {
            "title": {"boost": 10.0},
            "text": {"boost": 1.0},
            "tags": {"boost": 5.0},
        }
    # Listing pages never outrank tips: only the tips (and the editors' guide) are indexed.
    index["docs"] = [*docs, *index["docs"]]
    return json.dumps(index, ensure_ascii=False).encode("utf-8")


@contextlib.contextmanager
def candidate_server(site: Path, engine: str, index: bytes | None = None) -> Iterator[str]:
    """A plain static server over `site`; for a Material candidate its worker and index."""
    material_worker = next((site / "assets/javascripts/workers").glob("search.*.min.js"))
    swapped: dict[str, tuple[bytes, str]] = {}
    if engine.startswith("material"):
        swapped["/" + WORKER] = (material_worker.read_bytes(), "application/javascript")
        swapped["/" + MATERIAL_INDEX] = (index or b"", "application/json")

    from benchmarks.search_box import static_server

    with static_server(site, swapped) as url:
        yield url


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from benchmarks.search_box import CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


def first_search(browser: Any, url: str, query: str = FIRST_QUERY) -> dict[str, float]:
    """A cold page (empty cache): load it, type `query` at once; when results show (ms after
    navigation start, and after the first keystroke) and the bytes fetched."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(_FIRST_RESULT)
    sizes: list[tuple[str, int]] = []

    def finished(request: Any) -> None:
        with contextlib.suppress(Exception):
            sizes.append((request.url, request.sizes()["responseBodySize"]))

    page.on("requestfinished", finished)
    try:
        page.goto(url, wait_until="load")
        box = page.locator("input.md-search__input")
        box.click()
        started = page.evaluate("() => performance.now()")
        box.press_sequentially(query, delay=0)
        page.wait_for_function("() => window.__tbFirst > 0", timeout=60_000)
        shown = page.evaluate("() => window.__tbFirst")
        page.wait_for_timeout(300)  # responses still arriving are counted too
    finally:
        context.close()
    search_bytes = sum(
        size
        for address, size in sizes
        if any(part in address for part in ("/pagefind/", "/search/", "/api/", "workers/", WORKER))
    )
    return {
        "from_navigation_ms": shown,
        "from_keystroke_ms": shown - started,
        "bytes": sum(size for _, size in sizes),
        "search_bytes": search_bytes,
    }


def keystroke_p95(browser: Any, url: str, queries: list[str]) -> tuple[float, float, int]:
    """p50 and p95 ms from each query's last keystroke to its results in the box."""
    from benchmarks.search_box import keystroke_to_results_ms, open_box

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url)
        open_box(page)
        keystroke_to_results_ms(page, queries[0])  # warm: the worker's first request
        timings = sorted(keystroke_to_results_ms(page, q) for q in queries for _ in range(2))
    finally:
        context.close()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95, len(timings)


def box_mrr(browser: Any, url: str, held_out: str = "") -> float:
    """MRR of the judged queries (or the held-out set named `held_out`, see
    benchmarks/search_heldout.py) typed into the box at `url`."""
    from benchmarks.search_box import open_box, search_titles
    from benchmarks.search_heldout import HELD_OUT_SETS
    from benchmarks.search_judged import JUDGED, mean_reciprocal_rank

    queries = HELD_OUT_SETS[held_out] if held_out else JUDGED

    def measure(search: Any) -> tuple[float, dict[str, float]]:
        return mean_reciprocal_rank(search, queries)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url)
        open_box(page)
        mrr, _ = measure(lambda query: search_titles(page, query))
    finally:
        context.close()
    return mrr


def material_box_mrr(browser: Any, url: str) -> float:
    """MRR in the box on Material's own search (its results carry no query marker: the
    list is read once it has stopped changing)."""
    from benchmarks.search_judged import mean_reciprocal_rank

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def titles(query: str) -> list[str]:
        box = page.locator("input.md-search__input")
        box.fill("")
        box.press_sequentially(query, delay=5)
        last, stable_since = None, time.monotonic()
        while time.monotonic() - stable_since < 0.4:
            now = page.evaluate(
                "() => [...document.querySelectorAll('.md-search-result__list > li')]"
                ".map(li => li.querySelector('h1, h2')?.textContent || '')"
            )
            if now != last:
                last, stable_since = now, time.monotonic()
            time.sleep(0.05)
        return [t.strip() for t in last or []]

    try:
        page.goto(url)
        page.locator("input.md-search__input").click()
        page.wait_for_function(
            "() => !/Initializing/.test(document.querySelector('.md-search-result__meta')"
            ".textContent)"
        )
        mrr, _ = mean_reciprocal_rank(titles)
    finally:
        context.close()
    return mrr


def _collection_tips(config: Any) -> tuple[list[tuple[Any, str]], dict[str, str]]:
    from tipbook.site.collect import collect_tips

    collection = collect_tips(config.content_dir)
    tips = []
    for tip in collection.tips:
        uri = collection.src_uri(tip)  # tips/2024/2024-01-02-slug.md → tips/2024/slug/
        folder, name = uri.rsplit("/", 1)
        tips.append((tip, f"{folder}/{name[:-3]}/"))
    return tips, {theme.id: theme.title for theme in collection.taxonomy}
