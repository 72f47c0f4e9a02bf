"""The site's search box in Chromium, on the shipped content: served by `tipbook serve`
(tipbook's own search behind /api/search) and as a static export on a plain web server
(the Pagefind index). The judged queries (benchmarks/search_judged.py) are put into the box
and its ranking is held to an MRR floor in both modes."""

from __future__ import annotations

import dataclasses
import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_corpus import gate_open
from site_corpus import site_config
from site_corpus import write_corpus as write_site_corpus

from benchmarks.search_box import open_box, search_titles, static_server, tipbook_server
from benchmarks.search_heldout import HELD_OUT_SETS, held_out_mrr
from benchmarks.search_judged import JUDGED, MRR_FLOOR, mean_reciprocal_rank, plain
from search.indexer import update_index
from tipbook.config import Config
from tipbook.content import save_tip
from tipbook.model import Tip
from tipbook.site import BuildResult, build_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Held-out floors the boxes hold now (measured values in README, Search quality; the issue's
# targets, 0.85 served and 0.8 static, are not reached yet).
HELD_OUT_BOX_FLOOR = {
    ("served", "held_out"): 0.62,  # measured 0.648
    ("static", "held_out"): 0.66,  # 0.698
    ("served", "held_out_2"): 0.68,  # 0.712
    ("static", "held_out_2"): 0.68,  # 0.711
    ("served", "held_out_3"): 0.62,  # 0.649
    ("static", "held_out_3"): 0.66,  # 0.692
}


@pytest.fixture(scope="module")
def shipped(
    tmp_path_factory: pytest.TempPathFactory, shipped_site: tuple[Config, BuildResult]
) -> dict[str, Path]:
    """The shipped content built into a site, with its search index."""
    root = tmp_path_factory.mktemp("shipped")
    config, result = shipped_site
    site = result.site_dir
    update_index(config.content_dir, root / "index")
    return {"site": site, "content": config.content_dir, "index": root / "index"}


@pytest.fixture(scope="module")
def sharded_url(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[str]:
    """The shipped content with its static search index in shards of 15 tips, so the box
    merges several (as it does beyond 1,000 tips), on a plain static server."""
    import search.static

    root = tmp_path_factory.mktemp("sharded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search.static, "SHARD_SIZE", 15)
        site = build_site(site_config(root, repo_root / "content")).site_dir
    assert json.loads((site / "search/tipbook.json").read_text())["shards"] == 3
    with static_server(site) as url:
        yield url


@pytest.fixture(scope="module")
def served_url(shipped: dict[str, Path]) -> Iterator[str]:
    with tipbook_server(shipped["site"], shipped["content"], shipped["index"]) as url:
        yield url


@pytest.fixture(scope="module")
def static_url(shipped: dict[str, Path]) -> Iterator[str]:
    with static_server(shipped["site"]) as url:
        yield url


@pytest.fixture()
def tab(browser):  # type: ignore[no-untyped-def]
    """A fresh page that fails the test on any console error or uncaught exception."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


# The MRR tests put each query in the box whole (one search, not one per keystroke): the
# ranking is what they hold; typing at a person's pace, and answers overtaken mid-typing,
# are the tests below.
@pytest.mark.parametrize("mode", ["served", "static"])
def test_judged_queries_typed_into_the_box_meet_the_mrr_floor(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str
) -> None:
    tab.goto(served_url if mode == "served" else static_url)
    open_box(tab)
    mrr, ranks = mean_reciprocal_rank(lambda query: search_titles(tab, query, delay=None))
    print(f"\n{mode} search box: MRR {mrr:.3f} over {len(JUDGED)} queries")
    missed = {query: rank for query, rank in ranks.items() if rank < 1}
    assert len(JUDGED) >= 30
    assert mrr >= MRR_FLOOR[mode], f"MRR {mrr:.3f} < {MRR_FLOOR[mode]}; not first: {missed}"


@pytest.mark.parametrize("held", sorted(HELD_OUT_SETS))
@pytest.mark.parametrize("mode", ["served", "static"])
def test_held_out_questions_typed_into_the_box_meet_the_floor(  # type: ignore[no-untyped-def]
    tab, mode: str, held: str, served_url: str, static_url: str
) -> None:
    tab.goto(served_url if mode == "served" else static_url)
    open_box(tab)
    mrr, ranks = held_out_mrr(lambda query: search_titles(tab, query, delay=None), held)
    count = len(HELD_OUT_SETS[held])
    print(f"\n{mode} search box, {held}: MRR {mrr:.3f} over {count} queries")
    missed = {query: rank for query, rank in ranks.items() if rank < 1}
    floor = HELD_OUT_BOX_FLOOR[(mode, held)]
    assert mrr >= floor, f"MRR {mrr:.3f}; not first: {missed}"


@pytest.mark.parametrize("mode", ["served", "static"])
def test_a_typo_that_matches_nothing_shows_the_corrections_tips(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str
) -> None:
    url = served_url if mode == "served" else static_url
    tab.goto(url)
    open_box(tab)
    titles = search_titles(tab, "custodain")  # Pagefind alone finds a wrong tip
    corrected = tab.locator(".md-search-result__item", has_text="Showing results for")
    assert "custodian" in corrected.inner_text()
    assert plain(titles[0]) == '"You\'re the Boss"'
    # The results page says so too.
    tab.goto(url + "search/?query=" + urllib.parse.quote("empthy superpowr"))
    status = tab.locator(".tb-search-status").filter(has_text="Showing results for")
    status.wait_for()
    assert "No tip matches “empthy superpowr”" in status.inner_text()
    first = tab.locator(".tb-search-results li").first.inner_text()
    assert "Make Empathy Your Superpower" in plain(first)


def test_static_box_searches_every_shard(tab, sharded_url: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(sharded_url)
    open_box(tab)
    titles = {plain(title) for title in search_titles(tab, "holiday poem")}
    assert {"Holiday Poem 2023", "2018 Holiday Poem"} <= titles  # the newest and the oldest shard


def test_served_box_has_the_clis_did_you_mean_and_operators(tab, served_url: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(served_url)
    open_box(tab)
    search_titles(tab, "empthy tone")  # "tone" matches: the typo is only suggested
    suggestion = tab.locator(".md-search-result__item", has_text="Did you mean")
    assert "empathy tone" in suggestion.inner_text()
    # Operators and phrases are tipbook's: only tips with both words, none with the NOT word.
    titles = search_titles(tab, "empathy NOT superpower")
    assert titles and all("Superpower" not in title for title in titles)
    titles = search_titles(tab, '"customer for life"')
    assert {plain(t) for t in titles[:4]} == {
        "Customer for Life - The First Step",
        "Customer for Life - The Second Step",
        "Customer for Life - The Third Step",
        "Customer for Life - The Final Step",
    }


@pytest.mark.parametrize("mode", ["served", "static"])
def test_box_shows_date_chapters_and_snippet_and_keyboard_opens_a_result(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str, artifacts_dir: Path
) -> None:
    tab.goto(served_url if mode == "served" else static_url)
    open_box(tab)
    search_titles(tab, "empathy")
    first = tab.locator(".md-search-result__item").first
    assert first.locator("time.tb-date").count() == 1
    assert first.locator("mark").count() >= 1  # the matched word highlighted in the snippet
    assert "Empathy" in first.locator(".md-tag").all_inner_texts()
    tab.screenshot(path=artifacts_dir / f"search-box-{mode}.png")
    title = first.locator("h1").inner_text()
    tab.keyboard.press("ArrowDown")  # Material's own keyboard handling: to the first result
    tab.keyboard.press("Enter")
    tab.wait_for_load_state()
    tab.locator("h1", has_text=title).wait_for()


@pytest.mark.parametrize("mode", ["served", "static"])
def test_more_results_link_to_the_full_page_with_filters(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str
) -> None:
    tab.goto(served_url if mode == "served" else static_url)
    open_box(tab)
    search_titles(tab, "customer")
    more = tab.locator(".md-search-result__item a[href*='/search/?query=customer']").last
    assert "All" in more.inner_text()
    more.click()
    tab.wait_for_url("**/search/?query=customer*")
    status = tab.locator(".tb-search-status")
    status.filter(has_text="tips match").wait_for()
    everything = tab.locator(".tb-search-results li").count()
    assert everything > 10
    tab.locator("select[name=theme]").select_option("empathy")
    tab.locator("select[name=since]").select_option("2019")
    tab.locator("form.tb-search-page button").click()
    tab.wait_for_url("**theme=empathy**")
    tab.wait_for_function(
        "n => document.querySelectorAll('.tb-search-results li').length"
        " && document.querySelectorAll('.tb-search-results li').length < n",
        arg=everything,
    )
    for row in tab.locator(".tb-search-results li").all():
        assert "Empathy" in row.locator(".md-tag").all_inner_texts()
        assert row.locator("time").inner_text() >= "2019"


HOSTILE = Tip(
    title='<img src=x onerror="window.__pwned=1">Hostile <b>title</b>',
    date=__import__("datetime").date(2020, 3, 3),
    themes=["empathy"],
    summary="zanzibar <script>window.__pwned=2</script> summary",
    takeaway="Escape everything.",
    body="zanzibar &lt;img src=x onerror=window.__pwned=3&gt; and <svg onload=window.__pwned=4>",
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    write_site_corpus(root / "content")
    save_tip(root / "content", HOSTILE)
    config = dataclasses.replace(site_config(root))
    with gate_open():  # the hostile tip has errors `check` holds back: the escaping is tested
        site = build_site(config).site_dir
    update_index(config.content_dir, root / "index")
    return {"site": site, "content": config.content_dir, "index": root / "index"}


@pytest.mark.parametrize("mode", ["served", "static"])
def test_box_shows_hostile_text_as_text(tab, mode: str, hostile_site: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    serve = (
        tipbook_server(hostile_site["site"], hostile_site["content"], hostile_site["index"])
        if mode == "served"
        else static_server(hostile_site["site"])
    )
    with serve as url:
        tab.goto(url)
        open_box(tab)
        titles = search_titles(tab, "zanzibar")
        assert any("<img" in title and "<b>title</b>" in title for title in titles)
        tab.wait_for_timeout(300)
        assert tab.evaluate("() => window.__pwned") is None
        assert tab.locator(".md-search-result__list img, .md-search-result__list svg").count() == 0


def _box_item_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(".md-search-result__list > li h1").all_inner_texts()


def test_served_box_says_search_is_unavailable_when_the_server_stops(  # type: ignore[no-untyped-def]
    browser, shipped: dict[str, Path]
) -> None:
    """The server gone after the page loaded (or busy, 503): the box says search is not
    available, not that the query is wrong, and answers every keystroke (no hang)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        with tipbook_server(shipped["site"], shipped["content"], shipped["index"]) as url:
            page.goto(url)
            open_box(page)
            assert search_titles(page, "empathy")
        search_titles(page, "compassion")
        assert _box_item_titles(page) == ["Search is not available right now"]
        search_titles(page, '"unbalanced')  # the next keystrokes are answered too
        assert _box_item_titles(page) == ["Search is not available right now"]
    finally:
        page.close()


def test_static_box_recovers_once_its_index_is_there(  # type: ignore[no-untyped-def]
    browser, shipped: dict[str, Path], tmp_path: Path
) -> None:
    """A first search that fails (the Pagefind bundle not copied yet) is not remembered:
    once the bundle is in place the next query finds tips without reloading the page."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(shipped["site"], site)
    (site / "pagefind").rename(tmp_path / "pagefind")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        with static_server(site) as url:
            page.goto(url)
            open_box(page)
            search_titles(page, "empathy")
            assert _box_item_titles(page) == ["Search is not available right now"]
            (tmp_path / "pagefind").rename(site / "pagefind")
            titles = search_titles(page, "compassion")
            assert any("Compassion" in title for title in titles), titles
    finally:
        page.close()


HOSTILE_QUERY = 'customer <img src=x onerror=window.__pwned=5> "<script>window.__pwned=6</script>'


@pytest.mark.parametrize("mode", ["served", "static"])
def test_hostile_query_typed_or_in_the_address_runs_nothing(  # type: ignore[no-untyped-def]
    tab, mode: str, hostile_site: dict[str, Path]
) -> None:
    """Markup typed into the box (shown back in its "all N tips for …" or error item) and
    in the results page's address (its field and status line) stays text."""
    serve = (
        tipbook_server(hostile_site["site"], hostile_site["content"], hostile_site["index"])
        if mode == "served"
        else static_server(hostile_site["site"])
    )
    injected = ".md-search-result__list img, .md-search-result__list script, .tb-search-status img"
    with serve as url:
        tab.goto(url)
        open_box(tab)
        shown = []
        for query in (HOSTILE_QUERY, HOSTILE_QUERY.replace('"', "")):
            search_titles(tab, query)
            shown.append(tab.locator(".md-search-result__list").inner_text())
            assert tab.locator(injected).count() == 0
        assert any("<img src=x" in text for text in shown), shown  # shown back, as text
        tab.goto(url + "search/?query=" + urllib.parse.quote(HOSTILE_QUERY))
        tab.locator(".tb-search-status").filter(has_text=re.compile(r"\w")).wait_for()
        tab.wait_for_function(
            "() => !/Searching/.test(document.querySelector('.tb-search-status').textContent)"
        )
        assert tab.locator("form.tb-search-page input[name=q]").input_value() == HOSTILE_QUERY
        tab.wait_for_timeout(300)
        assert tab.locator(injected).count() == 0
        assert tab.evaluate("() => window.__pwned") is None


def test_served_box_answers_a_bad_query_and_a_busy_server_mid_typing(  # type: ignore[no-untyped-def]
    browser, shipped: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 400 (the query) says what to change; a 503 (busy) says search is not available;
    neither leaves the box stuck: the next query finds tips."""
    import threading

    import search.api
    from tipbook.server import make_server

    monkeypatch.setattr(search.api, "MAX_WAIT", 0.05)
    server = make_server(
        shipped["site"],
        port=0,
        content_dir=shipped["content"],
        index_dir=shipped["index"],
        quiet=True,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(server.url)
        open_box(page)
        search_titles(page, "(empathy")
        assert _box_item_titles(page) == ["Cannot search for that"]
        assert "parenthes" in page.locator(".md-search-result__list").inner_text()
        assert search_titles(page, "empathy")
        slots = server.service._slots
        taken = 0
        while slots.acquire(blocking=False):  # every search slot busy: 503
            taken += 1
        search_titles(page, "compassion")
        assert _box_item_titles(page) == ["Search is not available right now"]
        assert "busy" in page.locator(".md-search-result__list").inner_text()
        for _ in range(taken):
            slots.release()
        assert any("Compassion" in title for title in search_titles(page, "compassion care"))
    finally:
        page.close()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize(
    "years",
    ["since=2099", "until=1999"],
    ids=["after", "before"],
)
def test_static_results_page_with_a_year_range_of_no_tip_lists_none(  # type: ignore[no-untyped-def]
    tab, static_url: str, years: str
) -> None:
    """A year range that holds no tip finds none (Pagefind alone would drop the filter)."""
    tab.goto(static_url + "search/?query=customer")
    tab.locator(".tb-search-status").filter(has_text="tips match").wait_for()
    assert tab.locator(".tb-search-results li").count() > 0
    tab.goto(static_url + f"search/?query=customer&{years}")
    tab.locator(".tb-search-status").filter(has_text="No tip matches").wait_for()
    assert tab.locator(".tb-search-results li").count() == 0


@pytest.mark.parametrize("mode", ["served", "static"])
def test_results_page_without_words_or_with_reversed_years_lists_nothing(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str
) -> None:
    """No words: an invitation to type, no list; "From year" after "To year": said in the
    form's words (not the CLI's `--since`), in both modes; the filters are filled."""
    url = served_url if mode == "served" else static_url
    for address, said in [
        ("search/", "Type words to search the tips."),
        ("search/?query=customer&since=2024&until=2013", "swap them"),
    ]:
        tab.goto(url + address)
        tab.wait_for_function(
            "() => document.querySelectorAll('select[name=theme] option').length > 1"
        )
        tab.wait_for_timeout(300)  # the filters' answer has come: nothing else may follow
        status = tab.locator(".tb-search-status").inner_text()
        assert said in status and "--" not in status, status
        assert tab.locator(".tb-search-results li").count() == 0


def test_opening_a_result_is_logged_without_who_opened_it(  # type: ignore[no-untyped-def]
    tab, shipped: dict[str, Path], tmp_path: Path
) -> None:
    log = tmp_path / "queries.jsonl"
    with tipbook_server(shipped["site"], shipped["content"], shipped["index"], log) as url:
        tab.goto(url)
        open_box(tab)
        titles = search_titles(tab, "empathy expert")
        assert plain(titles[0]) == "Why to Become an Empathy Expert"
        tab.locator(".md-search-result__link").first.click()
        tab.wait_for_url("**/*-why-to-become-an-empathy-expert/**", wait_until="commit")
        for _ in range(50):
            if log.exists() and '"opened"' in log.read_text(encoding="utf-8"):
                break
            tab.wait_for_timeout(100)
        tab.goto("about:blank")  # nothing left loading when the server stops
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert not any(e["q"] == "tipbook" for e in entries)  # the box's probe is not logged
    assert {"day", "q", "opened"} == set(entries[-1]) and entries[-1]["q"] == "empathy expert"
    assert any(e["q"] == "empathy expert" and e.get("total") for e in entries)


@pytest.mark.parametrize("mode", ["served", "static"])
def test_search_instead_for_the_typed_words(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str
) -> None:
    url = served_url if mode == "served" else static_url
    tab.goto(url)
    open_box(tab)
    search_titles(tab, "empthy superpowr")
    instead = tab.locator(".md-search-result__item", has_text="Search instead for")
    assert "empthy superpowr" in instead.inner_text()
    instead.locator("a").click()
    status = tab.locator(".tb-search-status").filter(has_text=re.compile("match"))
    status.wait_for()
    assert "Showing results for" not in status.inner_text() and "exact=1" in tab.url
    if mode == "served":  # (Pagefind matches misspelt words loosely, so finds some)
        assert "No tip matches" in status.inner_text()
        assert tab.locator(".tb-search-results li").count() == 0
    # From a corrected results page, the typed words are one click away too.
    tab.goto(url + "search/?query=" + urllib.parse.quote("empthy superpowr"))
    link = tab.locator(".tb-search-status a.tb-search-instead")
    link.wait_for()
    assert link.inner_text() == "empthy superpowr" and "exact=1" in (
        link.get_attribute("href") or ""
    )


@pytest.mark.parametrize("mode", ["served", "static"])
def test_a_query_that_finds_nothing_offers_the_nearest_chapter(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str
) -> None:
    url = served_url if mode == "served" else static_url
    tab.goto(url)
    open_box(tab)
    # No tip has the word; its related words are the Compassion chapter's signals.
    assert search_titles(tab, "unsympathetic") == []
    nearest = tab.locator(".md-search-result__item", has_text="The nearest chapter")
    assert "Compassion" in nearest.inner_text()
    href = nearest.locator("a").get_attribute("href") or ""
    assert "/themes/compassion/" in href
    tab.goto(url + "search/?query=unsympathetic")
    link = tab.locator(".tb-search-status a.tb-search-nearest")
    link.wait_for()
    assert link.inner_text() == "Compassion"


def test_the_static_site_ships_related_words_in_shards_and_chapter_signals(
    shipped: dict[str, Path],
) -> None:
    from search.expansion import related_words

    shard = json.loads((shipped["site"] / "search/related/ti.json").read_text(encoding="utf-8"))
    assert shard["tired"] == [list(pair) for pair in related_words()["tired"]]
    assert all(word.startswith("ti") for word in shard)
    info = json.loads((shipped["site"] / "search/tipbook.json").read_text(encoding="utf-8"))
    assert "sympath*" in info["signals"]["compassion"]
    from search.vectors import vector_shard

    name = f"search/vectors/{vector_shard('empathy')}.json"
    vectors = json.loads((shipped["site"] / name).read_text(encoding="utf-8"))
    assert "empathy" in vectors


@pytest.mark.parametrize("mode", ["served", "static"])
def test_a_question_by_concept_is_ranked_by_meaning_in_both_boxes(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str
) -> None:
    tab.goto(served_url if mode == "served" else static_url)
    open_box(tab)
    # By its words alone the AI tip is 4th (tests/test_search_vectors.py); by meaning, 1st.
    found = search_titles(tab, "automated phone systems versus human agents")
    assert plain(found[0]) == "Be Better than AI Customer Service"


@pytest.mark.parametrize("mode", ["served", "static"])
def test_a_word_no_tip_uses_finds_tips_by_its_related_words(  # type: ignore[no-untyped-def]
    tab, mode: str, served_url: str, static_url: str
) -> None:
    tab.goto(served_url if mode == "served" else static_url)
    open_box(tab)
    # No tip says "fatigued"; the table relates it to "tired" and "exhausted".
    assert plain(search_titles(tab, "fatigued")[0]) == "Refresh, Rejuvenate, Refocus"


def test_static_box_survives_damaged_word_shards(tab, shipped: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    """The word vectors and related words the static box fetches are data from the site: a
    damaged shard (not an object, a vector that is not base64 or not a string) costs its
    words their meaning; the question is still answered. It used to find nothing."""
    from search.vectors import vector_shard

    damaged = {
        f"/search/vectors/{vector_shard('tired')}.json": b"null",
        f"/search/vectors/{vector_shard('stressed')}.json": b'{"stressed": "!!not base64"}',
        f"/search/vectors/{vector_shard('shift')}.json": b'{"shift": 64}',
        "/search/related/ti.json": b"null",
        "/search/related/st.json": b'{"stressed": 5}',
    }
    swapped = {path: (data, "application/json") for path, data in damaged.items()}
    with static_server(shipped["site"], swapped) as url:
        tab.goto(url)
        open_box(tab)
        titles = search_titles(tab, "tired and stressed at the end of a long shift", delay=0)
    # (ranked by its words, and the meaning of those left: near the top, if not first)
    assert "Refresh, Rejuvenate, Refocus" in [plain(title) for title in titles[:3]], titles
