"""Extract one article from its page: title, date, tags, canonical URL and the body's HTML.

WordPress posts are read by their theme's structure (`article`, `.entry-title`,
`.entry-content`, `<time datetime>`, `rel=tag`); any other article (a news site, another
blog) by a small main-content heuristic: the block holding the most paragraph text that is
not link lists. Either way the body loses what is not the tip: meta lines, share and
"Like this" blocks, related posts, comments, navigation, widgets and the site's
"Signup for FREE Tips! | Contact Us | …" footer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from scraper.convert import DANGEROUS_TAGS
from scraper.discover import canonicalize_url, soup_of, tags_in
from scraper.doors import Post
from tipbook.model import one_line, shortened_title
from tipbook.text import TITLE_TOW, WEB_URL_PREFIXES, title_date_suffix

_URL_DATE = re.compile(r"/(?P<y>(19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_KEYS, 1)}
_MONTH_NAME = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WRITTEN_DATE = re.compile(
    rf"\b{_MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.I
)
_WRITTEN_DATE_DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_NAME}\s+(?P<year>\d{{4}})\b", re.I
)
_SITE_SUFFIX = re.compile(r"\s+[|·»]\s+[^|·»]+$")

# Elements that are never part of an article's text. Images stay for the image stage
# (`scraper.images`); `html_to_markdown` drops any it did not download.
_IMAGE_TAGS = ("img", "picture", "source")
_DROP_TAGS = [
    *(t for t in DANGEROUS_TAGS if t not in _IMAGE_TAGS),
    *("nav", "aside", "footer", "header"),
]
# class / id words of boilerplate blocks (WordPress themes, Jetpack, news templates).
_BOILERPLATE_WORD = re.compile(
    r"(?:^|[-_\s])(share|sharing|sharedaddy|social|related|relatedposts|comments?|respond|"
    r"widget|sidebar|entry-meta|meta|entry-footer|post-navigation|navigation|nav-links|"
    r"likes?|newsletter|subscribe|cookie|ads?|advert\w*|promo|breadcrumbs?|byline|"
    r"author-bio|rail|topbar|masthead|colophon|screen-reader-text)(?:$|[-_\s])",
    re.I,
)
# Whole paragraphs of site chrome, matched on their text.
_BOILERPLATE_TEXT = [
    re.compile(p, re.I)
    for p in (
        r"^signup for free tips!?(\s*\|?\s*(contact us|more resources for you|"
        r"visit our home page))*\s*\|?$",
        r"^posted on\b.*\bplease leave a comment$",
        r"^posted on\b.{0,80}\bin customer service tip of the week$",
        r"^(share|like) this:?$",
        r"^like loading\W*$",
        r"^related$",
        r"^leave a (reply|comment)$",
    )
]
_BLOCKS = ("p", "div", "ul", "ol", "blockquote", "h2", "h3", "h4", "h5", "h6", "table")


class ExtractError(Exception):
    """The page holds no article we can read; `reason` says what is missing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ExtractedPage:
    """What one article page says about its tip (the body still as HTML)."""

    url: str
    canonical: str
    title: str  # cleaned: no date suffix, no "TOW"
    raw_title: str
    date: dt.date | None
    date_source: str  # "time", "meta", "url", "title" or ""
    body_html: str
    tags: list[str] = field(default_factory=list)
    wordpress: bool = True


def resolve_year(year: int, today: dt.date | None = None) -> int:
    """A four-digit year from a two-digit one: the latest year not after next year.

    "13" is 2013 and "99" 1999: the tip archive started in 2006, and no tip is dated more
    than a year ahead.
    """
    if year >= 100:
        return year
    today = today or dt.date.today()
    candidate = 2000 + year
    return candidate if candidate <= today.year + 1 else 1900 + year


def clean_title(raw: str) -> tuple[str, dt.date | None]:
    """Split a title as shown ("Convey Compassion – 8/13/13 TOW") into title and date."""
    text = one_line(raw)
    date = None
    match = title_date_suffix(text)
    if match:
        try:
            date = dt.date(resolve_year(int(match["y"])), int(match["m"]), int(match["d"]))
        except ValueError:
            date = None
        text = text[: match.start()]
    text = TITLE_TOW.sub("", text)
    return shortened_title(text.strip(" -–—|:")), date


def parse_iso_date(value: str) -> dt.date | None:
    match = _ISO_DATE.search(value or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_written_date(text: str) -> dt.date | None:
    """A date written out, as meta lines do: "November 13, 2018" or "13 November 2018"."""
    match = _WRITTEN_DATE.search(text) or _WRITTEN_DATE_DMY.search(text)
    if not match:
        return None
    month = _MONTHS.get(match["month"][:3].lower())
    try:
        return dt.date(int(match["year"]), month, int(match["day"])) if month else None
    except ValueError:
        return None


def extract_article(html: str, url: str, soup: BeautifulSoup | None = None) -> ExtractedPage:
    """Read one article page; raise `ExtractError` when it holds no readable article."""
    soup = soup or soup_of(html)
    canonical_link = soup.find("link", rel="canonical", href=True)
    canonical = canonicalize_url(str(canonical_link["href"]), url) if canonical_link else url
    if not canonical.startswith(WEB_URL_PREFIXES):
        canonical = url

    article = _wordpress_article(soup)
    if article is not None:
        content = article.select_one(_CONTENT_SELECTOR)
        title_node = article.select_one(".entry-title, .wp-block-post-title, h1, h2")
        wordpress = True
    else:
        content = _main_content(soup)
        title_node = _generic_title(soup, content)
        wordpress = False
    if content is None:
        raise ExtractError("no article text found on the page")

    raw_title = one_line(title_node.get_text(" ")) if title_node is not None else ""
    if not raw_title:
        raw_title = _meta_title(soup)
    title, title_date = clean_title(raw_title)
    if not title:
        raise ExtractError("no title found on the page")

    date, date_source = _find_date(soup, article, url)
    if date is None and title_date is not None:
        date, date_source = title_date, "title"
    tags = tags_in(article) if article is not None else tags_in(soup)
    body_html = clean_content(content)
    return ExtractedPage(
        url=url,
        canonical=canonical,
        title=title,
        raw_title=raw_title,
        date=date,
        date_source=date_source,
        body_html=body_html,
        tags=tags,
        wordpress=wordpress,
    )


_CONTENT_SELECTOR = ".entry-content, .wp-block-post-content, .post-content, [itemprop=articleBody]"


def _wordpress_article(soup: BeautifulSoup) -> Tag | None:
    """The post of a single WordPress page: the `article` (or `.hentry`) with content; in a
    block theme, which has neither, the `main` holding the post content block."""
    main = soup.select_one("main, #main, #content, .site-main") or soup
    for candidate in main.select("article, .hentry"):
        if candidate.select_one(_CONTENT_SELECTOR):
            return candidate
    if main is not soup and main.select_one(".wp-block-post-content"):
        return main
    return None


def page_from_post(post: Post) -> ExtractedPage:
    """A post as the REST API gave it, read like a page: the same title, date and cleaning."""
    title, title_date = clean_title(post.title)
    if not title:
        raise ExtractError("the REST API gives the post no title")
    content = soup_of(f"<div id='tipbook-post'>{post.content_html}</div>").find(
        "div", id="tipbook-post"
    )
    body_html = clean_content(content) if isinstance(content, Tag) else ""
    return ExtractedPage(
        url=post.url,
        canonical=post.url,
        title=title,
        raw_title=post.title,
        date=post.date or title_date,
        date_source=post.via if post.date else "title",
        body_html=body_html,
        tags=list(post.tags),
    )


def _main_content(soup: BeautifulSoup) -> Tag | None:
    """The element whose own paragraphs hold the most text that is not link text.

    A hand-written heuristic (not readability/trafilatura) because the pages it meets are
    few and simple; it scores direct child paragraphs only, so a page wrapper never wins
    over the block that actually holds the story.
    """
    best, best_score = None, 0.0
    for node in soup.find_all(["article", "main", "section", "div", "td"]):
        if _is_boilerplate(node):
            continue
        score = 0.0
        for child in node.find_all(["p", "li", "blockquote"], recursive=False):
            text = len(one_line(child.get_text(" ")))
            links = sum(len(one_line(a.get_text(" "))) for a in child.find_all("a"))
            score += max(0.0, text - 2 * links)
        if score > best_score:
            best, best_score = node, score
    return best


def _generic_title(soup: BeautifulSoup, content: Tag | None) -> Tag | None:
    if content is not None:
        for parent in (content, *content.parents):
            heading = parent.find("h1")
            if heading is not None:
                return heading
    return soup.find("h1")


def _meta_title(soup: BeautifulSoup) -> str:
    og = soup.find("meta", property="og:title", content=True)
    if og is not None:
        return one_line(str(og["content"]))
    if soup.title and soup.title.string:
        return _SITE_SUFFIX.sub("", one_line(soup.title.string))
    return ""


def _find_date(soup: BeautifulSoup, article: Tag | None, url: str) -> tuple[dt.date | None, str]:
    scope = article if article is not None else soup
    times = scope.select("time.published[datetime], time.entry-date[datetime]") or scope.select(
        "time[datetime]"
    )
    for node in times:
        if node.find_parent(["aside", "footer"]) is not None and article is None:
            continue
        date = parse_iso_date(str(node["datetime"]))
        if date:
            return date, "time"
    meta_names: tuple[dict[str, Any], ...] = (
        {"property": "article:published_time"},
        {"itemprop": "datePublished"},
        {"name": "date"},
        {"name": "DC.date"},
        {"name": "pubdate"},
    )
    for attrs in meta_names:
        meta = soup.find("meta", attrs=attrs, content=True)
        if meta is not None:
            date = parse_iso_date(str(meta["content"]))
            if date:
                return date, "meta"
    for meta_line in scope.select(".entry-meta, .posted-on, .post-meta, .byline, .date"):
        date = parse_written_date(meta_line.get_text(" "))
        if date:
            return date, "meta"
    match = _URL_DATE.search(urlsplit(url).path)
    if match:
        try:
            return dt.date(int(match["y"]), int(match["m"]), int(match["d"])), "url"
        except ValueError:
            pass
    return None, ""


def _is_boilerplate(node: Tag) -> bool:
    words = " ".join([*(str(c) for c in (node.get("class") or [])), str(node.get("id") or "")])
    return bool(words.strip()) and bool(_BOILERPLATE_WORD.search(words))


def is_boilerplate_text(text: str) -> bool:
    """True for a block whose whole text is site chrome (footer links, meta line, …)."""
    flat = one_line(text.replace("\xa0", " "))
    return any(pattern.match(flat) for pattern in _BOILERPLATE_TEXT)


def clean_content(content: Tag) -> str:
    """The content element's inner HTML without chrome blocks and empty paragraphs."""
    node = soup_of(str(content)).body
    node = node.find(content.name) if node is not None else None
    if node is None:
        return ""
    for tag in node.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in node.find_all("source"):
        tag.decompose()
    for tag in node.find_all("picture"):
        tag.unwrap()
    for tag in node.find_all(True):
        if not tag.decomposed and _is_boilerplate(tag):
            tag.decompose()
    for block in node.find_all(_BLOCKS):
        if block.decomposed:
            continue
        text = block.get_text(" ")
        empty = not text.strip(" \xa0\n\t") and block.find("img") is None
        if is_boilerplate_text(text) or (block.name == "p" and empty):
            block.decompose()
    return "".join(str(child) for child in node.children if not _blank(child))


def _blank(node: object) -> bool:
    return isinstance(node, NavigableString) and not str(node).strip()
