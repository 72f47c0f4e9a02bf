"""Building the handbook for real: pages, links, counts, callouts, series, related, feed,
search index, drafts, strictness; the shipped content and a synthetic corpus too."""

from __future__ import annotations

import dataclasses
import json
import posixpath
import shutil
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import lxml.html
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from fresh_build import build_with_worker
from site_corpus import EXCERPT_TITLE, REPO_ROOT, TIPS, BuiltCorpus, site_config, write_corpus

from tipbook.cli import main
from tipbook.config import Config
from tipbook.errors import TipbookError
from tipbook.site import BuildResult, build_site
from tipbook.site.collect import collect_tips

pytestmark = pytest.mark.slow


def crawl(site: Path) -> tuple[int, list[str]]:
    """Check every internal link of every HTML page; return (links checked, broken ones)."""
    broken: list[str] = []
    checked = 0
    for page in site.rglob("*.html"):
        base = page.parent.relative_to(site).as_posix()
        if page.name != "index.html" and page.name != "404.html":
            base = posixpath.dirname(page.relative_to(site).as_posix())
        tree = lxml.html.fromstring(page.read_bytes())
        for element, _attr, link, _pos in tree.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path or element.tag == "form":
                continue
            if page.name == "404.html":
                target = parts.path.lstrip("/")  # error pages link from the site root
            else:
                target = posixpath.normpath(posixpath.join(base, parts.path))
            path = site / target
            if path.is_dir():
                path = path / "index.html"
            checked += 1
            if not path.is_file():
                broken.append(f"{page.relative_to(site)} → {link}")
    return checked, broken


def html_of(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_bytes(), "lxml")


def tip_dir(title: str) -> str:
    return next(p for p in TIP_URLS if p.endswith(title.lower().replace(" ", "-") + "/"))


TIP_URLS: list[str] = []


@pytest.fixture(scope="module")
def built(corpus_site: BuiltCorpus) -> tuple[Path, Config]:
    TIP_URLS[:] = [
        f"tips/{t.date.year}/{t.id}/"
        for t in corpus_site.tips
        if not t.draft and t.date.year < 2099
    ]
    return corpus_site.site_dir, corpus_site.config


class TestPages:
    def test_every_page_is_there(self, built: tuple[Path, Config]) -> None:
        site, config = built
        collection = collect_tips(config.content_dir)
        expected = ["", "themes/", "archive/", "archive/2024/", "archive/2023/", "series/"]
        expected += ["series/customer-for-life/", "tags/", *TIP_URLS]
        expected += [f"themes/{theme}/" for theme in collection.taxonomy.ids]
        for url in expected:
            assert (site / url / "index.html").is_file(), url
        for name in ("404.html", "feed.xml", "sitemap.xml", "search/search_index.json"):
            assert (site / name).is_file(), name

    def test_home(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        home = html_of(site, "")
        week = home.select(".tb-week")[0]
        # The newest tip is from February 2024: "latest", with its date, not "this week's".
        assert "Latest tip · Tuesday, 20 February 2024" in week.get_text()
        assert "this week" not in week.get_text().lower()
        assert week.select("time")[0].get("datetime") == "2024-02-20"
        assert week.select("h2 a")[0].get_text() == TIPS[0][0]
        cards = {
            card.select("a")[0].get_text(): card.select(".tb-count")[0].get_text()
            for card in home.select(".grid.cards li")
        }
        assert cards["Empathy"] == "3 tips" and cards["Compassion"] == "2 tips"
        latest = [a.get_text() for a in home.select("ul.tb-list li > a")]
        assert latest == [title for title, _, _ in TIPS][:10]
        assert home.select("label.tb-search[for=__search]")
        assert home.select('link[type="application/atom+xml"]')

    def test_chapter_lists_its_tips_newest_first(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        chapter = html_of(site, "themes/apology")
        assert "how you apologize and recover" in chapter.select(".tb-lead")[0].get_text()
        items = chapter.select("ul.tb-list li")
        assert [li.select("a")[0].get_text() for li in items] == [
            "Own the Mistake",
            "Say Sorry Like You Mean It",
        ]
        assert items[0].select("time")[0].get("datetime") == "2024-02-06"
        assert "keeps customers" in items[0].select(".tb-summary")[0].get_text()

    def test_archive_lists_every_tip_by_year_and_month(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        archive = html_of(site, "archive")
        article = archive.select("article")[0]
        assert [h.get_text() for h in article.select("h2")] == ["2024", "2023"]
        months = [h.get_text() for h in article.select("h3")]
        assert months[:2] == ["February 2024", "January 2024"] and months[-1] == "September 2023"
        items = article.select("ul.tb-archive li")
        assert [li.select("a")[0].get_text() for li in items] == [t for t, _, _ in TIPS]
        first = items[0]
        assert first.select("a")[0].get("href") == "../" + TIP_URLS[0]
        assert first.select("time")[0].get("datetime") == "2024-02-20"
        assert first.select("small")[0].get_text() == "Communication · Empathy"
        # The year pages stay, with every tip's summary, linked from the archive.
        year = html_of(site, "archive/2023")
        assert len(year.select("ul.tb-list li")) == 8
        assert article.select(".tb-count a")[1].get("href") == "../archive/2023/"
        assert year.select(".tb-count a")[0].get("href") == "../../archive/"
        assert "](" not in year.get_text() + article.get_text()  # no Markdown left unrendered

    def test_tip_page(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        url = tip_dir("The Second Step")
        page = html_of(site, url)
        # The header is rendered once for all tip pages, with each page's own title in it.
        topic = page.select(".md-header__topic .md-ellipsis")[-1].get_text().strip()
        assert topic == "The Second Step"
        assert page.select("title")[0].get_text().startswith("The Second Step - ")
        callout = page.select(".admonition.tip")[0]
        assert callout.select(".admonition-title")[0].get_text() == "Takeaway"
        assert "The Second Step — every time." in callout.get_text()
        # One row of chips: the chapter, then the site tag that is not a chapter ("retention"
        # is one, so it is not repeated); Material's own row of tags is hidden.
        chips = page.select(".tb-meta a.tb-chip")
        assert [c.get_text() for c in chips] == ["Customer Retention", "service"]
        assert chips[0].get("href") == "../../../themes/retention/"
        assert chips[1].get("href") == "../../../tags/#tag:service"
        assert html_of(site, "tags").select('[id="tag:service"]')
        assert all(nav.has_attr("hidden") for nav in page.select("nav.md-tags"))
        series = page.select(".tb-series")[0]
        assert "Customer for Life · Part 2 of 3" in series.get_text()
        assert series.select("a.tb-part-prev")[0].get_text() == "Part 1: The First Step"
        assert series.select("a.tb-part-next")[0].get_text() == "Part 3: The Third Step"
        related = page.select("ul.tb-related li a")
        assert len(related) == 5
        assert all(a.get("href") != "./" and "second-step" not in a.get("href") for a in related)
        assert (
            page.select("a.md-footer__link--prev")[0].get("href").endswith("the-first-step/")
        )  # previous by date is the older tip
        assert page.select("a.md-footer__link--next")[0].get("href").endswith("the-third-step/")
        assert page.select("a.tb-original")[0].get("href") == "https://cssamerica.com/6-tip/"
        assert sorted(t.get_text().strip() for t in page.select(".md-tag")) == [
            "retention",
            "service",
        ]

    def test_excerpt_only_tip(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        page = html_of(site, tip_dir(EXCERPT_TITLE))
        notice = page.select(".admonition.tb-excerpt")[0]
        assert "Only an excerpt" in notice.get_text()
        assert notice.select("a")[0].get("href").startswith("https://cssamerica.com/")

    def test_series_page_in_part_order(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        items = html_of(site, "series/customer-for-life").select("ol li a")
        assert [a.get_text() for a in items] == [
            "The First Step",
            "The Second Step",
            "The Third Step",
        ]

    def test_tags_index(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        text = html_of(site, "tags").get_text()
        assert "service" in text and "Own the Mistake" in text

    def test_feed(self, built: tuple[Path, Config]) -> None:
        site, config = built
        ns = {"a": "http://www.w3.org/2005/Atom"}
        feed = ET.parse(site / "feed.xml").getroot()
        entries = feed.findall("a:entry", ns)
        assert [e.findtext("a:title", namespaces=ns) for e in entries] == [t for t, _, _ in TIPS]
        for entry in entries:
            link = entry.find("a:link", ns).get("href")  # type: ignore[union-attr]
            path = urlsplit(link).path.lstrip("/")
            assert (site / path / "index.html").is_file(), link

    def test_sitemap_lists_every_tip(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        sitemap = (site / "sitemap.xml").read_text()
        for url in TIP_URLS:
            assert url in sitemap

    def test_static_search_indexes_every_tip_and_nothing_else(
        self, built: tuple[Path, Config]
    ) -> None:
        # The search box searches tips with Pagefind in a static export (tipbook's API when
        # served): Material's own index carries no tip text, so no page downloads it all.
        site, _ = built
        docs = json.loads((site / "search/search_index.json").read_text())["docs"]
        assert not any(d["location"].startswith("tips/") for d in docs)
        entry = json.loads((site / "pagefind/0/pagefind-entry.json").read_text())
        assert entry["languages"]["en"]["page_count"] == len(TIP_URLS)
        info = json.loads((site / "search/tipbook.json").read_text())
        assert info["tips"] == len(TIP_URLS) and "apology" in info["chapters"]
        assert (site / "search/index.html").is_file()  # the full results page

    def test_drafts_and_future_tips_stay_out(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        everything = " ".join(p.read_text() for p in site.rglob("*.html"))
        assert "xylophone" not in everything and "A Draft Nobody" not in everything
        assert "A Tip From the Future" not in everything

    def test_no_broken_internal_link(self, built: tuple[Path, Config]) -> None:
        site, _ = built
        checked, broken = crawl(site)
        assert checked > 500 and broken == []


def test_drafts_flag_builds_drafts(tmp_path: Path) -> None:
    write_corpus(tmp_path / "content")
    result = build_site(site_config(tmp_path), drafts=True)
    assert result.tips == len(TIPS) + 2
    assert list((tmp_path / "site" / "tips" / "2099").glob("*/index.html"))
    home = html_of(result.site_dir, "")
    featured = home.select(".tb-week")[0].get_text()
    assert "A Tip From the Future" in featured and "Next tip, scheduled" in featured
    # Previews mark what readers cannot see yet: on the tip's own page and in lists.
    pages = sorted((result.site_dir / "tips").glob("*/*/index.html"))
    marked = [
        page.parent.parent.name
        for page in pages
        if BeautifulSoup(page.read_bytes(), "lxml").select(".tb-draft")
    ]
    assert len(marked) == 2 and "2099" in marked  # the draft and the future tip
    future = next(p for p in pages if p.parent.parent.name == "2099")
    assert "scheduled for" in BeautifulSoup(future.read_bytes(), "lxml").get_text()
    badges = {b.get_text() for b in home.select(".tb-draft-badge")}
    assert "scheduled" in badges


class TestHoldBack:
    """`check`'s errors hold a due tip back; the build publishes every other tip."""

    @pytest.fixture()
    def project(self, tmp_path: Path) -> Config:
        write_corpus(tmp_path / "content")
        return site_config(tmp_path)

    def tip_file(self, config: Config, slug: str) -> Path:
        return next(config.content_dir.glob(f"tips/*/*-{slug}.md"))

    def edit(self, config: Config, slug: str, old: str, new: str) -> Path:
        path = self.tip_file(config, slug)
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        return path

    def test_bad_tips_are_held_back_and_the_rest_published(self, project: Config) -> None:
        link = self.edit(project, "own-the-mistake", "marmalade", "marmalade [x](missing.md)")
        theme = self.edit(project, "hand-off-warmly", "  - teamwork\n", "  - teamwrok\n")
        yaml = self.edit(project, "the-first-step", "title: The First Step", "title: The: First")
        todo = self.edit(project, "notice-the-misfortune", "summary: ", "summary: TODO ")
        # A published tip linking to a held-back one: a warning, never a failed build.
        linking = self.tip_file(project, "the-second-step")
        linking.write_text(linking.read_text() + f"\nSee [warmly](../2024/{theme.name}).\n")
        result = build_site(project)
        assert result.tips == len(TIPS) - 4
        held = result.held_back
        assert sorted(Path(w.shown).name for w in held.withheld) == sorted(
            p.name for p in (link, theme, yaml, todo)
        )
        rules = {Path(w.shown).name: {e.rule for e in w.errors} for w in held.withheld}
        assert rules[link.name] == {"broken-link"} and rules[yaml.name] == {"front-matter"}
        assert "unknown-theme" in rules[theme.name] and "placeholder" in rules[todo.name]
        lines = "\n".join(held.lines(project.content_dir))
        assert f"{theme.name}:" in lines and "did you mean 'teamwork'" in lines
        for path in (link, theme, yaml, todo):
            page = result.site_dir / "tips" / path.parent.name / path.stem / "index.html"
            assert not page.exists(), page
        assert "TODO" not in (result.site_dir / "index.html").read_text()
        checked, broken = crawl(result.site_dir)
        assert checked and all(theme.stem in b for b in broken), broken

    def test_a_drafts_errors_never_stop_the_site(self, project: Config) -> None:
        self.edit(project, "own-the-mistake", "title: ", "draft: true\ntitle: ")
        draft = self.edit(project, "own-the-mistake", "themes:\n", "themes:\n  - temwork\n")
        result = build_site(project, strict=True)
        assert result.tips == len(TIPS) - 1 and not result.held_back.withheld
        assert draft.name in "\n".join(result.held_back.lines(project.content_dir))

    def test_a_link_written_as_the_sites_address_builds(self, project: Config) -> None:
        target = self.tip_file(project, "hand-off-warmly")
        url = f"/tips/{target.parent.name}/{target.stem}/"
        self.edit(project, "own-the-mistake", "marmalade", f"marmalade [warmly]({url})")
        result = build_site(project, strict=True)
        assert result.tips == len(TIPS) and not result.held_back.withheld

    def test_strict_fails_and_keeps_the_previous_site(
        self, corpus_site: BuiltCorpus, tmp_path: Path
    ) -> None:
        project = corpus_site.copy_to(tmp_path / "copy")  # the corpus, built
        before = (project.site_dir / "index.html").read_bytes()
        path = self.edit(project, "own-the-mistake", "marmalade", "[x](missing.md)")
        with pytest.raises(TipbookError) as error:
            build_site(project, strict=True)
        assert f"{path.name}:" in str(error.value) and "missing.md" in str(error.value)
        assert (project.site_dir / "index.html").read_bytes() == before


class TestCommand:
    @pytest.fixture()
    def project(self, tmp_path: Path) -> Path:
        write_corpus(tmp_path / "content")
        shutil.copy(REPO_ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
        shutil.copytree(REPO_ROOT / "overrides", tmp_path / "overrides")
        (tmp_path / "tipbook.yml").write_text(
            "site_name: Test Handbook\ncontent_dir: content\nsite_dir: public\n"
        )
        return tmp_path

    def run(self, project: Path, *args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["--config", str(project / "tipbook.yml"), *args])

    def test_build_and_site_dir_option(self, project: Path) -> None:
        result = self.run(project, "build")
        assert result.exit_code == 0, result.output
        assert f"for {len(TIPS)} tips" in result.output
        assert "Test Handbook" in (project / "public" / "index.html").read_text()
        other = project / "elsewhere"
        assert self.run(project, "build", "--site-dir", str(other)).exit_code == 0
        assert (other / "index.html").is_file()

    def test_held_back_tip_is_reported_and_strict_fails(self, project: Path) -> None:
        path = next(project.glob("content/tips/*/*-own-the-mistake.md"))
        path.write_text(path.read_text().replace("  - apology\n", "  - apologies\n"))
        result = self.run(project, "build")
        assert result.exit_code == 0, result.output
        assert f"{path.name}:" in result.output and "apologies" in result.output
        assert "Held back: 1 tip(s)" in result.output
        strict = self.run(project, "build", "--strict")
        assert strict.exit_code == 1
        assert f"{path.name}:" in strict.output and "Traceback" not in strict.output


def test_shipped_content_builds_without_broken_links(
    shipped_site: tuple[Config, BuildResult],
) -> None:
    config, result = shipped_site
    assert result.tips == len(collect_tips(config.content_dir))
    checked, broken = crawl(result.site_dir)
    assert checked and broken == []
    if (REPO_ROOT / "content" / "pages" / "editors-guide.md").is_file():
        home = (result.site_dir / "index.html").read_text()
        assert 'href="pages/editors-guide/"' in home  # in the navigation


def test_synthetic_corpus(tmp_path: Path) -> None:
    from benchmarks.generate import generate_corpus

    tips = generate_corpus(tmp_path / "content", 60)
    config = dataclasses.replace(site_config(tmp_path))
    result = build_site(config)
    assert result.tips == len(tips)
    collection = collect_tips(config.content_dir)
    for theme_id, members in collection.by_theme.items():
        items = html_of(result.site_dir, f"themes/{theme_id}").select("ul.tb-list li")
        assert len(items) == len(members)
    checked, broken = crawl(result.site_dir)
    assert checked > 1000 and broken == []


def test_preview_serves_drafts_and_rebuilds_an_edited_tip(tmp_path: Path) -> None:
    import threading
    import time

    import httpx

    from tipbook.site.preview import make_preview_server

    write_corpus(tmp_path / "content")
    config = site_config(tmp_path)
    server, builder, site = make_preview_server(config, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve, daemon=True)  # binds, watches, serves
    thread.start()
    try:
        while not server.serve_thread.is_alive():
            time.sleep(0.05)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        home = httpx.get(base, timeout=10)
        assert home.status_code == 200 and "A Tip From the Future" in home.text
        assert "livereload" in home.text  # the browser reloads itself after a rebuild
        # The search box asks tipbook's own search here too, drafts and scheduled tips found.
        found = httpx.get(base + "api/search", params={"q": "future"}, timeout=30)
        assert found.status_code == 200
        assert "A Tip From the Future" in [hit["title"] for hit in found.json()["hits"]]
        assert httpx.get(base + "api/search", timeout=10).status_code == 400

        path = next(config.content_dir.glob("tips/*/*-own-the-mistake.md"))
        untouched = site / "tips/2023/2023-11-14-the-first-step/index.html"
        before = untouched.stat().st_mtime_ns
        static_search = site / "pagefind/0/pagefind-entry.json"
        builder.settle()  # the first build's static search index is written in the background
        indexed = static_search.stat().st_mtime_ns
        path.write_text(path.read_text().replace("marmalade", "gooseberry"))
        url = base + "tips/2024/2024-02-06-own-the-mistake/"
        deadline = time.monotonic() + 30
        while builder.builds < 2 or "gooseberry" not in httpx.get(url, timeout=10).text:
            assert time.monotonic() < deadline, "the preview did not rebuild the edited tip"
            time.sleep(0.2)
        assert builder.builds == 2
        assert untouched.stat().st_mtime_ns == before  # only the edited tip was rendered

        # The search box's index follows in the background.
        def mtime() -> int:  # the bundle is swapped for the new one while we look
            return static_search.stat().st_mtime_ns if static_search.exists() else indexed

        while mtime() == indexed:
            assert time.monotonic() < deadline, "the preview did not re-index the tips"
            time.sleep(0.2)
    finally:
        server.shutdown(wait=True)
        thread.join(timeout=10)
        builder.settle()
        shutil.rmtree(site, ignore_errors=True)


def test_two_process_build_writes_the_same_site(tmp_path: Path, corpus_site: BuiltCorpus) -> None:
    """The worker process's pages are byte-identical to a one-process build's."""
    from tipbook.site import parallel

    serial = corpus_site.site_dir  # built in one process: the corpus is under MIN_PAGES
    assert len(list(serial.rglob("index.html"))) < parallel.MIN_PAGES
    report = build_with_worker(corpus_site.root, site_dir=tmp_path / "forked")
    forked = Path(report["site_dir"])

    def files(site: Path) -> dict[str, bytes]:
        return {
            p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()
        }

    # Pagefind (the static search index) names its chunks by content hashes that vary
    # from run to run, and the served index its generation by the time; both builds index
    # the same pages.
    one, two = files(serial), files(forked)
    for site in (one, two):
        for name in [name for name in site if name.startswith(".tipbook-search/")]:
            del site[name]
    for site in (one, two):
        entry = json.loads(site["pagefind/0/pagefind-entry.json"])
        assert entry["languages"]["en"]["page_count"] == len(TIPS)
        for name in [name for name in site if name.startswith("pagefind/")]:
            del site[name]
    assert one.keys() == two.keys()
    index = "search/search_index.json"
    differ = [name for name in one if one[name] != two[name] and name != index]
    assert differ == []
    # The search index holds the same entries (in another order).
    entries = [
        sorted(json.dumps(d, sort_keys=True) for d in json.loads(s[index])["docs"])
        for s in (one, two)
    ]
    assert entries[0] == entries[1]


def test_two_process_build_holds_back_tips_with_a_broken_link(tmp_path: Path) -> None:
    write_corpus(tmp_path / "content")
    config = site_config(tmp_path)
    broken = sorted(config.content_dir.glob("tips/*/*.md"))[::2]
    for path in broken:
        path.write_text(path.read_text() + "\nSee [nothing](missing.md).\n")
    result = build_with_worker(tmp_path)  # forks its worker, in a fresh process
    assert result["tips"] == len(TIPS) - len(broken)
    assert result["held_back"] == len(broken)
    checked, dangling = crawl(Path(result["site_dir"]))
    assert checked and dangling == []
