"""The site's library, without a build: collecting, grouping, cross-linking, page lists."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from site_corpus import EXCERPT_TITLE, FUTURE, SERIES, TIPS, TODAY, write_corpus

from tipbook.content import dumps_tip, save_tip
from tipbook.errors import ContentError
from tipbook.model import Tip
from tipbook.site import pages
from tipbook.site.collect import Collection, collect_tips
from tipbook.site.crosslink import related_map


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("collect") / "content"
    write_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def collection(content: Path) -> Collection:
    return collect_tips(content, today=TODAY)


@pytest.fixture(scope="module")
def related(collection: Collection) -> dict[str, list[str]]:
    return related_map(collection)


def by_title(collection: Collection, title: str) -> Tip:
    return next(t for t in collection.tips if t.title == title)


class TestCollect:
    def test_drafts_and_future_tips_are_left_out(self, collection: Collection) -> None:
        titles = {t.title for t in collection.tips}
        assert titles == {title for title, _, _ in TIPS}

    def test_drafts_option_includes_them(self, content: Path) -> None:
        everything = collect_tips(content, drafts=True, today=TODAY)
        assert len(everything) == len(TIPS) + 2
        assert everything.latest is not None and everything.latest.date == FUTURE
        assert everything.this_week is None  # scheduled, not this week's

    def test_newest_first_and_this_week(self, collection: Collection, content: Path) -> None:
        dates = [t.date for t in collection.tips]
        assert dates == sorted(dates, reverse=True)
        assert collection.latest is not None and collection.latest.title == TIPS[0][0]
        # TODAY is the Friday of the week after the newest tip: it is not this week's.
        assert collection.this_week is None
        newest = collection.latest.date
        for day in (newest, newest + dt.timedelta(days=5)):  # Tuesday, Sunday
            week = collect_tips(content, today=day).this_week  # Monday to Sunday
            assert week is not None and week.title == TIPS[0][0], day
        assert collect_tips(content, today=newest + dt.timedelta(days=6)).this_week is None

    def test_groups_by_theme_newest_first(self, collection: Collection) -> None:
        assert list(collection.by_theme) == collection.taxonomy.ids
        expected = [title for title, themes, _ in TIPS if "empathy" in themes]
        assert [t.title for t in collection.by_theme["empathy"]] == expected
        assert sum(len(v) for v in collection.by_theme.values()) == sum(len(t) for _, t, _ in TIPS)

    def test_groups_by_year_and_tag(self, collection: Collection) -> None:
        assert list(collection.by_year) == [2024, 2023]
        assert sum(len(v) for v in collection.by_year.values()) == len(TIPS)
        assert len(collection.by_tag["service"]) == len(TIPS)
        assert [t.title for t in collection.by_tag["apology"]] == [
            "Own the Mistake",
            "Say Sorry Like You Mean It",
        ]

    def test_previous_and_next_by_date(self, collection: Collection) -> None:
        middle = by_title(collection, "Own the Mistake")
        assert collection.newer(middle).title == "Listen Before You Answer"  # type: ignore[union-attr]
        assert collection.older(middle).title == "Hand Off Warmly"  # type: ignore[union-attr]
        assert collection.newer(collection.tips[0]) is None
        assert collection.older(collection.tips[-1]) is None

    def test_series_in_part_order(self, collection: Collection) -> None:
        (info,) = collection.series.values()
        assert info.name == SERIES and info.slug == "customer-for-life"
        assert [t.title for t in info.parts] == [
            "The First Step",
            "The Second Step",
            "The Third Step",
        ]
        position = collection.series_position(by_title(collection, "The Second Step"))
        assert position is not None and position.label == "Part 2 of 3"
        assert position.previous.title == "The First Step"  # type: ignore[union-attr]
        assert position.next.title == "The Third Step"  # type: ignore[union-attr]
        first = collection.series_position(by_title(collection, "The First Step"))
        assert first is not None and first.previous is None
        assert collection.series_position(by_title(collection, "Own the Mistake")) is None

    def test_unknown_theme_holds_the_tip_back(self, tmp_path: Path, content: Path) -> None:
        folder = tmp_path / "content"
        folder.mkdir()
        (folder / "themes.yml").write_text((content / "themes.yml").read_text())
        path, _ = save_tip(folder, Tip(title="Oops", date=dt.date(2024, 1, 2), themes=["empaty"]))
        save_tip(folder, Tip(title="Fine", date=dt.date(2024, 1, 9), summary="S", themes=[]))
        collection = collect_tips(folder, today=TODAY)
        assert [tip.title for tip in collection.tips] == ["Fine"]
        (held,) = collection.withheld
        assert held.shown.endswith(path.name)
        assert "unknown-theme" in {problem.rule for problem in held.errors}

    def test_bad_front_matter_holds_the_file_back(self, tmp_path: Path, content: Path) -> None:
        folder = tmp_path / "content"
        (folder / "tips" / "2024").mkdir(parents=True)
        (folder / "themes.yml").write_text((content / "themes.yml").read_text())
        bad = folder / "tips" / "2024" / "2024-01-02-bad.md"
        bad.write_text("---\ntitle: Bad: colon\ndate: 2024-01-02\n---\nBody\n")
        collection = collect_tips(folder, today=TODAY)
        (held,) = collection.withheld
        assert held.tip is None and held.shown.endswith("2024-01-02-bad.md")
        assert {problem.rule for problem in held.errors} == {"front-matter"}

    def test_a_broken_theme_list_still_fails(self, tmp_path: Path) -> None:
        folder = tmp_path / "content"
        folder.mkdir()
        (folder / "themes.yml").write_text("[broken\n")
        with pytest.raises(ContentError) as error:
            collect_tips(folder)
        assert "themes.yml" in str(error.value)


class TestRelated:
    def test_five_related_never_itself_and_deterministic(
        self, collection: Collection, related: dict[str, list[str]]
    ) -> None:
        assert set(related) == {t.id for t in collection.tips}
        for tip_id, others in related.items():
            assert len(others) == 5
            assert tip_id not in others and len(set(others)) == 5
            assert all(collection.get(other) is not None for other in others)
        assert related_map(collection) == related

    def test_related_only_among_published_tips(self, related: dict[str, list[str]]) -> None:
        linked = {other for others in related.values() for other in others}
        assert not any("draft" in i or "future" in i for i in linked)


class TestPages:
    def test_urls_between_pages(self) -> None:
        assert pages.page_url("index.md") == ""
        assert pages.page_url("themes/index.md") == "themes/"
        assert pages.page_url("tips/2024/2024-02-20-x.md") == "tips/2024/2024-02-20-x/"
        assert pages.url("themes/empathy.md", "tips/2024/a.md") == "../../tips/2024/a/"
        assert pages.url("tips/2024/a.md", "index.md") == "../../../"
        assert pages.url("index.md", "themes/index.md") == "themes/"
        assert pages.url("themes/index.md", "themes/empathy.md") == "../themes/empathy/"
        assert pages.url("index.md", "index.md") == "./"

    def test_tip_page(self, collection: Collection, related: dict[str, list[str]]) -> None:
        tip = by_title(collection, "The Second Step")
        spec = pages.tip_page(collection, tip, related[tip.id])
        text = spec.full_markdown
        assert text.startswith("# The Second Step\n")
        assert (
            '<div class="admonition tip" role="note" aria-label="Takeaway">\n'
            '<p class="admonition-title">Takeaway</p>\n<p>The Second Step — every time.</p>'
        ) in spec.markdown  # in the Markdown itself, not a fragment: search indexes it
        assert "Customer for Life · Part 2 of 3" in text
        assert 'href="../../../tips/2023/2023-11-14-the-first-step/"' in text  # previous part
        assert 'href="../../../series/customer-for-life/"' in text
        assert text.count('class="tb-list tb-related"') == 1
        for other in related[tip.id]:
            assert f"/{other}/" in text
        assert 'href="../../../themes/retention/" class="tb-chip"' in text
        assert 'href="https://cssamerica.com/6-tip/"' in text and "Read the original" in text
        assert spec.meta["tags"] == ["service", "retention"]
        # The furniture is a fragment: the Markdown MkDocs renders holds placeholders only.
        assert "Related tips" not in spec.markdown and "Related tips" in text

    def test_excerpt_only_tip_says_so(self, collection: Collection) -> None:
        tip = by_title(collection, EXCERPT_TITLE)
        text = pages.tip_page(collection, tip, []).full_markdown
        assert "Excerpt only" in text and tip.source in text
        plain = pages.tip_page(collection, by_title(collection, "Own the Mistake"), [])
        assert "Excerpt only" not in plain.full_markdown

    def test_list_pages(self, collection: Collection) -> None:
        specs = {spec.src_uri: spec for spec in pages.list_pages(collection, "Handbook")}
        for theme_id in collection.taxonomy.ids:
            assert f"themes/{theme_id}.md" in specs
        chapter = specs["themes/empathy.md"].full_markdown
        assert "3 tips, newest first." in chapter
        first, second = (chapter.index(t) for t in ("Listen Before You Answer", "Notice the"))
        assert first < second
        home = specs["index.md"].full_markdown
        assert "Latest tip · <time" in home and "This week" not in home
        assert "Listen Before You Answer" in home and "Read the latest tip" in home
        card = '<a href="themes/empathy/">Empathy</a></strong> <span class="tb-count">3 tips'
        assert card in home
        archive = specs["archive/index.md"].full_markdown
        assert archive.index("## 2024") < archive.index("## 2023")
        assert archive.count("<li>") == len(TIPS)  # every tip, on one page
        assert archive.index('<h3 id="2024-02">February 2024</h3>') < archive.index(
            '<h3 id="2024-01">January 2024</h3>'
        )
        series = specs["series/customer-for-life.md"].markdown
        assert series.index("1. [The First Step]") < series.index("3. [The Third Step]")
        assert all(spec.meta.get("search", {}).get("exclude") for spec in specs.values())

    def test_home_says_this_weeks_tip_only_in_its_week(self, content: Path) -> None:
        newest = dt.date(2024, 2, 20)  # the corpus's newest tip, a Tuesday
        home = html.unescape(
            pages.home_page(collect_tips(content, today=newest), "H").full_markdown
        )
        assert "This week's tip · <time" in home and "Read this week's tip" in home
        home = pages.home_page(collect_tips(content, today=dt.date(2024, 2, 26)), "H")
        assert "This week" not in home.full_markdown
        assert 'Latest tip · <time class="tb-date" datetime="2024-02-20">' in home.full_markdown

    def test_takeaway_is_not_repeated_by_the_last_paragraph(self, collection: Collection) -> None:
        tip = by_title(collection, "Own the Mistake")
        takeaway = "Own the mistake, not the excuse — every time."
        endings = [
            "Own the mistake, not the excuse — every time.",
            "**Own the mistake**, not the excuse:   every\ntime!",  # spacing, marks differ
        ]
        for ending in endings:
            twice = tip.with_changes(takeaway=takeaway, body=f"{tip.body}\n\n{ending}")
            markdown = pages.tip_page(collection, twice, []).markdown
            assert markdown.count("not the excuse") == 1, ending
            assert tip.body.splitlines()[0] in markdown  # the rest of the body stays
        # A closing line that says something else, or a body that is only the takeaway, stays.
        other = tip.with_changes(takeaway=takeaway, body=f"{tip.body}\n\nOwn the mistake.")
        assert "\nOwn the mistake.\n" in pages.tip_page(collection, other, []).markdown
        assert pages.without_repeated_takeaway(takeaway, takeaway) == takeaway
        assert pages.without_repeated_takeaway("One.\n\nTwo.", "") == "One.\n\nTwo."

    def test_chips_show_tags_that_are_not_chapters(self, collection: Collection) -> None:
        tip = by_title(collection, "Own the Mistake").with_changes(
            themes=["apology", "retention"],
            tags=["apology", "Customer Retention", "loyalty", "complaints", "Front desk"],
        )
        # "apology" is a chapter, "Customer Retention" a chapter's title, "loyalty" and
        # "complaints" map onto its chapters in themes.yml: only "Front desk" adds something.
        assert pages.own_tags(collection, tip) == ["Front desk"]
        meta = pages.tip_page(collection, tip, []).fragments
        row = next(f for f in meta.values() if 'class="tb-meta"' in f)
        assert row.count('class="tb-chip"') == 2 and row.count('class="tb-chip tb-tag"') == 1
        assert 'href="../../../tags/#tag:front-desk"' in row

    def test_nav_keeps_tips_out(self, collection: Collection) -> None:
        nav = pages.nav_config([("Editors' guide", "pages/editors-guide.md")], collection)
        flat = str(nav)
        assert "tips/" not in flat and "pages/editors-guide.md" in flat
        assert len(nav) == 6

    def test_atom_feed(self, collection: Collection) -> None:
        feed = ET.fromstring(pages.atom_feed(collection, "Handbook", "https://example.org/hb/"))
        ns = {"a": "http://www.w3.org/2005/Atom"}
        entries = feed.findall("a:entry", ns)
        assert len(entries) == len(TIPS)
        first = entries[0]
        assert first.findtext("a:title", namespaces=ns) == TIPS[0][0]
        link = first.find("a:link", ns)
        assert link is not None
        assert (
            link.get("href")
            == "https://example.org/hb/tips/2024/2024-02-20-listen-before-you-answer/"
        )

    def test_markdown_text_is_escaped(self, collection: Collection, tmp_path: Path) -> None:
        tip = Tip(title="Use *stars* & <tags> [safely]", date=dt.date(2024, 1, 2))
        assert "\\*stars\\* &amp; &lt;tags> \\[safely\\]" in pages.md_text(tip.title)
        assert "title: Use *stars*" in dumps_tip(tip)
