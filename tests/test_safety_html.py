"""Safety: only safe HTML reaches a page, whatever the source.

The hostile corpus (tests/fixtures/hostile/corpus.yml: tip bodies, every front-matter
field, posts scraped from a loopback server) is built into a real site, in one process and
in two (the forked worker renders most tip pages); every published file is then parsed:
no script, event handler or script URL from content, front-matter values shown as the text
they are, feed and search index safe. The safe subset tips need still renders.
"""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from fresh_build import build_with_worker
from hostile_corpus import (
    FIELDS,
    HOSTILE_THEME,
    SAFE_TITLE,
    gate_open,
    hostile_site_config,
    hostile_tips,
    load_corpus,
    scrape_hostile,
    vector_count,
    write_hostile_content,
)

from tipbook import sanitize
from tipbook.content import iter_tip_files, load_tip
from tipbook.model import Tip
from tipbook.site import build_site, pages
from tipbook.site.collect import Collection, collect_tips

pytestmark = pytest.mark.slow

SITE_NAME = "Customer Service Tip of the Week"
SCRIPT_SCHEMES = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.IGNORECASE)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster")
# Material's own script link: the search box's "share" button (partials/search.html).
MATERIAL_JS_LINK = "javascript:void(0)"
PAYLOAD_MARK = re.compile(r"alert\(|__xss|msgbox\(")


@pytest.fixture(scope="session")
def hostile_content(
    tmp_path_factory: pytest.TempPathFactory, offhost_server
) -> tuple[Path, list[str]]:  # type: ignore[no-untyped-def]
    """The corpus as a content folder: hand-written hostile tips and scraped hostile posts."""
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    write_hostile_content(content)
    urls, report = scrape_hostile(root / "posts", content, offhost_server)
    assert report.ok
    return content, urls


@pytest.fixture(scope="session", params=["one process", "two processes"])
def hostile_site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    hostile_content: tuple[Path, list[str]],
) -> Path:
    """The corpus built as a site, in one process or with the forked worker."""
    root = tmp_path_factory.mktemp("hostile-site")
    content, _ = hostile_content
    if request.param == "two processes":
        # This process runs the hostile web server's thread, and a build never forks beside
        # a live thread (`parallel.may_fork`): the two-process build runs in a fresh process.
        report = build_with_worker(root, hostile=True, content=content)
        THREADS_AT_FORK[root / "site"] = report["threads_at_fork"]
        return root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIPBOOK_BUILD_PROCESSES", "1")
        with gate_open():
            build_site(hostile_site_config(root, content))
    return root / "site"


# Per site built with the worker: the threads alive at each fork.
THREADS_AT_FORK: dict[Path, list[list[str]]] = {}


def test_the_worker_forks_while_no_pagefind_thread_runs(hostile_site: Path) -> None:
    """Python documents a fork with live threads as unsafe (the child inherits locks that no
    thread will release): the static search's Pagefind thread starts after the fork."""
    if hostile_site not in THREADS_AT_FORK:
        pytest.skip("this site was built in one process")
    forks = THREADS_AT_FORK[hostile_site]
    assert forks, "the build never forked its worker"
    assert all("tipbook-pagefind" not in names for names in forks), forks
    assert (hostile_site / "pagefind").is_dir()  # and Pagefind did run


def html_files(site: Path) -> Iterator[Path]:
    return iter(sorted(site.rglob("*.html")))


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_corpus_holds_every_kind_of_vector() -> None:
    corpus = load_corpus()
    assert vector_count() >= 50
    bodies = "\n".join(corpus["body"])
    for needle in ("<script", "onerror", "<iframe srcdoc", "ontoggle", "onbegin", "<source"):
        assert needle in bodies
    assert "java&#x73;cript:" in bodies and "{: onfocus=" in bodies
    assert any("<img src=x\nonerror" in body for body in corpus["body"])  # split over lines
    assert "example.com/a)<img" in bodies  # a link whose URL holds `)`
    for field in FIELDS:
        assert corpus[field], field
    scraped = json.dumps(corpus["scraped"])
    assert "a)<img" in scraped and "{: onfocus" in scraped and "&lt;img" in scraped


def test_no_script_handler_or_script_link_is_published(hostile_site: Path) -> None:
    problems = []
    files = list(html_files(hostile_site))
    assert len(files) > 90
    for path in files:
        shown = path.relative_to(hostile_site).as_posix()
        soup = soup_of(path)
        for element in soup.find_all(True):
            for name, value in element.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                if name.lower().startswith("on"):
                    problems.append(f"{shown}: <{element.name} {name}>")
                scripted = name.lower() in URL_ATTRIBUTES and SCRIPT_SCHEMES.match(text)
                if scripted and text != MATERIAL_JS_LINK:
                    problems.append(f"{shown}: <{element.name} {name}={text!r}>")
        for script in soup.find_all("script"):
            if PAYLOAD_MARK.search(script.get_text()):
                problems.append(f"{shown}: <script>{script.get_text()[:60]}")
        content = soup.select_one(".md-content")
        if content is not None and shown == "search/index.html":
            # The search page's form is the template's (overrides/tipbook-search.html), after
            # the page's own content, which must hold none.
            for form in content.select("form.tb-search-page"):
                form.decompose()
        if content is not None:
            for tag in content.find_all(["script", "iframe", "object", "embed", "svg", "form"]):
                problems.append(f"{shown}: <{tag.name}> in the page's content")
            for tag in content.find_all(["base", "meta", "link", "style", "input", "textarea"]):
                problems.append(f"{shown}: <{tag.name}> in the page's content")
            # Material finds its own elements (`#__config`, its settings) by these ids.
            for tag in content.find_all(id=re.compile("^__")):
                problems.append(f"{shown}: <{tag.name} id={tag['id']!r}> in the page's content")
            for tag in content.find_all(style=True):
                if not re.fullmatch("text-align:(left|right|center|justify)", tag["style"]):
                    problems.append(f"{shown}: <{tag.name} style={tag['style']!r}>")
    assert problems == []


def _tip_page(site: Path, collection: Collection, tip: Tip) -> BeautifulSoup:
    return soup_of(site / pages.page_url(collection.src_uri(tip)) / "index.html")


@pytest.fixture(scope="session")
def collection(hostile_content: tuple[Path, list[str]]) -> Collection:
    with gate_open():
        return collect_tips(hostile_content[0])


def test_front_matter_values_are_shown_as_the_text_they_are(
    hostile_site: Path, collection: Collection
) -> None:
    """Title (header, <title>, neighbours' footer links, lists), summary (<meta>), takeaway,
    tags, series name and source: each shows exactly its own text, nothing more or less."""
    checked = 0
    for tip in collection.tips:
        soup = _tip_page(hostile_site, collection, tip)
        assert soup.title is not None and soup.title.get_text() == f"{tip.title} - {SITE_NAME}"
        article = soup.select_one("article")
        assert article is not None and article.h1 is not None
        assert article.h1.get_text() == tip.title
        description = soup.find("meta", attrs={"name": "description"})
        assert description is not None and description["content"] == tip.summary
        if tip.takeaway:
            callout = article.select_one(".admonition.tip p:not(.admonition-title)")
            assert callout is not None and callout.get_text().strip() == tip.takeaway
        shown_tags = [a.get_text() for a in soup.select("nav.md-tags .md-tag")]
        # Material lists a page's tags once each, sorted by name as its meta holds them
        # (escaped: the tags plugin's default `tags_sort_by`).
        assert shown_tags == sorted(set(tip.tags), key=sanitize.escape)
        footer = {
            a.get("rel", [""])[0] or a["class"][-1]: a.select_one(".md-ellipsis").get_text().strip()
            for a in soup.select("a.md-footer__link")
        }
        older, newer = collection.older(tip), collection.newer(tip)
        if older is not None:
            assert footer["md-footer__link--prev"] == older.title
        if newer is not None:
            assert footer["md-footer__link--next"] == newer.title
        if tip.series is not None:
            box = soup.select_one(".tb-series .admonition-title")
            assert box is not None and box.get_text().startswith(f"{tip.series.name} · Part")
        if tip.source:
            button = soup.select_one("a.tb-original")
            assert button is not None and button["href"] == tip.source
        checked += 1
    assert checked == len(collection.tips) > 80


def test_series_and_tags_pages_show_names_as_text(
    hostile_site: Path, collection: Collection
) -> None:
    corpus = load_corpus()
    for name in corpus["series"]:
        info = next(s for s in collection.series.values() if s.name == name)
        soup = soup_of(hostile_site / pages.page_url(pages.series_uri(info.slug)) / "index.html")
        assert soup.title is not None and soup.title.get_text() == f"{name} - {SITE_NAME}"
        assert soup.select_one("article h1").get_text() == name  # type: ignore[union-attr]
    tags_page = soup_of(hostile_site / "tags" / "index.html")
    listed = {span.get_text() for span in tags_page.select("article h2 .md-tag")}
    assert set(corpus["tags"]) <= listed
    titles = {a.get_text().strip() for a in tags_page.select("article li a")}
    assert set(corpus["title"]) <= titles


def test_search_index_entries_hold_only_text_and_search_markup(hostile_site: Path) -> None:
    """Material's index (hand-written and generated pages; tips are searched through
    tipbook's engine) holds only text and search markup; the static search index (Pagefind)
    holds each tip's title and text as the text written, never as markup."""
    docs = json.loads((hostile_site / "search" / "search_index.json").read_text())["docs"]
    assert docs
    for doc in docs:
        for html_text in [doc["title"], doc["text"], *doc.get("tags", [])]:
            fragment = BeautifulSoup(f"<div>{html_text}</div>", "lxml").div
            assert fragment is not None
            for element in fragment.find_all(True):
                assert element.name in sanitize.SEARCH_TAGS, (doc["location"], element)
                assert not element.attrs, (doc["location"], element)
    titles = {tip.title for tip in hostile_tips()}
    fragments = list((hostile_site / "pagefind").glob("*/fragment/*.pf_fragment"))
    assert len(fragments) > 80
    for path in fragments:
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")  # Pagefind's own signature
        record = json.loads(data[len(b"pagefind_dcd") :])
        # Text, as written (not escaped twice): the search box escapes it when it shows it.
        title = record["meta"]["title"]
        assert isinstance(title, str) and ("&lt;" not in title or title in titles), title


def test_the_feed_is_well_formed_and_holds_text(tmp_path: Path) -> None:
    """Every hostile front-matter value in the feed (its newest 20 tips), as text."""
    content = tmp_path / "content"
    write_hostile_content(content)
    hostile = [tip for tip in hostile_tips() if not tip.title.startswith("Hostile vector")]
    hostile += [tip for tip in hostile_tips() if tip.summary.startswith(('"', "&"))]
    with gate_open():
        collection = collect_tips(content)
    chosen = Collection(
        [t for t in collection.tips if any(t.id == h.id for h in hostile)], collection.taxonomy
    )
    feed = pages.atom_feed(chosen, '<b>Site</b> "name"', "http://127.0.0.1/", "a\x00b")
    root = ET.fromstring(feed)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.findtext(f"{atom}title") == '<b>Site</b> "name"'
    assert root.findtext(f"{atom}subtitle") == "ab"
    entries = {e.findtext(f"{atom}title"): e for e in root.iter(f"{atom}entry")}
    for tip in chosen.tips[: pages.FEED_COUNT]:
        assert tip.title in entries
        assert entries[tip.title].findtext(f"{atom}summary").startswith(tip.summary)  # type: ignore[union-attr]
    assert not list(root.iter("{http://www.w3.org/1999/xhtml}script"))


def test_scraped_posts_stay_text_and_their_links_stay_links(
    hostile_content: tuple[Path, list[str]], hostile_site: Path, collection: Collection
) -> None:
    content, _ = hostile_content
    scraped = [load_tip(p) for p in iter_tip_files(content) if p.parent.name == "2019"]
    assert len(scraped) == len(load_corpus()["scraped"])
    by_title = {tip.title: tip for tip in scraped}
    # A title with markup stays the text it showed.
    assert "<img src=x onerror=alert(90)> Marked-up title" in by_title
    for tip in scraped:
        assert "<img" not in tip.body and "<script" not in tip.body
        assert "{:" not in tip.body.replace("\\{:", "")  # only escaped attribute lists
        page = _tip_page(hostile_site, collection, collection.get(tip.id))  # type: ignore[arg-type]
        assert page.select_one("article h1").get_text() == tip.title  # type: ignore[union-attr]
    links = {
        a.get_text(): a["href"]
        for tip in scraped
        for a in _tip_page(hostile_site, collection, collection.get(tip.id)).select(  # type: ignore[arg-type]
            "article a"
        )
        if a.get_text() in ("here", "spaced", "angled")
    }
    # The URLs with `)`, a space or `<` are one link each, percent-encoded, not markup.
    assert links == {
        "here": "https://example.com/a%29%3Cimg%20src=x%20onerror=alert%2891%29%3E",
        "spaced": "https://example.com/a%20b%22%20onmouseover=%22alert%2893%29",
        "angled": "https://example.com/%3Cscript%3Ealert%2894%29%3C/script%3E",
    }


def test_the_safe_subset_still_renders(hostile_site: Path, collection: Collection) -> None:
    tip = next(t for t in collection.tips if t.title == SAFE_TITLE)
    article = _tip_page(hostile_site, collection, tip).select_one("article")
    assert article is not None
    assert article.select_one("p em").get_text() == "emphasis"  # type: ignore[union-attr]
    assert article.select_one("p strong").get_text() == "strong words"  # type: ignore[union-attr]
    assert article.select_one("p code").get_text() == "code"  # type: ignore[union-attr]
    heading = article.select_one("h2#a-second-level-heading")
    assert heading is not None and heading.get_text() == "A second-level heading"
    assert article.select_one("h3").get_text() == "A third-level heading"  # type: ignore[union-attr]
    assert [li.get_text(strip=True) for li in article.select("ul:not(.tb-list) > li")][:2] == [
        "first bullet",
        "second bullet",
    ]
    assert [li.get_text(strip=True) for li in article.select("ol > li")] == [
        "first step",
        "second step",
    ]
    quote = article.select_one("blockquote")
    assert quote is not None and quote.get_text().strip() == "A quoted customer said thanks."
    cells = article.select("table td")
    assert [c.get_text() for c in cells] == ["cell a", "cell b"]
    assert cells[0]["style"] == "text-align:left" and cells[1]["style"] == "text-align:right"
    image = article.select_one("img")
    assert image is not None and image["alt"] == "A smiling customer"
    assert image["src"] == "../smile.png"
    assert (hostile_site / "tips" / "2024" / "smile.png").is_file()
    links = {a.get_text(): a for a in article.select("a")}
    assert links["a web page"]["href"] == "https://example.com/page"
    assert links["a web page"]["rel"] == ["noopener"]
    assert links["plain http"]["href"] == "http://example.com/"
    assert links["write to us"]["href"] == "mailto:help@example.com"
    assert links["a relative page"]["href"] == "../../../archive/"
    assert links["an anchor"]["href"] == "#a-second-level-heading"
    # The table of contents lists the headings (text, safely).
    toc = [
        a.get_text().strip()
        for a in _tip_page(hostile_site, collection, tip).select(
            ".md-nav--secondary a.md-nav__link"
        )
    ]
    assert "A second-level heading" in toc


@pytest.mark.parametrize(
    ("html_text", "kept"),
    [
        ("<p>Hi <em>there</em></p>", "<p>Hi <em>there</em></p>"),
        ('<a href="java&#x73;cript:alert(1)">x</a>', '<a rel="noopener">x</a>'),
        ("<img src=x\nonerror=alert(1) alt=a>", '<img src="x" alt="a">'),
        ("<details open ontoggle=alert(1)>x</details>", "x"),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe>ok', "ok"),
        ("<svg><animate onbegin=alert(1)></animate></svg>ok", "ok"),
        (
            '<div class="admonition tip evil" onclick="x">t</div>',
            '<div class="admonition tip">t</div>',
        ),
        ("<h2 id=a style=color:red>H</h2>", '<h2 id="a">H</h2>'),
        ("<h2 id=__config>H</h2>", "<h2>H</h2>"),
        (
            '<table><tr><td style="text-align:expression(alert(1))">a</td>'
            '<td style="text-align: right">b</td></tr></table>',
            '<table><tbody><tr><td>a</td><td style="text-align:right">b</td></tr></tbody></table>',
        ),
    ],
)
def test_the_gate_keeps_the_allowlist_only(html_text: str, kept: str) -> None:
    assert sanitize.body(html_text) == kept


def test_the_gate_never_lets_markup_span_a_kept_placeholder() -> None:
    """An unclosed tag or quote in a tip cannot swallow the furniture placed after it."""
    placeholder = pages.FRAGMENT.format(1)
    html_text = f'<p><a title="open {placeholder}<img src=x onerror=alert(1)>'
    cleaned = sanitize.body(html_text, keep=pages.FRAGMENT_PATTERN)
    before, found, after = cleaned.partition(placeholder)
    assert found and "onerror" not in cleaned
    assert before.count("<") == before.count(">")  # the placeholder is not inside a tag


def test_a_hostile_chapter_and_hand_written_page_stay_text(hostile_site: Path) -> None:
    corpus = load_corpus()
    theme, page = corpus["theme"], corpus["page"]
    chapter = soup_of(hostile_site / "themes" / HOSTILE_THEME / "index.html")
    assert (
        chapter.title is not None and chapter.title.get_text() == f"{theme['title']} - {SITE_NAME}"
    )
    assert chapter.select_one("article h1").get_text() == theme["title"]  # type: ignore[union-attr]
    assert chapter.select_one(".tb-lead").get_text() == theme["description"]  # type: ignore[union-attr]
    home = soup_of(hostile_site / "index.html")
    nav = {a.get_text(" ", strip=True) for a in home.select(".md-nav a, .md-tabs a")}
    assert theme["title"] in nav
    written = soup_of(hostile_site / "pages" / "hostile" / "index.html")
    front = page["front_matter"]
    assert (
        written.title is not None and written.title.get_text() == f"{front['title']} - {SITE_NAME}"
    )
    description = written.find("meta", attrs={"name": "description"})
    assert description is not None and description["content"] == front["description"]
    # Its `template: redirect.html` is ignored: the page is an ordinary page, no redirect.
    assert written.select_one("article") is not None
    assert written.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert front["location"] not in written.decode()
    heading = page["body"].splitlines()[0].removeprefix("# ")
    assert heading in nav  # the navigation names it by its first heading, as text


def test_the_gate_keeps_every_class_tipbook_styles_or_emits() -> None:
    """A class tipbook's pages write (pages.py) or its stylesheet styles must be allowed
    by the gate, or the page silently loses its look (and tests lose their hooks)."""
    from tipbook import sanitize

    root = Path(__file__).resolve().parents[1]
    used = set(re.findall(r"\btb-[a-z0-9-]+", (root / "tipbook/site/pages.py").read_text()))
    css = (root / "overrides/assets/stylesheets/tipbook.css").read_text()
    used |= set(re.findall(r"\.(tb-[a-z0-9-]+)", css))
    # Set by scripts in the browser, after the gate, or written by templates (trusted
    # configuration, never passed through the gate): not page markup.
    used -= {"tb-print-url"}
    for template in (root / "overrides").glob("*.html"):
        used -= set(re.findall(r"\btb-[a-z0-9-]+", template.read_text()))
    allowed = {name for names in sanitize.BODY_CLASSES.values() for name in names}
    assert sorted(used - allowed) == []


def test_a_hand_written_page_keeps_only_front_matter_of_the_types_material_reads() -> None:
    """MkDocs' YAML loader allows aliases: `title: *l9` stood for billions of values and the
    build, turning it into text, ran for minutes and gigabytes. Only text, lists of text
    and the search switches pass; the rest is dropped."""
    laughs = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 7)
    )
    meta = yaml.safe_load(
        laughs + "title: *l6\ndescription: *l6\ntags: *l6\nhide: *l6\nsearch: *l6\nauthor: Ann"
    )
    assert sanitize.page_meta(meta) == {"tags": [], "hide": [], "author": "Ann"}
    meta = {"title": "<b>T</b>", "tags": ["<i>", 3], "hide": ["toc", {}], "search": {"boost": 2}}
    assert sanitize.page_meta(meta) == {
        "title": "&lt;b&gt;T&lt;/b&gt;",
        "tags": ["&lt;i&gt;"],
        "hide": ["toc"],
        "search": {"boost": 2},
    }
