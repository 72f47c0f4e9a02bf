"""Discover tips: tell archives from articles, read archive pages, canonicalise URLs.

An archive page (category, tag, any paginated listing) lists posts as `<article>` blocks and,
like every page of the site, carries the "Recent Tips" widget: a title link, an excerpt and
a "Read more" link per tip. Both give entries; pagination comes from `rel=next`, "Older
posts" / "Next" links or `/page/N/`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from scraper.excerpt import excerpt_text, strip_excerpt_ending
from tipbook.model import one_line
from tipbook.text import WEB_SCHEMES

# Query parameters that only track where a click came from: they never change the page.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid", "ref"}
    | {"replytocom", "share", "amp", "nb", "shared", "src"}
)
_READ_MORE = re.compile(r"^\s*(read more|continue reading|more)\b\W*$", re.I)
_NEXT_TEXT = re.compile(r"^\W*(older (posts|entries|tips)|next( page)?|more posts)\W*$", re.I)
_PAGE_PATH = re.compile(r"/page/(\d+)/?$")
_ARCHIVE_CLASSES = {"archive", "blog", "category", "tag", "search", "paged", "date", "author"}
_ARTICLE_CLASSES = {"single", "single-post", "page-template", "attachment"}


def canonicalize_url(url: str, base: str | None = None) -> str:
    """An absolute URL in one spelling: lower-case scheme and host, no default port, no
    fragment, no tracking parameters (`utm_*`, `fbclid`, …), a path of at least `/`."""
    absolute = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(absolute)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def url_key(url: str) -> str:
    """A tip's identity: its canonical path and query, independent of the host.

    The same post is reachable on the live site and on a mirror (or behind a changed
    domain); comparing paths lets incremental runs recognise tips they already have.
    """
    parts = urlsplit(canonicalize_url(url))
    path = unquote(parts.path).rstrip("/") or "/"
    return f"{path}?{parts.query}" if parts.query else path


def is_web_url(url: str) -> bool:
    """An http(s) URL with a host and a valid port ("http://[::1" or ":99999" is not)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError:
        return False
    return parts.scheme in WEB_SCHEMES and bool(parts.hostname)


@dataclass
class ArchiveEntry:
    """A tip an archive page points to."""

    url: str  # canonicalised link
    title: str  # the link text as shown (date suffix included)
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    from_widget: bool = False


@dataclass
class ArchivePage:
    url: str
    entries: list[ArchiveEntry]
    next_url: str | None


# Attributes that hold a URL the scraper reads (links, canonical, feeds, images).
_URL_ATTRIBUTES = ("href", "src", "data-src", "data-lazy-src", "data-orig-file", "data-original")


def soup_of(html: str) -> BeautifulSoup:
    """A page parsed, without the URLs no URL function can parse: `http://[::1` or a port
    of 99999 makes `urlsplit`/`urljoin` raise, so one hostile link would stop the scrape.
    Dropped here, once, they are links to nowhere (left out like any dead link)."""
    soup = BeautifulSoup(html, "lxml")
    _flatten_deep_nesting(soup)
    for tag in soup.find_all(lambda t: any(name in t.attrs for name in _URL_ATTRIBUTES)):
        for name in _URL_ATTRIBUTES:
            value = tag.attrs.get(name)
            if isinstance(value, str) and not _parses_as_url(value):
                del tag[name]
    return soup


# Real pages (page builders included) nest a few dozen elements deep. A hostile page
# nesting 100,000 `<div>`s made extraction quadratic (minutes) and conversion recurse past
# the stack; below this depth, elements are replaced by their text.
MAX_NESTING = 128


def _flatten_deep_nesting(soup: BeautifulSoup) -> None:
    """Replace each element nested deeper than MAX_NESTING by its text, in linear time
    (unwrapping them one by one is quadratic in bs4)."""
    too_deep = []
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:  # iterative: the tree may be deeper than Python's stack
        node, depth = stack.pop()
        for child in node.children:
            if isinstance(child, Tag):
                if depth == MAX_NESTING:
                    too_deep.append(child)  # its subtree is not walked
                else:
                    stack.append((child, depth + 1))
    for tag in too_deep:
        tag.replace_with(tag.get_text(" "))


def _parses_as_url(value: str) -> bool:
    try:
        _ = urlsplit(value.strip()).port  # a bad IPv6 host or port raises ValueError
    except ValueError:
        return False
    return True


def _classes(tag: Tag | None) -> set[str]:
    if tag is None:
        return set()
    value = tag.get("class")
    names = value if isinstance(value, list) else str(value or "").split()
    return {str(c).lower() for c in names}


def is_archive(soup: BeautifulSoup, url: str) -> bool:
    """True for a listing of posts, False for a single article."""
    body_classes = _classes(soup.body)
    if body_classes & _ARTICLE_CLASSES:
        return False
    if body_classes & _ARCHIVE_CLASSES:
        return True
    path = urlsplit(url).path
    if re.search(r"/(category|tag|page)/", path):
        return True
    return len(soup.find_all("article")) >= 2 or soup.find("link", rel="next") is not None


def tag_from_url(url: str) -> str | None:
    """The tag slug of a `/tag/<slug>/` archive URL."""
    match = re.search(r"/tag/([^/]+)", urlsplit(url).path)
    return unquote(match.group(1)).lower() if match else None


def tags_in(node: Tag) -> list[str]:
    """Tag slugs of the `rel=tag` links inside `node` (category links are not tags)."""
    tags = []
    for link in node.find_all("a", href=True):
        rel = {r.lower() for r in (link.get("rel") or [])}
        tag = tag_from_url(str(link["href"]))
        if "tag" in rel and tag and tag not in tags:
            tags.append(tag)
    return tags


def parse_archive(html: str, url: str, soup: BeautifulSoup | None = None) -> ArchivePage:
    """The entries (posts and widget tips) and the next page of an archive page."""
    soup = soup or soup_of(html)
    archive_tag = tag_from_url(url)
    entries: list[ArchiveEntry] = []
    seen: set[str] = set()

    def add(entry: ArchiveEntry) -> None:
        key = url_key(entry.url)
        if key in seen:
            for existing in entries:
                if url_key(existing.url) == key:
                    existing.tags += [t for t in entry.tags if t not in existing.tags]
                    existing.excerpt = existing.excerpt or entry.excerpt
            return
        seen.add(key)
        entries.append(entry)

    articles = soup.find_all("article") or soup.select(".hentry, .post")
    for article in articles:
        link = _title_link(article)
        if link is None:
            continue
        tags = tags_in(article)
        if archive_tag and archive_tag not in tags:
            tags.append(archive_tag)
        add(
            ArchiveEntry(
                url=canonicalize_url(str(link["href"]), url),
                title=one_line(link.get_text(" ")),
                excerpt=_article_excerpt(article, one_line(link.get_text(" "))),
                tags=tags,
            )
        )
    for entry in _read_more_entries(soup, url, articles):
        add(entry)
    return ArchivePage(url=url, entries=entries, next_url=_next_link(soup, url))


def _title_link(article: Tag) -> Tag | None:
    for selector in (".entry-title a[href]", "h1 a[href]", "h2 a[href]", "h3 a[href]"):
        found = article.select_one(selector)
        if found is not None:
            return found
    return None


def _article_excerpt(article: Tag, title: str = "") -> str:
    content = article.select_one(".entry-summary, .entry-content, .wp-block-post-excerpt")
    for paragraph in (content or article).find_all("p"):
        text = excerpt_text(copy.copy(paragraph), title)
        if len(text) >= 40:
            return text
    return ""


def _link_text(link: Tag) -> str:
    """A link's text as seen: screen-reader spans ("Read more<span>: Title</span>") left out."""
    hidden = {id(s) for s in link.select(".screen-reader-text, .sr-only")}
    parts = [
        str(text)
        for text in link.find_all(string=True)
        if not any(id(parent) in hidden for parent in text.parents)
    ]
    return one_line(" ".join(parts))


def _read_more_entries(soup: BeautifulSoup, url: str, articles: list[Tag]) -> list[ArchiveEntry]:
    """Entries of "title … excerpt … Read more" lists, such as the Recent Tips widget."""
    entries = []
    inside = {id(article) for article in articles}
    for more in soup.find_all("a", href=True):
        if not _READ_MORE.match(_link_text(more)):
            continue
        if any(id(parent) in inside for parent in more.parents):
            continue
        target = canonicalize_url(str(more["href"]), url)
        container, title_link = more.parent, None
        while container is not None and container.name not in ("body", "html"):
            title_link = next(
                (
                    a
                    for a in container.find_all("a", href=True)
                    if a is not more
                    and canonicalize_url(str(a["href"]), url) == target
                    and not _READ_MORE.match(_link_text(a))
                ),
                None,
            )
            if title_link is not None:
                break
            container = container.parent
        if title_link is None or container is None:
            continue
        title = one_line(title_link.get_text(" "))
        shown = copy.copy(container)
        for hidden in shown.select(".screen-reader-text, .sr-only"):
            hidden.decompose()
        text = one_line(shown.get_text(" "))
        excerpt = strip_excerpt_ending(text.replace(title, "", 1).strip(), title)
        entries.append(ArchiveEntry(url=target, title=title, excerpt=excerpt, from_widget=True))
    return entries


def _next_link(soup: BeautifulSoup, url: str) -> str | None:
    link = soup.find("link", rel="next", href=True)
    if link is not None:
        return canonicalize_url(str(link["href"]), url)
    for anchor in soup.find_all("a", href=True):
        rel = {r.lower() for r in (anchor.get("rel") or [])}
        if "next" in rel or _NEXT_TEXT.match(anchor.get_text(" ")) or "next" in _classes(anchor):
            return canonicalize_url(str(anchor["href"]), url)
    # Last resort: a link to /page/N+1/ of this archive.
    match = _PAGE_PATH.search(urlsplit(url).path)
    number = int(match.group(1)) if match else 1
    for anchor in soup.find_all("a", href=True):
        target = canonicalize_url(str(anchor["href"]), url)
        found = _PAGE_PATH.search(urlsplit(target).path)
        if found and int(found.group(1)) == number + 1:
            return target
    return None
