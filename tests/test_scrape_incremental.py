"""Re-runs: few requests, no change, editors' files kept, --full, --force, --offline.

Through the theme's pages (`via="html"`), whose paging is what incremental runs cut short;
re-runs through the REST API are in test_scrape_doors.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mirror_fixtures import MirrorSite
from mirror_fixtures import scrape_mirror as scrape_any_door

from benchmarks.mirror.build import CATEGORY
from benchmarks.mirror.server import Fault, MirrorServer
from tipbook.content import iter_tip_files, load_tip


def scrape_mirror(*args: object, **options: object):  # type: ignore[no-untyped-def]
    return scrape_any_door(*args, via="html", **options)  # type: ignore[arg-type]


SUPERPOWER = "tips/2024/2024-01-02-make-empathy-your-superpower.md"
NOT_WHAT = "tips/2023/2023-12-12-its-not-what-you-did.md"
PEERS = "tips/2013/2013-08-06-build-up-your-peers-to-better-the-customer-experience.md"


@pytest.fixture(scope="module")
def site(mirror_files, offhost_server: MirrorServer) -> Iterator[MirrorSite]:
    """One server for the module: the cache holds its URLs, so they must stay the same."""
    server = MirrorServer(mirror_files.root).start()
    yield MirrorSite(server, offhost_server, mirror_files)
    server.stop()


@pytest.fixture(scope="module")
def baseline(site: MirrorSite, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Content and cache after one first scrape, copied by each test that needs them."""
    from mirror_fixtures import THEMES_FILE

    root = tmp_path_factory.mktemp("baseline")
    (root / "content").mkdir()
    shutil.copy(THEMES_FILE, root / "content" / "themes.yml")
    report = scrape_mirror(site, root / "content", root / "cache")
    assert report.ok and report.counts["new"] == 40
    return root / "content", root / "cache"


@pytest.fixture
def mirror_site(site: MirrorSite) -> MirrorSite:
    """The module's server, with an empty log and no faults left from another test."""
    site.server.clear_log()
    site.server.faults.clear()
    site.server.conditional = True
    site.offhost.clear_log()
    return site


@pytest.fixture
def scraped_once(baseline: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the baseline content folder (mtimes kept) and cache for one test."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    shutil.copytree(baseline[0], content)
    shutil.copytree(baseline[1], cache)
    return content, cache


def snapshot(content: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(content)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in iter_tip_files(content)
    }


def test_second_run_makes_few_requests_and_changes_nothing(
    mirror_site: MirrorSite, scraped_once: tuple[Path, Path]
) -> None:
    scrape_content_dir, cache = scraped_once
    before = snapshot(scrape_content_dir)
    mirror_site.server.clear_log()

    second = scrape_mirror(mirror_site, scrape_content_dir, cache)

    assert second.ok
    assert second.counts == {
        "new": 0,
        "updated": 0,
        "unchanged": 1,  # the article named on the command line is always re-read
        "kept": 0,
        "excerpt-only": 0,
        "failed": 0,
    }
    assert snapshot(scrape_content_dir) == before  # same bytes, same mtimes
    requests = mirror_site.server.requests
    # robots.txt, page 1 of each of the four archives, the named article, and the site's
    # sitemap (its index and post sitemap: the posts' lastmod dates): all revalidated.
    assert len(requests) == 8
    assert {"/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml"} <= {r.path for r in requests}
    assert {r.status for r in requests} == {304}
    assert all(r.headers.get("if-none-match") for r in requests)
    assert len([n for n in second.notes if "stopped paging" in n]) == 4


def test_full_walks_every_page_with_conditional_requests(
    mirror_site: MirrorSite, scraped_once: tuple[Path, Path], tmp_path: Path
) -> None:
    scrape_content_dir, cache = scraped_once
    before = snapshot(scrape_content_dir)
    mirror_site.server.clear_log()

    report = scrape_mirror(mirror_site, scrape_content_dir, cache, full=True)

    assert report.counts["unchanged"] == 40 and report.counts["new"] == 0
    assert report.archive_pages == 9
    assert snapshot(scrape_content_dir) == before
    statuses = {r.status for r in mirror_site.server.requests}
    assert statuses <= {304, 404, 301}  # nothing downloaded again


def test_a_new_tip_on_page_one_is_picked_up(
    mirror_site: MirrorSite, scraped_once: tuple[Path, Path], tmp_path: Path
) -> None:
    scrape_content_dir, cache = scraped_once
    (scrape_content_dir / SUPERPOWER).unlink()  # as if the site had just published it

    report = scrape_mirror(mirror_site, scrape_content_dir, cache)

    assert [r.path for r in report.tips if r.outcome == "new"] == [SUPERPOWER]
    # Category pages 1-2 (the new tip is on page 1 and in every page's widget), then
    # page 1 of each tag archive.
    assert report.archive_pages == 5
    assert load_tip(scrape_content_dir / SUPERPOWER).tags == ["empathy"]


def test_an_edited_tip_is_kept_unless_forced(
    mirror_site: MirrorSite, scraped_once: tuple[Path, Path], tmp_path: Path
) -> None:
    scrape_content_dir, cache = scraped_once
    path = scrape_content_dir / PEERS
    edited = path.read_text(encoding="utf-8").replace(
        "\nIn developing relationships", "\nEDITOR: In developing lasting relationships"
    )
    path.write_text(edited, encoding="utf-8")

    report = scrape_mirror(mirror_site, scrape_content_dir, cache, full=True)
    kept = [r for r in report.tips if r.outcome == "kept"]
    assert [r.path for r in kept] == [PEERS]
    assert path.read_text(encoding="utf-8") == edited

    forced = scrape_mirror(mirror_site, scrape_content_dir, cache, full=True, force=True)
    assert [r.path for r in forced.tips if r.outcome == "updated"] == [PEERS]
    assert "EDITOR:" not in path.read_text(encoding="utf-8")


def test_a_file_that_no_longer_parses_is_kept(
    mirror_site: MirrorSite, scraped_once: tuple[Path, Path], tmp_path: Path
) -> None:
    scrape_content_dir, cache = scraped_once
    path = scrape_content_dir / PEERS
    broken = path.read_text(encoding="utf-8").replace("summary: ", "summary: Note: ", 1)
    path.write_text(broken, encoding="utf-8")  # ": " in a plain YAML value: invalid

    report = scrape_mirror(mirror_site, scrape_content_dir, cache, full=True)

    assert [r.path for r in report.tips if r.outcome == "kept"] == [PEERS]
    assert path.read_text(encoding="utf-8") == broken


def test_offline_rebuilds_everything_from_the_cache_without_a_request(
    mirror_site: MirrorSite, scraped_once: tuple[Path, Path], tmp_path: Path
) -> None:
    scrape_content_dir, cache = scraped_once
    reference = {k: v[0] for k, v in snapshot(scrape_content_dir).items()}
    mirror_site.server.clear_log()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "themes.yml").write_bytes((scrape_content_dir / "themes.yml").read_bytes())

    report = scrape_mirror(mirror_site, fresh, cache, offline=True)

    assert report.ok and report.requests == 0
    assert mirror_site.server.requests == []
    assert {k: v[0] for k, v in snapshot(fresh).items()} == reference


def test_a_transient_failure_leaves_the_excerpt_and_the_rest(
    mirror_site: MirrorSite, scrape_content_dir: Path
) -> None:
    post = mirror_site.mirror.post_paths["It’s Not What You Did…"]
    mirror_site.server.fail(post, *[Fault(status=503)] * 3)
    page2 = f"/category/{CATEGORY}/page/2/"
    mirror_site.server.fail(page2, *[Fault(status=500)] * 3)

    report = scrape_mirror(mirror_site, scrape_content_dir, None)

    # Page 2 of the category failed: pages 3 and 4 are out of reach, but the tips of
    # every other page and archive are written.
    assert [(f.url, f.stage) for f in report.failures] == [(mirror_site.url(page2), "archive")]
    assert "HTTP 500 after 3 tries" in report.failures[0].reason
    tip = load_tip(scrape_content_dir / NOT_WHAT)
    assert tip.excerpt_only and tip.body.startswith("The statistic we have quoted")
    record = next(r for r in report.tips if r.path == NOT_WHAT)
    assert "HTTP 503" in record.note
    assert len(list(iter_tip_files(scrape_content_dir))) == 38


def test_an_excerpt_never_replaces_a_full_tip(
    mirror_site: MirrorSite, scraped_once: tuple[Path, Path], tmp_path: Path
) -> None:
    scrape_content_dir, cache = scraped_once
    before = (scrape_content_dir / SUPERPOWER).read_bytes()
    mirror_site.server.conditional = False
    post = mirror_site.mirror.post_paths["Make Empathy Your Superpower"]
    mirror_site.server.fail(post, *[Fault(status=404)] * 5)

    report = scrape_mirror(mirror_site, scrape_content_dir, cache, full=True)

    assert report.ok
    assert (scrape_content_dir / SUPERPOWER).read_bytes() == before


def test_max_pages_limits_each_archive(mirror_site: MirrorSite, scrape_content_dir: Path) -> None:
    report = scrape_mirror(
        mirror_site, scrape_content_dir, None, urls=mirror_site.start_urls, max_pages=1
    )
    assert report.archive_pages == 4
    # The library names the option; each front end words it (the CLI as --max-pages).
    assert any("({max_pages})" in note for note in report.notes)
