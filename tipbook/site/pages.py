"""The handbook's pages as Markdown: home, chapters, archives, series, tags, tip pages, feed.

Plain library code: every function takes the `Collection` (and the related-tips map) and
returns Markdown with page metadata, so any Material-compatible generator can render it.
Links are relative `.md` links between source paths, which MkDocs checks (a broken one
fails the strict build) and turns into URLs.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from tipbook import model, sanitize
from tipbook.model import Tip
from tipbook.site.collect import Collection, SeriesInfo

HOME = "index.md"
THEMES_INDEX = "themes/index.md"
ARCHIVE_INDEX = "archive/index.md"
SERIES_INDEX = "series/index.md"
TAGS_INDEX = "tags.md"
FEED = "feed.xml"
LATEST_COUNT = 10  # tips in the home page's "latest tips"
FEED_COUNT = 20  # entries in the Atom feed
# Blocks wrapped in this are page furniture (chips, series and related links): Material's
# search skips them, so searching a word finds the tips about it, not every tip page.
NO_SEARCH = "data-search-exclude"
NAV_PAGES = frozenset({HOME, THEMES_INDEX, ARCHIVE_INDEX, SERIES_INDEX, TAGS_INDEX})
LIST_META: dict[str, Any] = {"search": {"exclude": True}}
# Material's tags plugin: the anchor of a tag on the tags index (its `tags_slugify_format`).
TAG_ANCHOR = "tag:{slug}"


FRAGMENT = "<!-- tipbook:fragment:{} -->"
FRAGMENT_PATTERN = re.compile(r"(<!-- tipbook:fragment:\d+ -->)")  # any placeholder


@dataclass(frozen=True)
class PageSpec:
    """One page to render: where it lives (a path below content/), its Markdown and meta.

    Generated furniture (lists of tips, chips, series and related links) is kept out of the
    Markdown as HTML `fragments`: the Markdown holds a placeholder comment for each, and
    `fill` puts them into the rendered page. Python-Markdown parses raw HTML twice over
    (about a millisecond per list entry); a string replacement costs nothing, and the
    search index never sees the furniture.
    """

    src_uri: str
    title: str
    markdown: str
    meta: dict[str, Any] = field(default_factory=dict)
    fragments: dict[str, str] = field(default_factory=dict)

    def fill(self, html_text: str) -> str:
        """Rendered HTML with every fragment placeholder replaced by its fragment."""
        for placeholder, fragment in self.fragments.items():
            html_text = html_text.replace(placeholder, fragment, 1)
        return html_text

    @property
    def full_markdown(self) -> str:
        """The Markdown with the fragments inline (raw HTML), for any other generator."""
        return self.fill(self.markdown)


class _Fragments:
    """Collects a page's HTML fragments and hands out their placeholders."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def __call__(self, html_text: str) -> str:
        placeholder = FRAGMENT.format(len(self.items) + 1)
        self.items[placeholder] = html_text
        return f"\n{placeholder}\n"


def theme_uri(theme_id: str) -> str:
    return f"themes/{theme_id}.md"


def year_uri(year: int) -> str:
    return f"archive/{year:04d}.md"


def series_uri(slug: str) -> str:
    return f"series/{slug}.md"


def page_url(src_uri: str) -> str:
    """The URL of a source page with MkDocs' directory URLs: `themes/empathy.md` →
    `themes/empathy/`, `archive/index.md` → `archive/`, `index.md` → `` (the root)."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return stem.lstrip("/")


def href(from_uri: str, to_uri: str) -> str:
    """A relative Markdown link from one source page to another (MkDocs checks it)."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def url(from_uri: str, to_uri: str) -> str:
    """The relative URL from one page to another, as MkDocs writes it.

    Generated lists and page furniture are written as HTML (see `tip_list`), so they link by
    URL; they are made from the collection itself, so they cannot point at a missing page.
    """
    # Up to the site root, then down to the target: as valid as the shortest path and a
    # string concatenation instead of `posixpath.relpath` (ten links on each tip page).
    target = page_url(to_uri) if to_uri.endswith(".md") else to_uri
    return "../" * page_url(from_uri).count("/") + target or "./"


def md_text(text: str) -> str:
    """Text made safe to put inside Markdown: no accidental emphasis, links, HTML or
    attribute lists (`{: …}`)."""
    text = sanitize.xml_text(text)  # no control characters
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
    for char in "`*_[]()#!{}":
        text = text.replace(char, "\\" + char)
    return text


def esc(text: str) -> str:
    """Text (or an attribute value) made safe inside HTML."""
    return sanitize.escape(text)


def long_date(date: dt.date) -> str:
    """'Tuesday, 13 August 2013' (English whatever the locale)."""
    return f"{_DAYS[date.weekday()]}, {date.day} {_MONTHS[date.month - 1]} {date.year}"


def short_date(date: dt.date) -> str:
    """'13 Aug 2013'."""
    return f"{date.day} {_MONTHS[date.month - 1][:3]} {date.year}"


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _tip_link(collection: Collection, from_uri: str, tip: Tip) -> str:
    return f"[{md_text(tip.title)}]({href(from_uri, collection.src_uri(tip))})"


def _a(from_uri: str, to_uri: str, text: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<a href="{esc(url(from_uri, to_uri))}"{klass}>{esc(text)}</a>'


def _time(date: dt.date, text: str) -> str:
    return f'<time class="tb-date" datetime="{date.isoformat()}">{text}</time>'


def tip_list(
    collection: Collection,
    from_uri: str,
    tips: list[Tip] | tuple[Tip, ...],
    summaries: bool = True,
    css: str = "tb-list",
) -> str:
    """Tips as a list of title links with their date and summary (the lists' one format).

    Written as HTML rather than Markdown: a chapter lists hundreds of tips, and Python-
    Markdown's inline parsing costs about a millisecond per entry; raw HTML passes through.
    """
    items = []
    today = collection.today
    for tip in tips:
        draft = _draft_badge(tip, today)
        summary = ""
        if summaries and tip.summary:
            summary = f'<span class="tb-summary">{esc(tip.summary)}</span>'
        items.append(
            f"<li>{_a(from_uri, collection.src_uri(tip), tip.title)} "
            f"{_time(tip.date, short_date(tip.date))}{draft}{summary}</li>"
        )
    return f'<ul class="{css}">\n' + "\n".join(items) + "\n</ul>"


def _draft_badge(tip: Tip, today: dt.date) -> str:
    """Only in previews: marks a tip readers cannot see yet."""
    if tip.draft:
        return ' <span class="tb-draft-badge">draft</span>'
    if tip.date > today:
        return ' <span class="tb-draft-badge">scheduled</span>'
    return ""


def _admonition(kind: str, title: str, body_html: str, tag: str = "div", label: str = "") -> str:
    """The HTML of a Material admonition (what `!!! kind "title"` renders to).

    With a `label`, screen readers name it: a `div` becomes a labelled note (the takeaway),
    a `nav` a named navigation landmark (the series links).
    """
    attrs = ""
    if label:
        attrs = (' role="note"' if tag == "div" else "") + f' aria-label="{esc(label)}"'
    return (
        f'<{tag} class="admonition {kind}"{attrs}>\n<p class="admonition-title">{esc(title)}</p>\n'
        f"<p>{body_html}</p>\n</{tag}>"
    )


TAKEAWAY = "Takeaway"


def tip_page(collection: Collection, tip: Tip, related: list[str]) -> PageSpec:
    """A tip's page: date, theme chips, takeaway callout, body, series, related, prev/next.

    The furniture around the body is HTML marked `data-search-exclude`, so Material's
    search indexes the tip's own words only.
    """
    uri = collection.src_uri(tip)
    taxonomy = collection.taxonomy
    chips = "".join(
        " " + _a(uri, theme_uri(t), taxonomy.by_id[t].title, "tb-chip")
        for t in dict.fromkeys(tip.themes)
        if t in taxonomy
    )
    # The site's own tags join the same row, only those that are not one of its chapters.
    tags_url = url(uri, TAGS_INDEX)
    for tag in own_tags(collection, tip):
        link = f"{tags_url}#{TAG_ANCHOR.format(slug=tag_slug(tag))}"
        chips += f' <a href="{esc(link)}" class="tb-chip tb-tag">{esc(tag)}</a>'
    frag = _Fragments()
    dated = _time(tip.date, long_date(tip.date))
    parts = [
        f"# {md_text(tip.title)}",
        frag(f'<div class="tb-meta" {NO_SEARCH}>{dated}{chips}</div>'),
    ]
    if tip.excerpt_only:
        link = (
            f' <a href="{esc(tip.source)}">Read the whole tip on the original site.</a>'
            if tip.source
            else ""
        )
        text = "Only an excerpt of this tip survives in the archive." + link
        parts.append(frag(_admonition("info tb-excerpt", "Excerpt only", text)))
    if not tip.is_published():
        # Only previews (`--drafts`) hold such pages: say plainly why readers don't see it yet.
        why = "a draft" if tip.draft else f"scheduled for {long_date(tip.date)}"
        text = f"This tip is {esc(why)}: only previews show it, the published handbook does not."
        notice = "Not published yet"
        parts.append(frag(_admonition("warning tb-draft", notice, text, label=notice)))
    if tip.takeaway:
        # Not a fragment: the takeaway is the tip's own words, so search finds it. Raw HTML,
        # not `!!! tip`: the admonition extension cannot label it for screen readers.
        takeaway = _admonition("tip", TAKEAWAY, esc(tip.takeaway), label=TAKEAWAY)
        parts += ["", takeaway, ""]
    parts += [without_repeated_takeaway(tip.body, tip.takeaway), ""]
    after = [f'<div class="tb-after" {NO_SEARCH}>']
    position = collection.series_position(tip)
    if position is not None:
        info = position.series
        links = []
        if position.previous is not None:
            links.append("← " + _part_link(uri, collection, position.previous, "tb-part-prev"))
        links.append(_a(uri, series_uri(info.slug), "All parts", "tb-series-all"))
        if position.next is not None:
            links.append(_part_link(uri, collection, position.next, "tb-part-next") + " →")
        title = f"{info.name} · {position.label}"
        label = f"Series: {info.name}"
        after.append(_admonition("abstract tb-series", title, " · ".join(links), "nav", label))
    others = [t for t in (collection.get(i) for i in related) if t is not None]
    if others:
        after.append('<nav class="tb-related-nav" aria-label="Related tips">')
        after.append('<p class="tb-heading">Related tips</p>')
        after.append(tip_list(collection, uri, others, False, "tb-list tb-related"))
        after.append("</nav>")
    if tip.source:
        button = f'<a href="{esc(tip.source)}" class="md-button tb-original">Read the original</a>'
        after.append(f"<p>{button}</p>")
    after.append("</div>")
    parts.append(frag("\n".join(after)))
    # Material prints these as HTML (title, description) and lists tags by name: as text.
    meta: dict[str, Any] = {
        "title": sanitize.text(tip.title),
        "description": sanitize.text(tip.summary or tip.takeaway),
    }
    if tip.tags:
        # Kept for Material's tags index; its own row of tags is hidden, as the chips above
        # already show the tags that add something.
        meta["tags"] = [sanitize.escape(tag) for tag in tip.tags]
        meta["hide"] = ["tags"]
    return PageSpec(uri, tip.title, "\n".join(parts), meta, frag.items)


def own_tags(collection: Collection, tip: Tip) -> list[str]:
    """The tip's site tags that say more than its chapters: not a chapter's id or title, and
    not a tag that maps onto one of its chapters (`themes.yml`'s `tags`)."""
    taxonomy = collection.taxonomy
    chapters = {t for t in tip.themes if t in taxonomy}
    names = {n.lower() for t in chapters for n in (t, taxonomy.by_id[t].title)}
    return [
        tag
        for tag in dict.fromkeys(tip.tags)
        if tag.lower() not in names and not set(taxonomy.themes_for_tags([tag])) & chapters
    ]


def tag_slug(tag: str) -> str:
    """The slug Material's tags plugin gives a tag (its default `tags_slugify`)."""
    from pymdownx.slugs import slugify  # Material's own dependency, used the way it uses it

    slug: str = slugify(case="lower")(tag, "-")
    return slug


_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORDS = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    """A text's words, lowercase, with Markdown marks, link targets and punctuation gone."""
    return _WORDS.findall(html.unescape(_LINK_TARGET.sub(" ", text)).lower().replace("_", " "))


def without_repeated_takeaway(body: str, takeaway: str) -> str:
    """The body without its last paragraph when that paragraph only repeats the takeaway
    (same words, whatever the spacing, punctuation or emphasis): the callout shows it.

    Done when the page is rendered, not in the file: the editor's text stays whole, and a
    takeaway edited later never leaves the body without its closing line.
    """
    if not takeaway:
        return body
    cuts = list(_BLANK_LINE.finditer(body))
    if not cuts:
        return body  # the takeaway is the whole body: keep it
    last = cuts[-1]
    if _words(body[last.end() :]) == _words(takeaway):
        return body[: last.start()]
    return body


def _part_link(from_uri: str, collection: Collection, tip: Tip, css: str) -> str:
    part = tip.series.part if tip.series else 0
    return _a(from_uri, collection.src_uri(tip), f"Part {part}: {tip.title}", css)


def theme_cards(collection: Collection, from_uri: str) -> str:
    """The chapters as Material grid cards with their tip counts (the HTML Material's
    `<div class="grid cards" markdown>` renders to, so no page needs md_in_html)."""
    items = []
    for theme in collection.taxonomy:
        count = len(collection.by_theme.get(theme.id, []))
        link = _a(from_uri, theme_uri(theme.id), theme.title)
        items.append(
            f'<li>\n<p><strong>{link}</strong> <span class="tb-count">{_plural(count, "tip")}'
            f"</span></p>\n<hr>\n<p>{esc(theme.description)}</p>\n</li>"
        )
    return '<div class="grid cards tb-cards">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</div>"


def home_page(collection: Collection, site_name: str) -> PageSpec:
    """Home: this week's tip, the chapters as cards, the latest tips and a search box."""
    uri = HOME
    frag = _Fragments()
    parts = [f"# {md_text(site_name)}", ""]
    parts += [
        f'<label class="tb-search" for="__search" {NO_SEARCH}>'
        f"Search {_plural(len(collection), 'tip')} by any word…</label>",
        "",
    ]
    week = collection.latest
    if week is not None:
        target = collection.src_uri(week)
        label, read = _featured_label(collection, week)
        box = [
            '<div class="tb-week">',
            f'<p class="tb-eyebrow">{label} · {_time(week.date, long_date(week.date))}</p>',
            f"<h2>{_a(uri, target, week.title)}</h2>",
        ]
        if week.summary:
            box.append(f"<p>{esc(week.summary)}</p>")
        if week.takeaway:
            box.append(_admonition("tip", TAKEAWAY, esc(week.takeaway), label=TAKEAWAY))
        button = _a(uri, target, read, "md-button md-button--primary")
        box += [f"<p>{button}</p>", "</div>"]
        parts.append(frag("\n".join(box)))
    else:
        parts += ["No tips have been published yet.", ""]
    parts += ["## Chapters", frag(theme_cards(collection, uri))]
    latest = collection.tips[:LATEST_COUNT]
    if latest:
        parts += ["## Latest tips", frag(tip_list(collection, uri, latest))]
    parts += [
        f"Browse [every tip]({href(uri, ARCHIVE_INDEX)}) by year and month, "
        f"[by series]({href(uri, SERIES_INDEX)}) or [by tag]({href(uri, TAGS_INDEX)}), "
        f"or follow new tips with the [feed]({FEED}).",
        "",
    ]
    meta = {"hide": ["navigation", "toc"], **LIST_META}
    return PageSpec(uri, site_name, "\n".join(parts), meta, frag.items)


def _featured_label(collection: Collection, tip: Tip) -> tuple[str, str]:
    """The home page's words for its newest tip: "This week's tip" only when it is."""
    if tip.date > collection.today:  # previews: not published yet
        return "Next tip, scheduled", "Read the next tip"
    if collection.this_week is tip:
        return "This week's tip", "Read this week's tip"
    return "Latest tip", "Read the latest tip"


def themes_index_page(collection: Collection) -> PageSpec:
    uri = THEMES_INDEX
    frag = _Fragments()
    text = "\n".join(
        [
            "# Chapters",
            "",
            "Every tip belongs to one or more chapters of the handbook.",
            frag(theme_cards(collection, uri)),
        ]
    )
    return PageSpec(uri, "Chapters", text, dict(LIST_META), frag.items)


def theme_page(collection: Collection, theme_id: str) -> PageSpec:
    """A chapter: the theme's description, then every tip of the theme, newest first."""
    theme = collection.taxonomy.by_id[theme_id]
    uri = theme_uri(theme_id)
    tips = collection.by_theme.get(theme_id, [])
    frag = _Fragments()
    parts = [
        f"# {md_text(theme.title)}",
        "",
        f'<p class="tb-lead">{esc(theme.description)}</p>',
        "",
        f'<p class="tb-count">{_plural(len(tips), "tip")}, newest first.</p>',
        "",
        frag(tip_list(collection, uri, tips)) if tips else "No tips in this chapter yet.",
    ]
    return PageSpec(uri, theme.title, "\n".join(parts), dict(LIST_META), frag.items)


def archive_index_page(collection: Collection) -> PageSpec:
    """Every tip on one page, newest first, by year and month: title, date and chapters.

    One line of HTML per tip (no summary: the year pages have those), so the page stays
    about 220 bytes a tip (1.1 MB at 5,000 tips, far less gzipped), linear in the tips.
    """
    uri = ARCHIVE_INDEX
    frag = _Fragments()
    parts = [
        "# Archive",
        "",
        f'<p class="tb-count">{_plural(len(collection), "tip")}, newest first, by year and '
        "month. Each year's page adds every tip's summary.</p>",
        "",
    ]
    for year, tips in collection.by_year.items():
        parts += [
            f"## {year}",
            "",
            f'<p class="tb-count">{_plural(len(tips), "tip")} · '
            f"{_a(uri, year_uri(year), f'{year} with summaries')}</p>",
            frag(archive_list(collection, uri, tips)),
        ]
    return PageSpec(uri, "Archive", "\n".join(parts) + "\n", dict(LIST_META), frag.items)


def archive_list(collection: Collection, from_uri: str, tips: list[Tip]) -> str:
    """Tips (newest first) under a heading per month: title link, date and chapters."""
    chapter_names = {theme.id: esc(theme.title) for theme in collection.taxonomy}
    today = collection.today
    out: list[str] = []
    month: tuple[int, int] | None = None
    for tip in tips:
        if (tip.date.year, tip.date.month) != month:
            if month is not None:
                out.append("</ul>")
            month = (tip.date.year, tip.date.month)
            name = f"{_MONTHS[tip.date.month - 1]} {tip.date.year}"
            out.append(f'<h3 id="{tip.date:%Y-%m}">{name}</h3>\n<ul class="tb-archive">')
        chapters = " · ".join(
            chapter_names[t] for t in dict.fromkeys(tip.themes) if t in chapter_names
        )
        out.append(
            f"<li>{_a(from_uri, collection.src_uri(tip), tip.title)} "
            f'<time datetime="{tip.date.isoformat()}">{tip.date.day} '
            f"{_MONTHS[tip.date.month - 1][:3]}</time>{_draft_badge(tip, today)}"
            # Bare tags styled by the list's class: 5,000 lines, each byte counts.
            + (f" <small>{chapters}</small>" if chapters else "")
            + "</li>"
        )
    if month is not None:
        out.append("</ul>")
    return "\n".join(out)


def year_page(collection: Collection, year: int) -> PageSpec:
    uri = year_uri(year)
    tips = collection.by_year[year]
    frag = _Fragments()
    parts = [
        f"# {year}",
        "",
        f'<p class="tb-count">{_plural(len(tips), "tip")}, newest first · '
        f"{_a(uri, ARCHIVE_INDEX, 'All years')}</p>",
        "",
        frag(tip_list(collection, uri, tips)),
    ]
    return PageSpec(uri, str(year), "\n".join(parts), dict(LIST_META), frag.items)


def series_index_page(collection: Collection) -> PageSpec:
    uri = SERIES_INDEX
    parts = ["# Series", "", "Tips that build on each other, in order.", ""]
    if not collection.series:
        parts.append("No series yet.")
    for info in collection.series.values():
        parts.append(
            f"- [{md_text(info.name)}]({href(uri, series_uri(info.slug))}) "
            f'<span class="tb-count">{_plural(len(info.parts), "part")}</span>'
        )
    return PageSpec(uri, "Series", "\n".join(parts) + "\n", dict(LIST_META))


def series_page(collection: Collection, info: SeriesInfo) -> PageSpec:
    """A series: its parts in part order."""
    uri = series_uri(info.slug)
    parts = [f"# {md_text(info.name)}", "", f"A series in {_plural(info.total, 'part')}.", ""]
    for tip in info.parts:
        part = tip.series.part if tip.series else 0
        parts.append(
            f"{part}. {_tip_link(collection, uri, tip)} "
            f'<span class="tb-date">{short_date(tip.date)}</span>'
        )
    return PageSpec(uri, info.name, "\n".join(parts) + "\n", dict(LIST_META))


def tags_index_page() -> PageSpec:
    """The tags index: Material's tags plugin fills in the listing at its marker."""
    text = "# Tags\n\nEvery tag, with the tips that carry it.\n\n<!-- material/tags -->\n"
    return PageSpec(TAGS_INDEX, "Tags", text, dict(LIST_META))


def list_pages(collection: Collection, site_name: str) -> list[PageSpec]:
    """Every generated page except the tip pages, each built from the groupings once."""
    pages = [
        home_page(collection, site_name),
        themes_index_page(collection),
        *(theme_page(collection, theme_id) for theme_id in collection.taxonomy.ids),
        archive_index_page(collection),
        *(year_page(collection, year) for year in collection.by_year),
        series_index_page(collection),
        *(series_page(collection, info) for info in collection.series.values()),
        tags_index_page(),
    ]
    return pages


def list_pages_showing(collection: Collection, site_name: str, tips: list[Tip]) -> list[PageSpec]:
    """The generated pages of `list_pages` that can show any of `tips`: the home page and
    the indexes, and the tips' own chapters, years and series (a preview's quick rebuild
    makes these again after an edit of those tips, not all of them)."""
    themes = dict.fromkeys(t for tip in tips for t in tip.themes if t in collection.taxonomy)
    years = dict.fromkeys(tip.date.year for tip in tips if tip.date.year in collection.by_year)
    series = dict.fromkeys(model.slugify(tip.series.name) for tip in tips if tip.series)
    return [
        home_page(collection, site_name),
        themes_index_page(collection),
        *(theme_page(collection, theme_id) for theme_id in themes),
        archive_index_page(collection),
        *(year_page(collection, year) for year in years),
        series_index_page(collection),
        *(series_page(collection, collection.series[s]) for s in series if s in collection.series),
    ]


def nav_config(static_pages: list[tuple[str, str]], collection: Collection) -> list[Any]:
    """MkDocs `nav`: a handful of entries. Tip pages stay out of it, so no page renders a
    sidebar listing every tip (that is what makes a plain blog build quadratic). Every
    entry has its title, so the navigation reads right before any page is rendered."""
    chapters: list[Any] = [{"Chapters": THEMES_INDEX}]
    # Titles as safe text: Material's navigation prints them as HTML.
    chapters += [{sanitize.text(t.title): theme_uri(t.id)} for t in collection.taxonomy]
    nav: list[Any] = [
        {"Home": HOME},
        {"Chapters": chapters},
        {"Archive": ARCHIVE_INDEX},
        {"Series": SERIES_INDEX},
        {"Tags": TAGS_INDEX},
    ]
    nav += [{title: uri} for title, uri in static_pages]
    return nav


def tip_url(collection: Collection, tip: Tip, site_url: str) -> str:
    """The absolute (or site-relative) URL of a tip's page, as MkDocs' directory URLs."""
    return (site_url.rstrip("/") + "/" if site_url else "/") + model.tip_url(
        collection.src_uri(tip)
    )


def atom_feed(collection: Collection, site_name: str, site_url: str, description: str = "") -> str:
    """An Atom feed of the latest tips.

    Written with ElementTree (stdlib): twenty entries from data we already hold; a feed
    plugin would read every page's git history, seconds at 5,000 tips.
    """
    atom = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", atom)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        # Every value passes the gate: plain text (never HTML) that XML can hold.
        attrs = {name: sanitize.xml_text(value) for name, value in attrs.items()}
        element = ET.SubElement(parent, f"{{{atom}}}{tag}", attrs)
        if text is not None:
            element.text = sanitize.xml_text(text)
        return element

    base = site_url.rstrip("/") + "/" if site_url else "/"
    feed = ET.Element(f"{{{atom}}}feed")
    sub(feed, "title", site_name)
    if description:
        sub(feed, "subtitle", description)
    sub(feed, "id", base)
    sub(feed, "link", href=base)
    sub(feed, "link", rel="self", href=base + FEED)
    newest = collection.latest
    updated = newest.date if newest else dt.date(2006, 1, 1)
    sub(feed, "updated", f"{updated.isoformat()}T00:00:00Z")
    sub(sub(feed, "author"), "name", site_name)
    for tip in collection.tips[:FEED_COUNT]:
        url = tip_url(collection, tip, site_url)
        entry = sub(feed, "entry")
        sub(entry, "title", tip.title)
        sub(entry, "id", url)
        sub(entry, "link", href=url)
        sub(entry, "updated", f"{tip.date.isoformat()}T00:00:00Z")
        sub(entry, "published", f"{tip.date.isoformat()}T00:00:00Z")
        summary = tip.summary + (f" Takeaway: {tip.takeaway}" if tip.takeaway else "")
        sub(entry, "summary", summary.strip())
        for theme in tip.themes:
            sub(entry, "category", term=theme)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")
