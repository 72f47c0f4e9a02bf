"""Accessibility (WCAG 2.1 AA) in a real browser: axe-core on every page type in both
palettes at desktop and phone widths, keyboard-only paths with a visible focus ring, the
landmarks and names a screen reader reads, reduced motion and print.

One preview build (`--drafts`: the published pages plus the "not published yet" notices and
badges) of the site corpus and the editors' guide per engine (MkDocs + Material, and
Zensical: the same floor for both), served on loopback; one Chromium.
axe-core comes from axe-playwright-python (it ships axe.min.js): nothing is fetched.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from site_corpus import REPO_ROOT, SERIES, site_config, write_corpus

from tipbook.site import build_site, pages
from tipbook.site.collect import collect_tips
from tipbook.site.engines import ENGINES, zensical_available

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices (the search dialog's name);
# a serious or critical finding fails.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
PALETTES = {"light": "default", "dark": "slate"}  # emulated colour scheme → Material scheme
WIDTHS = {"desktop": 1280, "phone": 375}
SEARCH_WORD = "customer"  # in every tip: a long list of results
SERIES_TITLES = ("The First Step", "The Second Step", "The Third Step")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The MkDocs + Material build: tests/test_accessibility_zensical.py runs this module's
    tests on the Zensical build (a module of its own, so two workers share the work)."""
    yield from served_preview("mkdocs", tmp_path_factory)


def served_preview(
    engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The preview built by `engine`, on a loopback server: its base URL and one URL per
    page type. Static files only: the search box answers from the Pagefind index."""
    assert engine in ENGINES
    if engine == "zensical" and not zensical_available():
        pytest.skip("the zensical extra is not installed (`make install` installs it)")
    root = tmp_path_factory.mktemp(f"a11y-{engine}")
    content = root / "content"
    write_corpus(content)
    (content / "pages").mkdir()
    shutil.copy(REPO_ROOT / "content" / "pages" / "editors-guide.md", content / "pages")
    site_dir = build_site(site_config(root), drafts=True, engine=engine).site_dir
    collection = collect_tips(content, drafts=True)
    by_title = {tip.title: tip for tip in collection.tips}
    draft = next(tip for tip in collection.tips if tip.draft)

    def tip_url(title: str) -> str:
        return pages.page_url(collection.src_uri(by_title[title]))

    series_slug = next(iter(collection.series.values())).slug
    urls = {
        "home": "",
        "chapters": pages.page_url(pages.THEMES_INDEX),
        "chapter": pages.page_url(pages.theme_uri("caring")),  # lists the draft's badge
        "tip": tip_url("The Second Step"),
        "archive": pages.page_url(pages.ARCHIVE_INDEX),
        "year": pages.page_url(pages.year_uri(max(collection.by_year))),
        "tags": pages.page_url(pages.TAGS_INDEX),
        "series index": pages.page_url(pages.SERIES_INDEX),
        "series": pages.page_url(pages.series_uri(series_slug)),
        "editors' guide": "pages/editors-guide/",
        "404": "404.html",
        "draft notice": pages.page_url(collection.src_uri(draft)),
    }
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    yield {"base": base, "urls": urls, "tip_url": tip_url, "engine": engine}
    server.shutdown()
    thread.join()


def _new_page(browser, width: int = 1280, palette: str = "light", **options: Any):  # type: ignore[no-untyped-def]
    # Reduced motion: every transition ends at once, so axe measures colours at rest.
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=palette,  # Material picks the palette whose media query matches
        reduced_motion=options.pop("reduced_motion", "reduce"),
        **options,
    )
    return context, context.new_page()


def _open(page, url: str, palette: str = "light") -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("load")
    scheme = page.evaluate("document.body.dataset.mdColorScheme")
    assert scheme == PALETTES[palette], f"{url}: palette {scheme!r}, expected {palette}"
    # The handbook's own stylesheet is in force (else axe would judge an unstyled page).
    loaded = page.evaluate(
        "[...document.styleSheets].some(s => (s.href || '').includes('tipbook.css')"
        " && s.cssRules.length > 0)"
    )
    assert loaded, f"{url}: tipbook.css did not load"


def _open_search(page, word: str, engine: str = "mkdocs") -> None:  # type: ignore[no-untyped-def]
    """The header's search, opened and typed into from the keyboard, with its results shown:
    Material's box (tipbook's worker) or Zensical's own dialog (its worker)."""
    if engine == "zensical":
        # Its header button, or below 960px the header's icon (a label tipbook.js makes a
        # button; it opens the dialog through Zensical's search toggle).
        opener = ".md-search__button, label.md-header__button[for='__search']"
        page.locator(opener).locator("visible=true").first.focus()
        page.keyboard.press("Enter")
        page.keyboard.type(word, delay=20)
        page.get_by_role("option").first.wait_for(timeout=15_000)
        return
    page.focus("input.md-search__input")  # Material opens the search when its field has focus
    page.keyboard.type(word, delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)


def _axe(page) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """axe's violations on the page as it is now (axe injected once per page load)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options)", options)["violations"]


# The theme's script makes a code block that overflows focusable (a tabindex) when its size
# changes, from a ResizeObserver: after the viewport narrows, axe waits for it (and judges
# what is there once the wait is over, so a block the script never fixes still fails).
_CODE_SETTLED = """() => [...document.querySelectorAll("pre > code")].every(
    code => code.scrollWidth <= code.clientWidth || code.hasAttribute("tabindex"))"""


def _let_layout_settle(page: Any) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(_CODE_SETTLED, timeout=3000)


@pytest.mark.parametrize("palette", list(PALETTES))
def test_no_serious_axe_violations_on_any_page_type(  # type: ignore[no-untyped-def]
    browser, site: dict[str, Any], palette: str
) -> None:
    """Every page type in the palette, judged at each width: a page is loaded once at desktop
    width and the viewport then narrowed to a phone's (Material lays itself out by media
    queries, which follow the viewport), so each load serves both widths."""
    context, page = _new_page(browser, WIDTHS["desktop"], palette)
    found: list[str] = []
    per_rule = {width: collections.Counter[str]() for width in WIDTHS}
    views = [*site["urls"].items(), ("search open with results", "")]
    try:
        for name, url in views:
            page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
            _open(page, site["base"] + url, palette)
            if name.startswith("search"):
                _open_search(page, SEARCH_WORD, site["engine"])
            for width, pixels in WIDTHS.items():
                page.set_viewport_size({"width": pixels, "height": 900})
                _let_layout_settle(page)
                for violation in _axe(page):
                    rule = f"{violation['id']} ({violation['impact']})"
                    per_rule[width][rule] += len(violation["nodes"])
                    if violation["impact"] not in FAILING_IMPACTS:
                        continue
                    for node in violation["nodes"]:
                        found.append(
                            f"{name} at {width} width: {rule} at "
                            f"{' '.join(map(str, node['target']))}: "
                            + node.get("failureSummary", "").replace("\n", " ")
                        )
    finally:
        context.close()
    for width, counts in per_rule.items():
        print(f"axe, {palette} palette at {width} width, elements per rule: {dict(counts)}")
    assert not found, f"{len(found)} serious or critical axe violations:\n" + "\n".join(found)


# --- Keyboard ---------------------------------------------------------------------------

_FOCUS = """() => {
  let el = document.activeElement;
  // Zensical's search dialog is in an (open) shadow root: the focus inside it.
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  // A hidden radio (Material's palette switch) shows its focus on the label after it.
  const shown = el.matches('input.md-option') ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  const box = shown.getBoundingClientRect();
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
  return {
    tag: el.tagName.toLowerCase(),
    role: el.getAttribute('role'),
    cls: el.className,
    text: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60),
    href: el.getAttribute('href'),
    ring: ring || style.boxShadow !== 'none',
    visible: shown.checkVisibility({opacityProperty: true, visibilityProperty: true})
      && box.width > 0 && box.height > 0
      && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight,
  };
}"""


def _focused(page) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What has the keyboard focus; it must be on screen with a visible focus ring.

    Polled briefly: Material opens its search a moment after its field gets the focus.
    """
    for _ in range(20):
        focus = page.evaluate(_FOCUS)
        if focus["visible"] and focus["ring"]:
            break
        page.wait_for_timeout(50)
    assert focus["tag"] != "body", "the focus was lost"
    assert focus["visible"], f"focus out of sight on {focus}"
    assert focus["ring"], f"no visible focus ring on {focus}"
    return focus


def _tab_to(page, matches, limit: int = 60) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Press Tab until `matches(focus)`, checking the focus is visible at every stop."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = _focused(page)
        if matches(focus):
            return focus
    raise AssertionError(f"not reached with {limit} presses of Tab")


def _pick_from_material_box(page) -> None:  # type: ignore[no-untyped-def]
    """Material's box on tipbook's worker: the focus in its field, a word only in the
    body of "The Second Step", the count announced, ArrowDown to the result, Enter."""
    assert "md-search__input" in _focused(page)["cls"]
    page.keyboard.type("tamborine", delay=20)
    meta = page.locator(".md-search-result__meta")
    # tipbook's search answers in Material's markup; its count line says "Best match".
    page.wait_for_function(
        "() => document.querySelector('.md-search-result__meta').textContent.includes('Best match')"
    )
    # The count is a live region: a screen reader announces it as it changes.
    assert meta.get_attribute("role") == "status"
    assert meta.get_attribute("aria-live") == "polite"
    assert page.get_by_role("dialog", name="Search").count() == 1
    page.keyboard.press("ArrowDown")
    result = _focused(page)
    assert "md-search-result__link" in result["cls"] and "The Second Step" in result["text"]
    page.keyboard.press("Enter")


def _pick_from_zensical_dialog(page) -> None:  # type: ignore[no-untyped-def]
    """Zensical's dialog (it searches a tip's title, summary and takeaway): the focus in
    its field with a visible mark, a word of the title, the count announced, the arrows
    move the selection (the field keeps the focus: aria-activedescendant), Enter."""
    field = _focused(page)
    assert field["role"] == "combobox" and field["text"] == "Search"
    page.keyboard.type("second", delay=20)
    status = page.get_by_role("status").filter(has_text="result")
    status.wait_for(timeout=15_000)
    assert status.get_attribute("aria-live") == "polite"
    assert page.get_by_role("dialog", name="Search").count() >= 1
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert "The Second Step" in page.get_by_role("option", selected=True).inner_text()
    page.keyboard.press("Enter")


def test_keyboard_only_home_search_tip_next_in_series(  # type: ignore[no-untyped-def]
    browser, site: dict[str, Any]
) -> None:
    """Tab, Enter, typing and arrow keys only: home → search → a tip → its next part."""
    context, page = _new_page(browser)
    try:
        _open(page, site["base"])
        # The first stop is the skip link, shown when focused.
        page.keyboard.press("Tab")
        assert _focused(page)["cls"].startswith("md-skip")
        # The home page's search box (a label, made a button) opens the header's search.
        _tab_to(page, lambda f: "tb-search" in f["cls"])
        page.keyboard.press("Enter")
        if site["engine"] == "zensical":
            _pick_from_zensical_dialog(page)
        else:
            _pick_from_material_box(page)
        page.wait_for_url("**" + site["tip_url"]("The Second Step") + "**")  # + "?h=tamborine"
        assert page.locator("h1").inner_text() == "The Second Step"

        nxt = _tab_to(page, lambda f: "tb-part-next" in f["cls"])
        assert "The Third Step" in nxt["text"]
        page.keyboard.press("Enter")
        page.wait_for_url("**" + site["tip_url"]("The Third Step"))
        assert page.locator("h1").inner_text() == "The Third Step"
    finally:
        context.close()


def test_full_results_page_by_keyboard_with_named_filters(browser, site: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    """The full results page (search/?query=…): every control named by its label, reached by
    Tab with a visible focus ring, a filter applied with Enter and the count announced in a
    live region; each result's chapters are plain chips, not a landmark (a screen reader's
    list of landmarks would hold one unnamed "navigation" per result)."""
    context, page = _new_page(browser)
    try:
        _open(page, site["base"] + f"search/?query={SEARCH_WORD}")
        status = page.locator(".tb-search-status")
        assert status.get_attribute("role") == "status"
        status.filter(has_text="tips match").wait_for(timeout=15_000)
        everything = page.locator(".tb-search-results li").count()
        controls = [("searchbox", "Words")] + [
            ("combobox", name) for name in ("Chapter", "From year", "To year")
        ]
        for role, name in controls:
            assert page.get_by_role(role, name=name, exact=True).count() == 1, f"no {name!r}"
        assert page.locator(".tb-search-results nav, .tb-search-results [role]").count() == 0
        page.focus("form.tb-search-page input[name=q]")
        _focused(page)
        page.keyboard.press("Tab")
        assert _focused(page)["tag"] == "select"  # the chapter filter
        page.keyboard.press("ArrowDown")  # a closed <select>: the next chapter
        chapter = page.locator("select[name=theme]").input_value()
        assert chapter
        page.keyboard.press("Enter")  # submits the form
        page.wait_for_url(f"**theme={chapter}**")
        page.wait_for_function(
            "n => document.querySelectorAll('.tb-search-results li').length < n", arg=everything
        )
        assert "match" in status.inner_text()
        _tab_to(page, lambda f: "md-search-result__link" in f["cls"])
        page.keyboard.press("Enter")
        page.wait_for_url("**/tips/**")
    finally:
        context.close()


def test_skip_link_moves_to_the_content(  # type: ignore[no-untyped-def]
    browser, site: dict[str, Any]
) -> None:
    context, page = _new_page(browser)
    try:
        _open(page, site["base"] + site["tip_url"]("The Second Step"))
        page.keyboard.press("Tab")
        skip = _focused(page)
        assert skip["text"] == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == skip["href"]
        page.keyboard.press("Tab")
        _focused(page)
        assert page.evaluate("!!document.activeElement.closest('main')"), "Tab left the content"
    finally:
        context.close()


def test_phone_width_keyboard_reaches_the_drawer_and_never_loses_sight(  # type: ignore[no-untyped-def]
    browser, site: dict[str, Any]
) -> None:
    """At phone width Material's navigation is an off-screen drawer opened by a label:
    the closed drawer is out of the tab order, and its button works by keyboard."""
    context, page = _new_page(browser, WIDTHS["phone"])
    try:
        _open(page, site["base"] + site["tip_url"]("The Second Step"))
        # Every stop down to the next part is on screen (none inside the closed drawer).
        _tab_to(page, lambda f: "tb-part-next" in f["cls"])
        _open(page, site["base"] + site["tip_url"]("The Second Step"))
        button = _tab_to(page, lambda f: f["text"] == "Navigation")
        assert button["tag"] == "label"
        page.keyboard.press("Enter")
        assert page.evaluate("document.getElementById('__drawer').checked")
        assert page.get_by_role("button", name="Navigation").get_attribute("aria-expanded") == (
            "true"
        )
        in_drawer = _focused(page)  # the opened drawer has the focus
        assert page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
        assert in_drawer["tag"] == "a"
        chapters = _tab_to(page, lambda f: f["href"] is not None and f["href"].endswith("themes/"))
        assert chapters["text"] == "Chapters"
        # The header's search button (a label too) opens the search with the focus in it.
        _open(page, site["base"])
        _tab_to(page, lambda f: f["tag"] == "label" and f["text"] == "Search")
        page.keyboard.press("Enter")
        if site["engine"] == "zensical":  # its dialog, opened with the focus in its field
            assert _focused(page)["role"] == "combobox"
            assert page.get_by_role("dialog", name="Search").locator("visible=true").count()
        else:
            assert "md-search__input" in _focused(page)["cls"]
            assert page.evaluate("document.getElementById('__search').checked")
    finally:
        context.close()


# --- What a screen reader reads ---------------------------------------------------------


def test_tip_page_structure_for_screen_readers(browser, site: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    context, page = _new_page(browser)
    try:
        _open(page, site["base"] + site["tip_url"]("The Second Step"))
        assert page.get_by_role("heading", level=1).all_inner_texts() == ["The Second Step"]
        for landmark in ("banner", "main", "contentinfo"):
            assert page.get_by_role(landmark).count() == 1, landmark
        assert page.get_by_role("navigation").count() >= 3  # tabs, sidebar, footer, ...
        note = page.get_by_role("note", name="Takeaway")
        assert "The Second Step — every time." in note.inner_text()
        series = page.get_by_role("navigation", name=f"Series: {SERIES}")
        assert series.get_by_role("link", name="Part 3: The Third Step").count() == 1
        related = page.get_by_role("navigation", name="Related tips")
        assert related.get_by_role("link").count() == 5
        # Every navigation landmark has a name, so a screen reader's list tells them apart.
        unnamed = page.evaluate(
            "[...document.querySelectorAll('nav')].filter(n => n.checkVisibility()"
            " && !n.getAttribute('aria-label') && !n.getAttribute('aria-labelledby')).length"
        )
        assert unnamed == 0
        _open(page, site["base"] + site["urls"]["draft notice"])
        notice = page.get_by_role("note", name="Not published yet")
        assert "only previews show it" in notice.inner_text()
    finally:
        context.close()


def test_zensical_search_dialog_by_keyboard_finds_a_tip(  # type: ignore[no-untyped-def]
    browser, site: dict[str, Any]
) -> None:
    """The Zensical build's search box, static (no /api: the site is plain files): Tab to
    the header's search button, Enter opens Zensical's dialog, a tip's title word finds
    it (each tip is in its search.json by title, summary and takeaway), ArrowDown and
    Enter open it."""
    if site["engine"] != "zensical":
        pytest.skip("Material's box: test_keyboard_only_home_search_tip_next_in_series")
    context, page = _new_page(browser)
    try:
        _open(page, site["base"])
        _tab_to(page, lambda f: "md-search__button" in f["cls"])
        page.keyboard.press("Enter")
        page.keyboard.type("second", delay=20)
        option = page.get_by_role("option").filter(has_text="The Second Step")
        option.wait_for(timeout=15_000)
        assert page.get_by_role("status").filter(has_text="result").count() == 1
        assert "tamborine" not in option.inner_text()  # the body stays out of search.json
        best = page.get_by_role("option").first
        assert "The Second Step" in best.inner_text()  # the title's word ranks first
        page.keyboard.press("Enter")  # the first result is selected as the dialog opens
        page.wait_for_url("**" + site["tip_url"]("The Second Step") + "**")
        assert page.locator("h1").inner_text() == "The Second Step"
    finally:
        context.close()


# --- Motion and print -------------------------------------------------------------------

_DURATIONS = """sel => {
  const style = getComputedStyle(document.querySelector(sel));
  return style.transitionDuration.split(',')
    .map(s => parseFloat(s) * (s.includes('ms') ? 1 : 1000));
}"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_motion_follows_prefers_reduced_motion(  # type: ignore[no-untyped-def]
    browser, site: dict[str, Any], motion: str
) -> None:
    context, page = _new_page(browser, reduced_motion=motion)
    try:
        _open(page, site["base"] + site["urls"]["chapter"])
        # The header's search: Material's box, or the button that opens Zensical's dialog.
        search = ".md-search__button" if site["engine"] == "zensical" else ".md-search__inner"
        for selector in (".md-tabs__link", search, ".md-typeset a"):
            longest = max(page.evaluate(_DURATIONS, selector))
            if motion == "reduce":
                assert longest < 1, f"{selector} still moves for {longest} ms"
            else:
                assert longest >= 100, f"{selector}: Material's transition is gone ({longest} ms)"
    finally:
        context.close()


def _luminance_on_white(css_colour: str) -> float:
    """The relative luminance (WCAG) of an rgb()/rgba() colour laid on white paper."""
    values = [float(x) for x in css_colour[css_colour.index("(") + 1 : -1].split(",")]
    alpha = values[3] if len(values) == 4 else 1.0
    parts = [(c * alpha + 255 * (1 - alpha)) / 255 for c in values[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("palette", list(PALETTES))
def test_printed_chapter_is_readable(  # type: ignore[no-untyped-def]
    browser, site: dict[str, Any], palette: str, artifacts_dir: Path
) -> None:
    """Printed (even from the dark palette): dark text on white paper, no screen furniture,
    every link's full address written out (issue 13: no relative targets on paper)."""
    context, page = _new_page(browser, palette=palette)
    try:
        _open(page, site["base"] + site["urls"]["chapter"], palette)
        page.emulate_media(media="print")
        for furniture in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer"):
            assert not page.locator(furniture).first.is_visible(), furniture
        text = page.locator(".md-typeset .tb-lead")
        colour = text.evaluate("e => getComputedStyle(e).color")
        contrast = 1.05 / (_luminance_on_white(colour) + 0.05)  # against white paper
        assert contrast >= 4.5, f"printed text {colour} on white: {contrast:.1f}:1"
        after = "e => getComputedStyle(e, '::after').content"
        listed = page.locator(".md-typeset ul.tb-list a").first.evaluate(after)
        assert "http" in listed and "/tips/" in listed, listed
        page.screenshot(path=artifacts_dir / f"a11y-chapter-print-{palette}.png", full_page=True)
        _open(page, site["base"] + site["urls"]["tip"], palette)
        original = page.locator("a.tb-original").evaluate(after)
        assert "https://cssamerica.com/" in original
    finally:
        context.close()
