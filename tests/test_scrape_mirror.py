"""End to end on the mirror: every seed tip found once, right, clean and safe.

The expected values come from the seeds (benchmarks/mirror/seeds.py), not from the scraper.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mirror_fixtures import REAL_SITE, TEST_AGENT, MirrorSite, scrape_mirror

from benchmarks.mirror.build import (
    CP1252_TIP,
    EXTERNAL_PATH,
    OFFHOST_TIP,
    RELATIVE_LINK_TIP,
    post_path,
)
from benchmarks.mirror.seeds import SeedTip
from benchmarks.mirror.server import MirrorServer
from scraper.report import ScrapeReport
from tipbook.content import iter_tip_files, load_tip
from tipbook.model import Series, Tip
from tipbook.taxonomy import load_taxonomy

# Text of the site's chrome: none of it may ever reach a tip's body.
BOILERPLATE = [
    "Signup for FREE Tips",
    "Contact Us",
    "More Resources for You",
    "Visit Our Home Page",
    "Posted on",
    "Please leave a comment",
    "Read more",
    "Share this",
    "Like this",
    "Like Loading",
    "Related",
    "Recent Tips",
    "Leave a Reply",
    "Post Comment",
    "Older posts",
    "Newer posts",
    "Customer Service Solutions",
    "Skip to content",
    "Popular story",
    "cookies",
    "newsletter",
    "business-people-writing",
    "Staff Writer",
    "Twitter",
    "Subscribe",
]
UNSAFE = ["<script", "<iframe", "<style", "onmouseover", "onclick", "onerror", "javascript:"]


@dataclass
class Scraped:
    report: ScrapeReport
    tips: dict[str, Tip]  # file stem → tip
    texts: dict[str, str]  # file stem → file text
    seeds: list[SeedTip]
    site: MirrorSite


def plain(markdown: str) -> str:
    """Markdown to comparable text: no list marks, emphasis or link targets; one space."""
    text = re.sub(r"^\s*[-*] ", "", markdown, flags=re.M)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "").replace("*", "").replace("\\", "")
    return " ".join(text.replace("\xa0", " ").split())


def seed_text(texts: list[str]) -> str:
    return " ".join(" ".join(texts).replace("\xa0", " ").split())


@pytest.fixture(scope="module")
def scraped(
    mirror_files, offhost_server: MirrorServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scraped]:
    import shutil

    from mirror_fixtures import THEMES_FILE

    server = MirrorServer(mirror_files.root).start()
    offhost_server.clear_log()
    site = MirrorSite(server, offhost_server, mirror_files)
    content = tmp_path_factory.mktemp("content")
    shutil.copy(THEMES_FILE, content / "themes.yml")
    report = scrape_mirror(site, content, tmp_path_factory.mktemp("cache"))
    paths = list(iter_tip_files(content))
    yield Scraped(
        report=report,
        tips={p.stem: load_tip(p) for p in paths},
        texts={p.stem: p.read_text(encoding="utf-8") for p in paths},
        seeds=mirror_files.tips,
        site=site,
    )
    server.stop()


def find(scraped: Scraped, seed: SeedTip) -> Tip:
    matches = [t for t in scraped.tips.values() if t.title == seed.title and t.date == seed.date]
    assert len(matches) == 1, f"{seed.title} ({seed.date}) found {len(matches)} times"
    return matches[0]


def test_every_seed_tip_is_found_exactly_once(scraped: Scraped) -> None:
    assert len(scraped.seeds) == 40
    assert len(scraped.tips) == len(scraped.seeds)
    for seed in scraped.seeds:
        find(scraped, seed)
    assert scraped.report.ok, scraped.report.failures
    assert scraped.report.counts["new"] == 40
    assert scraped.report.counts["excerpt-only"] == 29


def test_titles_dates_sources_and_file_names(scraped: Scraped) -> None:
    for seed in scraped.seeds:
        tip = find(scraped, seed)
        assert "TOW" not in tip.title and "/" not in tip.title
        assert tip.id in scraped.tips
        if seed.kind == "external":
            assert tip.source == REAL_SITE + EXTERNAL_PATH
        else:
            assert tip.source == REAL_SITE + post_path(seed)


def test_full_posts_have_exactly_the_seed_text(scraped: Scraped) -> None:
    for seed in scraped.seeds:
        if seed.kind == "widget":
            continue
        tip = find(scraped, seed)
        assert not tip.excerpt_only
        assert plain(tip.body) == seed_text(seed.paragraphs), seed.title


def test_widget_only_tips_are_excerpts(scraped: Scraped) -> None:
    for seed in scraped.seeds:
        if seed.kind != "widget":
            continue
        tip = find(scraped, seed)
        assert tip.excerpt_only, seed.title
        assert plain(tip.body).removesuffix(" …") == seed_text([seed.excerpt])
        assert tip.takeaway == ""
        assert seed_text([seed.excerpt]).startswith(tip.summary.removesuffix(" …"))
        record = next(r for r in scraped.report.tips if r.title == seed.title)
        assert "404" in record.note


def test_no_boilerplate_or_widget_text_in_any_body(scraped: Scraped) -> None:
    widget_titles = [s.title_line for s in scraped.seeds if s.kind == "widget"]
    for stem, tip in scraped.tips.items():
        for phrase in BOILERPLATE:
            assert phrase.lower() not in tip.body.lower(), f"{stem}: {phrase!r} in body"
        if not tip.excerpt_only:
            for title_line in widget_titles:
                assert title_line not in tip.body, f"{stem}: widget entry {title_line!r}"


def test_lists_emphasis_and_links(scraped: Scraped) -> None:
    by_title = {t.title: t for t in scraped.tips.values()}
    compassion = by_title["Convey Compassion in Customer Service"].body  # `•` lines + <br>
    assert (
        "\n- “Your issue” or “Your concern”\n- “You” used in a personal reference\n" in compassion
    )
    words = by_title["Words that Convey You Care"].body  # `•` paragraphs
    assert "**SCENARIO 1:** The customer" in words
    assert "\n- Don’t say “That probably won’t work.”\n- Tell them that" in words
    peers = by_title["Build Up Your Peers to Better the Customer Experience"].body  # <ul>
    assert peers.count("\n- ") == 9
    love = by_title[CP1252_TIP].body  # served as windows-1252
    assert love.startswith("*Love Story* – great movie.") and "â€" not in love
    assert "[empathize](https://cssamerica.com/tag/empathy/)" in by_title[RELATIVE_LINK_TIP].body
    offhost = by_title[OFFHOST_TIP].body
    assert f"[68% of lost business]({scraped.site.offhost.base_url}/research/" in offhost
    assert "utm_source" not in offhost


def test_summaries_and_takeaways(scraped: Scraped) -> None:
    for seed in scraped.seeds:
        tip = find(scraped, seed)
        assert 0 < len(tip.summary) <= 300
        if seed.kind == "widget":
            continue
        first = next(p for p in seed.paragraphs if len(p) >= 60)
        assert seed_text([first]).startswith(tip.summary.removesuffix("…")), seed.title
        if seed.kind == "external":
            assert tip.takeaway == ""  # it ends with a long paragraph, not a lesson
        else:
            assert tip.takeaway == seed_text([seed.last_paragraph]), seed.title
    by_title = {t.title: t for t in scraped.tips.values()}
    assert by_title["Why to Become an Empathy Expert"].takeaway == "Become an empathy expert."


def test_series(scraped: Scraped) -> None:
    series = {t.title: t.series for t in scraped.tips.values() if t.series}
    assert series == {
        "Customer for Life – The First Step": Series("Customer for Life", 1),
        "Customer for Life – The Second Step": Series("Customer for Life", 2),
        "Customer for Life – The Third Step": Series("Customer for Life", 3),
        "Customer for Life – The Final Step": Series("Customer for Life", 4),
    }


def test_tags_are_merged_across_archives(scraped: Scraped) -> None:
    for seed in scraped.seeds:
        assert find(scraped, seed).tags == sorted(seed.tags), seed.title
    superpower = next(t for t in scraped.tips.values() if t.title == "Make Empathy Your Superpower")
    assert superpower.tags == ["empathy"]  # reached by permalink and by the widget's shortlink


def test_themes_come_from_tags_and_explainable_signals(scraped: Scraped, repo_root: Path) -> None:
    taxonomy = load_taxonomy(repo_root / "content" / "themes.yml")
    reasons = {record.title: record.reasons for record in scraped.report.tips}
    for tip in scraped.tips.values():
        from_tags = taxonomy.themes_for_tags(tip.tags)
        assert set(from_tags) <= set(tip.themes)
        suggested = {s.theme for s in taxonomy.score(tip.title, plain(tip.body)) if s.suggested}
        if not (from_tags or suggested) and tip.themes:
            # No tag, no signal word: the nearest chapter, and the report says so.
            assert len(tip.themes) == 1, tip.title
            assert "nearest chapter" in reasons[tip.title][0], tip.title
            continue
        for theme in tip.themes:
            assert theme in from_tags or theme in suggested, f"{tip.title}: {theme} unexplained"
    by_title = {t.title: t for t in scraped.tips.values()}
    # Tips about keeping customers are `retention` though the site never tagged them so.
    for title in (
        "Re-Invigorate Your Clients",
        "Retain through Responsiveness",
        "It’s Not What You Did…",
        "Customer for Life – The Third Step",
    ):
        assert "retention" in by_title[title].themes, title
    assert "compassion" in by_title["Convey Compassion in Customer Service"].themes
    assert "teamwork" in by_title["Build Up Your Peers to Better the Customer Experience"].themes
    assert "apology" in by_title[CP1252_TIP].themes
    for record in scraped.report.tips:
        assert len(record.reasons) == len(record.themes)


def test_untrusted_html_never_reaches_a_file(scraped: Scraped) -> None:
    for stem, text in scraped.texts.items():
        for marker in UNSAFE:
            assert marker not in text, f"{stem}: {marker}"
        assert "injected" not in text and "youtube" not in text
    grow = next(t for t in scraped.tips.values() if t.title == "How to Grow Your Relationships")
    assert "by Leo Buscaglia, researchers" in grow.body  # the hostile link's words stay


def test_crawl_is_polite_and_stays_on_the_host(scraped: Scraped) -> None:
    requests = scraped.site.server.requests
    assert scraped.site.offhost.requests == []  # linked from a post and the nav: never fetched
    paths = [r.path for r in requests]
    assert not any(p.startswith(("/wp-admin", "/print/", "/wp-comments")) for p in paths)
    assert paths.count("/robots.txt") == 1
    assert all(r.headers.get("user-agent") == TEST_AGENT for r in requests)
    assert all(r.method == "GET" for r in requests)
    # Each post page once (the shortlink redirect leads to a page already cached).
    post_requests = [p for p in paths if p.endswith("-1-2-24/")]
    assert len(post_requests) <= 2
