"""The doors of a WordPress site: the REST API, feeds, sitemaps and the theme's pages.

The same tips (every field and the body) whichever door they come through; only the
recorded door differs. A site without its REST API falls back cleanly; `--plan` lists the
doors and what they hold without fetching a post. Expected values come from the seeds.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from mirror_fixtures import REAL_SITE, MirrorSite, scrape_mirror

from benchmarks.mirror.build import CATEGORY, SHORTLINK_TIP, build_mirror
from benchmarks.mirror.server import MirrorServer
from scraper.report import ScrapeReport
from tipbook.cli import main
from tipbook.content import iter_tip_files, load_tip
from tipbook.model import Tip

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


def tips_in(content: Path) -> dict[str, Tip]:
    """source → tip of every file written."""
    tips = {}
    for path in iter_tip_files(content):
        tip = load_tip(path)
        assert tip.source not in tips, f"{tip.source} written twice"
        tips[tip.source] = tip
    return tips


def without_door(tip: Tip) -> Tip:
    return dataclasses.replace(tip, via="")


def scrape_into(
    site: MirrorSite, folder: Path, via: str, **options: object
) -> tuple[ScrapeReport, dict[str, Tip]]:
    content = folder / "content"
    content.mkdir(parents=True)
    shutil.copy(REPO / "content" / "themes.yml", content / "themes.yml")
    report = scrape_mirror(site, content, folder / "cache", via=via, **options)
    return report, tips_in(content)


def test_rest_and_html_give_the_same_tips(mirror_site: MirrorSite, tmp_path: Path) -> None:
    html_report, by_html = scrape_into(mirror_site, tmp_path / "html", "html")
    mirror_site.server.clear_log()
    rest_report, by_rest = scrape_into(mirror_site, tmp_path / "rest", "rest")
    assert html_report.ok and rest_report.ok, (html_report.failures, rest_report.failures)
    assert by_rest.keys() == by_html.keys()
    for source, tip in by_rest.items():
        assert without_door(tip) == without_door(by_html[source]), source
    seeds = {(s.title, s.date): s for s in mirror_site.mirror.tips}
    for tip in by_rest.values():
        seed = seeds[(tip.title, tip.date)]  # the site's own date, not the UTC one
        expected = {"post": "rest", "widget": "archive", "external": "html"}[seed.kind]
        assert tip.via == expected, tip.title
        assert by_html[tip.source].via == ("html" if seed.kind != "widget" else "archive")
    # Through the REST API no post page was fetched: its content was in the listing.
    fetched = {p.split("?")[0] for p in mirror_site.server.paths()}
    posts = {mirror_site.mirror.post_paths[s.title] for s in seeds.values() if s.kind == "post"}
    assert not fetched & posts
    assert any(p.startswith("/wp-json/wp/v2/posts?") for p in mirror_site.server.paths())
    assert rest_report.doors["rest"] == len(posts)


def test_a_post_through_several_links_is_one_tip(mirror_site: MirrorSite, tmp_path: Path) -> None:
    # The widget links one post by its shortlink (/?p=4242), the REST API by its permalink.
    report, tips = scrape_into(mirror_site, tmp_path, "auto")
    assert [t.title for t in tips.values()].count(SHORTLINK_TIP) == 1
    assert not any("?p=4242" in p for p in mirror_site.server.paths())
    assert len(report.tips) == len(tips) == len(mirror_site.mirror.tips)


def test_the_feed_door_gives_the_same_tips(mirror_site: MirrorSite, tmp_path: Path) -> None:
    _report, by_html = scrape_into(mirror_site, tmp_path / "html", "html")
    mirror_site.server.clear_log()
    report, by_feed = scrape_into(mirror_site, tmp_path / "feed", "feed")
    assert report.ok, report.failures
    assert by_feed.keys() == by_html.keys()
    for source, tip in by_feed.items():
        assert without_door(tip) == without_door(by_html[source]), source
    assert {t.via for t in by_feed.values()} == {"feed", "archive", "html"}
    paths = mirror_site.server.paths()
    assert f"/category/{CATEGORY}/feed/" in paths
    # Feeds give the list; archive pages after the first are not walked.
    assert f"/category/{CATEGORY}/page/2/" not in paths


@pytest.mark.parametrize("status", [401, 404])
def test_without_the_rest_api_the_scrape_falls_back(
    mirror_site: MirrorSite, tmp_path: Path, status: int
) -> None:
    _report, by_html = scrape_into(mirror_site, tmp_path / "html", "html")
    mirror_site.server.rest_status = status
    report, tips = scrape_into(mirror_site, tmp_path / "auto", "auto")
    assert report.ok, report.failures
    assert {s: without_door(t) for s, t in tips.items()} == {
        s: without_door(t) for s, t in by_html.items()
    }
    assert "rest" not in report.doors and report.doors["feed"] > 0
    assert any(f"/wp-json/: HTTP {status}" in note for note in report.notes), report.notes


def test_a_forced_door_that_is_not_there_is_one_clear_failure(
    mirror_site: MirrorSite, tmp_path: Path
) -> None:
    mirror_site.server.rest_status = 401
    report, _tips = scrape_into(
        mirror_site, tmp_path, "rest", urls=[mirror_site.url(f"/category/{CATEGORY}/")]
    )
    assert len(report.failures) == 1
    failure = report.failures[0]
    assert failure.url == mirror_site.url(f"/category/{CATEGORY}/")
    assert failure.reason.startswith("{via} rest: no REST API")
    assert "HTTP 401" in failure.reason


def test_rest_re_runs_are_incremental_and_conditional(
    mirror_site: MirrorSite, tmp_path: Path
) -> None:
    report, _tips = scrape_into(mirror_site, tmp_path, "rest")
    assert report.counts["new"] == len(mirror_site.mirror.tips)
    mirror_site.server.clear_log()
    # A weekly re-run: the archives' first pages list only known tips, so nothing more.
    again = scrape_mirror(mirror_site, tmp_path / "content", tmp_path / "cache", via="rest")
    assert again.counts["new"] == again.counts["updated"] == 0
    assert not any("/wp-json" in p for p in mirror_site.server.paths())
    assert len(mirror_site.server.requests) == 1 + len(mirror_site.all_urls)  # + robots.txt
    # --full lists every post again, revalidating each listing page with its ETag.
    mirror_site.server.clear_log()
    full = scrape_mirror(
        mirror_site, tmp_path / "content", tmp_path / "cache", via="rest", full=True
    )
    assert full.counts["new"] == full.counts["updated"] == 0
    listings = [r for r in mirror_site.server.requests if "/wp/v2/posts" in r.path]
    assert len(listings) == 4  # one page per archive
    assert all(r.status == 304 and "if-none-match" in r.headers for r in listings)


def test_a_new_post_is_found_through_the_rest_api(own_mirror: MirrorSite, tmp_path: Path) -> None:
    report, _tips = scrape_into(own_mirror, tmp_path, "rest")
    newest = next(t for t in own_mirror.mirror.tips if t.kind == "post")
    files = iter_tip_files(tmp_path / "content")
    (victim,) = [p for p in files if load_tip(p).title == newest.title]
    victim.unlink()  # as if the newest post were published after the last run
    own_mirror.server.clear_log()
    again = scrape_mirror(own_mirror, tmp_path / "content", tmp_path / "cache", via="rest")
    assert [(t.title, t.outcome, t.via) for t in again.tips if t.outcome != "unchanged"] == [
        (newest.title, "new", "rest")
    ]
    posts = {
        own_mirror.mirror.post_paths[t.title] for t in own_mirror.mirror.tips if t.kind == "post"
    }
    assert not posts & set(own_mirror.server.paths())  # the new post came with the listing


@pytest.fixture
def own_mirror(
    tmp_path_factory: pytest.TempPathFactory, offhost_server: MirrorServer
) -> Iterator[MirrorSite]:
    """A mirror this test may change (the session's is shared)."""
    mirror = build_mirror(tmp_path_factory.mktemp("own-mirror"), offhost_server.base_url)
    server = MirrorServer(mirror.root).start()
    yield MirrorSite(server, offhost_server, mirror)
    server.stop()


@pytest.mark.parametrize("feeds", ["gone", "the home page"])
def test_without_rest_or_feeds_the_pages_are_read(
    own_mirror: MirrorSite, tmp_path: Path, feeds: str
) -> None:
    own_mirror.server.rest_status = 401
    home = (own_mirror.mirror.root / "index.html").read_bytes()
    for feed in list(own_mirror.mirror.root.rglob("feed")):
        if feeds == "gone":
            shutil.rmtree(feed)
        else:  # a plugin that disables feeds answers them with the home page
            for file in feed.iterdir():
                file.write_bytes(home)
    report, tips = scrape_into(own_mirror, tmp_path, "auto")
    assert report.ok, report.failures
    assert report.doors.get("html", 0) > 1 and "feed" not in report.doors
    assert any("reading the theme's pages" in note for note in report.notes), report.notes
    assert len(tips) == len(own_mirror.mirror.tips)


@pytest.fixture(scope="module")
def block_theme(
    tmp_path_factory: pytest.TempPathFactory, offhost_server: MirrorServer
) -> Iterator[MirrorSite]:
    mirror = build_mirror(
        tmp_path_factory.mktemp("block-theme"), offhost_server.base_url, theme="block"
    )
    server = MirrorServer(mirror.root).start()
    yield MirrorSite(server, offhost_server, mirror)
    server.stop()


def test_a_second_theme_gives_the_same_tips(
    mirror_site: MirrorSite, block_theme: MirrorSite, tmp_path: Path
) -> None:
    _report, classic = scrape_into(mirror_site, tmp_path / "classic", "html")
    report, block = scrape_into(block_theme, tmp_path / "block", "html")
    assert report.ok, report.failures
    assert block.keys() == classic.keys()
    for source, tip in block.items():
        assert tip == classic[source], source
    for tip in block.values():
        for chrome in ("Read more", "Continue reading", "Older post", "Leave a Reply", "Tags:"):
            assert chrome not in tip.body, (tip.title, chrome)


def test_plan_lists_the_doors_and_fetches_no_post(mirror_site: MirrorSite, tmp_path: Path) -> None:
    posts = [s for s in mirror_site.mirror.tips if s.kind == "post"]
    empathy = [s for s in posts if "empathy" in s.tags]
    (tmp_path / "tipbook.yml").write_text("cache_dir: cache\nscrape:\n  delay: 0\n", "utf-8")
    args = ["--config", str(tmp_path / "tipbook.yml"), "scrape", "--plan"]
    args += [mirror_site.url(f"/category/{CATEGORY}/"), mirror_site.url("/tag/empathy/")]
    result = CliRunner().invoke(main, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    base = mirror_site.server.base_url
    assert (
        f"rest {len(posts)} posts {base}/wp-json/wp/v2/posts?categories=7&per_page=100"
        in " ".join(lines)
    )
    assert any(line.startswith(f"rest {len(empathy)} posts ") for line in lines), lines
    assert any(
        line.startswith(f"feed {len(empathy)} posts {base}/tag/empathy/feed/") for line in lines
    )
    assert any(
        line.startswith(f"sitemap {len(posts)} posts {base}/wp-sitemap.xml") for line in lines
    )
    assert sum(line.startswith("html ") for line in lines) == 2
    fetched = {p.split("?")[0] for p in mirror_site.server.paths()}
    assert not fetched & {mirror_site.mirror.post_paths[s.title] for s in posts}
    assert not list(tmp_path.rglob("*.md"))  # nothing written


def test_plan_of_a_site_without_rest_api_says_why(mirror_site: MirrorSite, tmp_path: Path) -> None:
    from mirror_fixtures import fetch_settings

    from scraper.pipeline import ScrapeOptions, plan

    mirror_site.server.rest_status = 401
    (site,) = plan(
        ScrapeOptions(
            urls=[mirror_site.url("/tag/caring/")],
            content_dir=tmp_path,
            themes_file=REPO / "content" / "themes.yml",
            settings=fetch_settings(),
            source_base=REAL_SITE,
        )
    )
    rest = next(d for d in site.doors if d.kind == "rest")
    assert rest.posts is None and "HTTP 401" in rest.note
    feed = next(d for d in site.doors if d.kind == "feed")
    caring = [s for s in mirror_site.mirror.tips if s.kind == "post" and "caring" in s.tags]
    assert feed.posts == len(caring)


def test_the_rest_api_is_read_page_by_page(
    tmp_path_factory: pytest.TempPathFactory, offhost_server: MirrorServer, tmp_path: Path
) -> None:
    import datetime as dt

    from benchmarks.mirror.seeds import Block, SeedTip

    extra = [
        SeedTip(
            title=f"Extra Tip Number {n}",
            title_line=f"Extra Tip Number {n} – 1/{n % 28 + 1}/{n % 9 + 10}",
            date=dt.date(2010 + n % 9, 1, n % 28 + 1),
            kind="post",
            blocks=[Block("p", [f"Extra tip {n} says to listen to every customer carefully."])],
            in_category=True,
        )
        for n in range(120)
    ]
    mirror = build_mirror(
        tmp_path_factory.mktemp("big-mirror"), offhost_server.base_url, extra_tips=extra
    )
    server = MirrorServer(mirror.root).start()
    try:
        site = MirrorSite(server, offhost_server, mirror)
        category = [site.url(f"/category/{CATEGORY}/")]
        report, tips = scrape_into(site, tmp_path, "rest", urls=category)
        assert report.ok, report.failures
        posts = [t for t in mirror.tips if t.kind == "post"]
        assert sum(1 for t in tips.values() if t.via == "rest") == len(posts) > 100
        listings = [p for p in server.paths() if "/wp/v2/posts?" in p]
        pages = [re.search(r"[?&]page=(\d+)", p).group(1) for p in listings]  # type: ignore[union-attr]
        assert pages == ["1", "2"]  # X-WP-TotalPages said 2
        from mirror_fixtures import fetch_settings

        from scraper.pipeline import ScrapeOptions, plan

        (planned,) = plan(
            ScrapeOptions(
                urls=category,
                content_dir=tmp_path,
                themes_file=REPO / "content" / "themes.yml",
                settings=fetch_settings(),
            )
        )
        counts = {door.kind: door.posts for door in planned.doors}
        assert counts["rest"] == counts["feed"] == counts["sitemap"] == len(posts)
        assert f"/category/{CATEGORY}/feed/?paged=13" in server.paths()
    finally:
        server.stop()


def test_an_seo_plugins_sitemap_index_is_found_through_robots_txt(tmp_path: Path) -> None:
    from lxml import etree
    from mirror_fixtures import fetch_settings

    from scraper.doors import _sitemap_root, count_sitemap_posts, sitemap_candidates
    from scraper.fetch import Fetcher

    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    root = tmp_path / "site"
    root.mkdir()
    server = MirrorServer(root).start()
    base = server.base_url
    (root / "robots.txt").write_text(f"User-agent: *\nSitemap: {base}/sitemap_index.xml\n")
    children = ("post-sitemap.xml", "post-sitemap2.xml", "page-sitemap.xml", "category-sitemap.xml")
    index = "".join(f"<sitemap><loc>{base}/{c}</loc></sitemap>" for c in children)
    (root / "sitemap_index.xml").write_text(f"<sitemapindex {ns}>{index}</sitemapindex>")
    for name, count in zip(children, (3, 2, 5, 4), strict=True):
        urls = "".join(f"<url><loc>{base}/{name}-{n}/</loc></url>" for n in range(count))
        (root / name).write_text(f"<urlset {ns}>{urls}</urlset>")
    # An external entity in a sitemap is never resolved (no file is read, nothing fetched).
    (root / "wp-sitemap.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<urlset {ns}><url><loc>&x;</loc></url></urlset>"
    )
    try:
        with Fetcher(fetch_settings(), allowed_origins={base}) as fetcher:
            candidates = sitemap_candidates(fetcher, f"{base}/category/tips/")
            assert candidates[0] == f"{base}/sitemap_index.xml"
            assert count_sitemap_posts(fetcher, candidates[0]) == 5  # posts only
            # Its one entry has no address left: the entity stays unresolved, no post counted.
            assert count_sitemap_posts(fetcher, f"{base}/wp-sitemap.xml") == 0
            parsed = etree.tostring(_sitemap_root(fetcher, f"{base}/wp-sitemap.xml")).decode()
            assert "&x;" in parsed and "root:" not in parsed
    finally:
        server.stop()


def test_an_archive_the_rest_api_cannot_filter_is_read_another_way(
    mirror_site: MirrorSite, tmp_path: Path
) -> None:
    from mirror_fixtures import fetch_settings

    from scraper.doors import DoorError, RestApi, RestReader
    from scraper.fetch import Fetcher

    base = mirror_site.server.base_url
    with Fetcher(fetch_settings(), allowed_origins={base}) as fetcher:
        reader = RestReader(fetcher, RestApi(f"{base}/wp-json/"))
        assert reader.filter_for(f"{base}/") == {}  # the home page: every post
        assert reader.filter_for(f"{base}/category/{CATEGORY}/page/2/") == {"categories": 7}
        with pytest.raises(DoorError, match="not a category or tag archive"):
            reader.filter_for(f"{base}/2019/03/")
        with pytest.raises(DoorError, match="has no category 'no-such-category'"):
            reader.filter_for(f"{base}/category/no-such-category/")


SITEMAP = "wp-sitemap-posts-post-1.xml"


def set_lastmod(site: MirrorSite, path: str, lastmod: str) -> None:
    sitemap = site.mirror.root / SITEMAP
    text, found = re.subn(
        rf"(<loc>[^<]*{re.escape(path)}</loc><lastmod>)[^<]*",
        lambda m: m.group(1) + lastmod,
        sitemap.read_text("utf-8"),
    )
    assert found == 1, path
    sitemap.write_text(text, "utf-8")


def post_pages(site: MirrorSite) -> set[str]:
    """The post pages (of posts, not the external article) requested since the log began."""
    posts = {site.mirror.post_paths[t.title] for t in site.mirror.tips if t.kind == "post"}
    return posts & set(site.server.paths())


def test_a_newer_lastmod_in_the_sitemap_re_reads_exactly_that_post(
    own_mirror: MirrorSite, tmp_path: Path
) -> None:
    import datetime as dt

    report, _tips = scrape_into(own_mirror, tmp_path, "feed")
    assert report.ok, report.failures
    content, cache = tmp_path / "content", tmp_path / "cache"
    # The oldest post: far past every archive's first page, which a re-run stops at.
    changed = [t for t in own_mirror.mirror.tips if t.kind == "post"][-1]
    path = own_mirror.mirror.post_paths[changed.title]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).isoformat(timespec="seconds")
    set_lastmod(own_mirror, path, later)
    page = own_mirror.mirror.root / path.strip("/") / "index.html"
    html = page.read_text("utf-8")
    added = "<p>Added after publication: thank the customer by name.</p>"
    page.write_text(
        html.replace('<div class="entry-content">', f'<div class="entry-content">{added}')
    )

    own_mirror.server.clear_log()
    again = scrape_mirror(own_mirror, content, cache, via="feed")
    assert again.ok, again.failures
    assert post_pages(own_mirror) == {path}
    assert [(t.title, t.outcome, t.via) for t in again.tips if t.outcome != "unchanged"] == [
        (changed.title, "updated", "feed")
    ]
    assert "thank the customer by name" in tips_in(content)[f"{REAL_SITE}{path}"].body
    assert any("stopped paging" in note for note in again.notes)  # the early stop still ran

    # The lastmod read is now the post's: the next run reads no post page.
    own_mirror.server.clear_log()
    third = scrape_mirror(own_mirror, content, cache, via="feed")
    assert third.ok and not post_pages(own_mirror)
    assert {"/wp-sitemap.xml", f"/{SITEMAP}"} <= set(own_mirror.server.paths())


COMPANY_PATH = "/2020/06/01/our-new-office-opens/"


def add_company_article(site: MirrorSite) -> None:
    """A post of the site in another category, in the sitemap like every post."""
    page = site.mirror.root / COMPANY_PATH.strip("/") / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<!DOCTYPE html><html><head><title>Our New Office Opens</title></head><body class="'
        'single single-post"><article class="post type-post category-company-news"><header>'
        '<h1 class="entry-title">Our New Office Opens</h1><time class="entry-date published" '
        'datetime="2020-06-01T09:00:00-05:00"></time> in <a href="/category/company-news/" '
        'rel="category tag">Company News</a></header><div class="entry-content"><p>Our team '
        "moved to a bigger office downtown, close to our customers.</p></div></article>"
        "</body></html>",
        "utf-8",
    )
    sitemap = site.mirror.root / SITEMAP
    entry = f"<url><loc>__MIRROR_BASE__{COMPANY_PATH}</loc><lastmod>2020-06-01</lastmod></url>"
    sitemap.write_text(sitemap.read_text("utf-8").replace("</urlset>", f"{entry}</urlset>"))


def drop_from_category_feed(site: MirrorSite, path: str) -> None:
    dropped = 0
    for feed in (site.mirror.root / "category" / CATEGORY / "feed").glob("*.xml"):
        items = feed.read_text("utf-8").split("\t<item>")
        kept = [items[0], *(i for i in items[1:] if f"{path}</link>" not in i)]
        dropped += len(items) - len(kept)
        feed.write_text("\t<item>".join(kept), "utf-8")
    assert dropped == 1, path


def test_the_sitemap_finds_the_categorys_post_the_feed_missed_and_nothing_else(
    own_mirror: MirrorSite, tmp_path: Path
) -> None:
    category = own_mirror.url(f"/category/{CATEGORY}/")
    first_page = (own_mirror.mirror.root / "category" / CATEGORY / "index.html").read_text()
    missed = next(
        t
        for t in reversed(own_mirror.mirror.tips)
        if t.kind == "post" and own_mirror.mirror.post_paths[t.title] not in first_page
    )
    missed_path = own_mirror.mirror.post_paths[missed.title]
    drop_from_category_feed(own_mirror, missed_path)
    add_company_article(own_mirror)

    report, tips = scrape_into(own_mirror, tmp_path, "feed", urls=[category])
    assert report.ok, report.failures
    found = tips[f"{REAL_SITE}{missed_path}"]
    assert (found.title, found.date, found.via) == (missed.title, missed.date, "html")
    assert not any("Office" in t.title for t in tips.values())
    assert not any(COMPANY_PATH in source for source in tips)
    assert own_mirror.server.paths().count(COMPANY_PATH) == 1  # read once, to see its category
    posts = [t for t in own_mirror.mirror.tips if t.kind == "post" and t.in_category]
    assert sum(1 for t in tips.values() if t.via in ("feed", "html")) == len(posts)

    # A full re-run lists everything again; the company article, unchanged, is not re-read.
    own_mirror.server.clear_log()
    again = scrape_mirror(
        own_mirror, tmp_path / "content", tmp_path / "cache", via="feed", urls=[category], full=True
    )
    assert again.ok, again.failures
    assert COMPANY_PATH not in own_mirror.server.paths()
    assert not any(COMPANY_PATH in t.url for t in again.tips)


def test_a_post_page_shows_its_own_category_and_tags_only() -> None:
    import datetime as dt

    from bs4 import BeautifulSoup

    from scraper.doors import lastmod_time, shows_archive

    page = BeautifulSoup(
        '<nav><a href="/category/tips/">Tips</a><a href="/tag/empathy/" class="tag-cloud-link">'
        'empathy</a></nav><article><a href="/category/news/" rel="category tag">News</a>'
        '<a href="/tag/caring/" rel="tag">caring</a></article>',
        "html.parser",
    )
    base = "https://example.org/a-post/"
    assert shows_archive(page, base, "https://example.org/category/news/page/2/")
    assert shows_archive(page, base, "https://example.org/tag/caring/")
    # Menus and tag clouds link archives too, but not as the post's own terms.
    assert not shows_archive(page, base, "https://example.org/category/tips/")
    assert not shows_archive(page, base, "https://example.org/tag/empathy/")
    assert not shows_archive(page, base, "https://example.org/")  # the home page: every post
    utc = dt.UTC
    assert lastmod_time("2020-06-01") == dt.datetime(2020, 6, 1, tzinfo=utc)
    assert lastmod_time("2020-06-01T09:00:00Z") == dt.datetime(2020, 6, 1, 9, tzinfo=utc)
    assert lastmod_time("2020-06-01T09:00:00-05:00") == dt.datetime(2020, 6, 1, 14, tzinfo=utc)
    assert lastmod_time("yesterday") is None and lastmod_time(None) is None


def test_the_rest_door_walks_the_archive_for_posts_rest_lacks(
    own_mirror: MirrorSite, tmp_path: Path
) -> None:
    """A WordPress whose REST API lacks older posts (deleted from it, private, filtered)
    while its archive pages still list them: the REST door walks the archive's pages on
    while they list posts REST lacks, and finds every tip the pages do (37 of 54 before)."""
    _report, by_html = scrape_into(own_mirror, tmp_path / "html", "html")
    posts = sorted(own_mirror.server.rest_data("posts"), key=lambda p: p["date"], reverse=True)
    with own_mirror.server.lock:
        own_mirror.server._rest_cache["posts"] = posts[:3]  # only the newest three
    report, by_rest = scrape_into(own_mirror, tmp_path / "rest", "rest")
    assert report.ok, report.failures
    assert by_rest.keys() == by_html.keys()
    vias = [tip.via for tip in by_rest.values()]
    assert vias.count("rest") <= 3 and vias.count("html") > 0


@pytest.mark.parametrize("via", ["rest", "feed", "html"])
def test_offline_works_after_any_door(mirror_site: MirrorSite, tmp_path: Path, via: str) -> None:
    """`--offline` re-reads from the cache whatever door the run before went through."""
    first, tips = scrape_into(mirror_site, tmp_path, via)
    assert first.ok, first.failures
    mirror_site.server.clear_log()
    again = scrape_mirror(mirror_site, tmp_path / "content", tmp_path / "cache", offline=True)
    assert again.ok, again.failures
    assert mirror_site.server.paths() == []
    assert tips_in(tmp_path / "content") == tips
    # Forcing another door than the one the cache was filled through: one clear failure
    # per archive naming the door to use, and nothing lost.
    other = "html" if via != "html" else "feed"
    forced = scrape_mirror(
        mirror_site, tmp_path / "content", tmp_path / "cache", offline=True, via=other
    )
    archives = [f for f in forced.failures if f.stage == "archive"]
    assert archives and all(f"use {{via}} {via}" in f.reason for f in archives), archives
    assert tips_in(tmp_path / "content") == tips
