"""A WordPress site's machine-readable doors: the REST API, feeds and sitemaps.

Theme markup differs from site to site; these do not. From a start URL (an archive page)
`find_rest_api` finds the REST API (the page's `<link rel="https://api.w.org/">`, else
`/wp-json/`, else `/?rest_route=/`), `RestReader` lists the archive's posts with everything a
tip needs (title, dates in the site's time zone, slug, link, tags, content), `feed_url` and
`read_feed` read the archive's RSS feed page by page (`?paged=N`), and `sitemap_posts` lists
the posts core's sitemaps (`/wp-sitemap.xml`) or an SEO plugin's (`sitemap_index.xml`) list,
each with its `<lastmod>`. Every request goes through the one `Fetcher`. Nothing here writes
or prints.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring
from lxml import etree

from scraper.discover import canonicalize_url, is_web_url, tag_from_url
from scraper.excerpt import excerpt_from_html
from scraper.fetch import Fetcher, FetchError, origin
from tipbook.model import one_line

REST_LINK_REL = "https://api.w.org/"
# Only what a tip needs: the list stays small and no author or media data is asked for.
POST_FIELDS = (
    "id,date,date_gmt,modified,modified_gmt,slug,link,title,content,excerpt,tags,categories"
)
PER_PAGE = 100  # the REST API's maximum
MAX_FEED_PAGES = 1000  # a loop guard: a feed (or REST listing) that never ends
_NOT_POST_SITEMAP = re.compile(r"page|taxonom|categor|tag|author|user|attachment", re.I)
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DOORS = ("rest", "feed", "html")


class DoorError(Exception):
    """A door that is not there or not usable; `reason` says why, in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Post:
    """One post as a machine-readable door lists it."""

    url: str  # its link (canonical)
    via: str  # "rest" or "feed"
    title: str  # as shown, entities decoded (the date suffix, if any, still there)
    date: dt.date | None  # in the site's time zone
    post_id: int | None = None
    slug: str = ""
    modified: str = ""
    tags: list[str] = field(default_factory=list)  # tag slugs
    content_html: str = ""  # the post's own HTML (REST); "" when the door gives none
    excerpt: str = ""  # plain text, WordPress's endings taken off
    protected: bool = False  # password-protected: its page shows a password form, not text


@dataclass
class Door:
    """What `plan` found: a door, its URL and how many posts it lists (None: unknown)."""

    kind: str  # "rest", "feed", "sitemap" or "html"
    url: str
    posts: int | None = None
    note: str = ""


# -- the REST API -------------------------------------------------------------------------


@dataclass
class RestApi:
    """A site's REST API: where it answers and the site's time zone."""

    root: str  # ".../wp-json/" or ".../?rest_route=/"
    gmt_offset: float = 0.0
    timezone: str = ""

    def url(self, route: str, params: dict[str, str | int] | None = None) -> str:
        query = urlencode(params or {})
        if "rest_route=" in self.root:
            base = self.root.split("?", 1)[0]
            return f"{base}?{urlencode({'rest_route': route})}" + (f"&{query}" if query else "")
        return self.root.rstrip("/") + route + (f"?{query}" if query else "")


def find_rest_api(fetcher: Fetcher, page_url: str, soup: BeautifulSoup | None) -> RestApi:
    """The REST API of the site of `page_url`; `DoorError` with every reason when none."""
    candidates = []
    link = soup.find("link", rel=REST_LINK_REL, href=True) if soup is not None else None
    if link is not None:
        candidates.append(urljoin(page_url, str(link["href"])))
    site = origin(page_url)
    for url in (f"{site}/wp-json/", f"{site}/?rest_route=/"):
        if url not in candidates:
            candidates.append(url)
    reasons = []
    for url in candidates:
        if not fetcher.is_allowed_host(url):
            reasons.append(f"{url}: on another host")
            continue
        try:
            index = _json(fetcher, url)
        except DoorError as error:
            reasons.append(error.reason)
            continue
        if isinstance(index, dict) and "wp/v2" in (index.get("namespaces") or []):
            return RestApi(
                root=url,
                gmt_offset=_float(index.get("gmt_offset")),
                timezone=str(index.get("timezone_string") or ""),
            )
        reasons.append(f"{url}: not a WordPress REST API (no wp/v2)")
    raise DoorError("no REST API: " + "; ".join(reasons))


def _json(fetcher: Fetcher, url: str) -> object:
    try:
        response = fetcher.get(url)
    except FetchError as error:
        raise DoorError(f"{url}: {error.reason}") from None
    try:
        return json.loads(response.text)
    except (ValueError, RecursionError):  # RecursionError: `[[[[…` nested past the stack
        raise DoorError(f"{url}: the answer is not JSON") from None


def _float(value: object) -> float:
    """A `gmt_offset` in hours; 0 for anything no time zone has (text, NaN, 1e400)."""
    try:
        hours = float(value) if isinstance(value, (str, int, float)) else float(str(value))
    except (TypeError, ValueError):
        return 0.0
    return hours if math.isfinite(hours) and -24 < hours < 24 else 0.0


def _term_id(value: object) -> int | None:
    """A post, tag or category id as the REST API gives it: a positive integer, else None.

    The JSON is the site's to write: a string, a float or a list where an id belongs is
    treated as no id, never trusted with `int()`.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _term_ids(value: object) -> list[int]:
    """The ids of a post's `tags` (or `categories`) list; [] for anything but a list."""
    if not isinstance(value, list):
        return []
    return [i for i in map(_term_id, value) if i is not None]


def archive_term(url: str) -> tuple[str, str] | None:
    """("categories", slug) or ("tags", slug) of a category or tag archive URL."""
    path = re.sub(r"/page/\d+/?$", "/", urlsplit(url).path)
    tag = tag_from_url(path)
    if tag:
        return "tags", tag
    match = re.search(r"/category/((?:[^/]+/)*[^/]+)/?$", path)
    if match:
        return "categories", match.group(1).rsplit("/", 1)[-1].lower()
    return None


class RestReader:
    """Lists an archive's posts through the REST API, with tag ids resolved to slugs."""

    def __init__(self, fetcher: Fetcher, api: RestApi) -> None:
        self.fetcher = fetcher
        self.api = api
        self.tag_slugs: dict[int, str] = {}

    def filter_for(self, start_url: str) -> dict[str, str | int]:
        """The `categories=` / `tags=` filter of an archive URL ({} lists every post)."""
        term = archive_term(start_url)
        if term is None:
            if re.sub(r"page/\d+/?$", "", urlsplit(start_url).path).strip("/"):
                # A date, author or search archive: the API has no filter for it here, and
                # every post of the site is not what it lists.
                raise DoorError(f"{start_url}: not a category or tag archive")
            return {}  # the home page lists every post
        taxonomy, slug = term
        found = _json(
            self.fetcher,
            self.api.url(f"/wp/v2/{taxonomy}", {"slug": slug, "_fields": "id,slug,name"}),
        )
        term_id = (
            _term_id(found[0].get("id"))
            if found and isinstance(found, list) and isinstance(found[0], dict)
            else None
        )
        if term_id is None:
            kind = "category" if taxonomy == "categories" else "tag"
            raise DoorError(f"the REST API has no {kind} {slug!r}")
        return {taxonomy: term_id}

    def count(self, filters: dict[str, str | int]) -> int | None:
        """How many posts the filter lists (`X-WP-Total`), asking for one id only."""
        url = self.api.url("/wp/v2/posts", {**filters, "per_page": 1, "_fields": "id"})
        try:
            response = self.fetcher.get(url)
        except FetchError as error:
            raise DoorError(f"{url}: {error.reason}") from None
        total = response.headers.get("x-wp-total", "")
        return int(total) if total.isdigit() else None

    def posts(
        self, filters: dict[str, str | int], keep_going: Callable[[list[Post]], bool]
    ) -> Iterator[list[Post]]:
        """The posts, newest first, a page of 100 at a time, until `keep_going` says stop.

        `X-WP-TotalPages` is the site's to say: a page that brings no post not seen
        before ends the listing, and so does MAX_FEED_PAGES (100,000 posts).
        """
        page, pages = 1, 1
        seen: set[str] = set()
        while page <= min(pages, MAX_FEED_PAGES):
            params = {**filters, "per_page": PER_PAGE, "page": page, "_fields": POST_FIELDS}
            url = self.api.url("/wp/v2/posts", params)
            try:
                response = self.fetcher.get(url)
            except FetchError as error:
                raise DoorError(f"{url}: {error.reason}") from None
            total_pages = response.headers.get("x-wp-totalpages", "")
            pages = int(total_pages) if total_pages.isdigit() else pages
            try:
                records = json.loads(response.text)
            except (ValueError, RecursionError):
                raise DoorError(f"{url}: the answer is not JSON") from None
            if not isinstance(records, list):
                raise DoorError(f"{url}: the answer is not a list of posts")
            self._learn_tags(records)
            batch = [self._post(record) for record in records if isinstance(record, dict)]
            new = {post.url for post in batch} - seen
            if page > 1 and not new:
                return  # the same posts again: a listing that loops
            seen |= new
            yield batch
            if not records or not keep_going(batch):
                return
            page += 1

    def _learn_tags(self, records: list[object]) -> None:
        wanted = sorted(
            {
                t
                for r in records
                if isinstance(r, dict)
                for t in _term_ids(r.get("tags"))
                if t not in self.tag_slugs
            }
        )
        for start in range(0, len(wanted), PER_PAGE):
            chunk = wanted[start : start + PER_PAGE]
            params: dict[str, str | int] = {
                "include": ",".join(map(str, chunk)),
                "per_page": PER_PAGE,
                "_fields": "id,slug,name",
            }
            found = _json(self.fetcher, self.api.url("/wp/v2/tags", params))
            for term in found if isinstance(found, list) else []:
                term_id = _term_id(term.get("id")) if isinstance(term, dict) else None
                name = (term.get("slug") or term.get("name")) if isinstance(term, dict) else None
                if term_id is not None and isinstance(name, str) and name.strip():
                    self.tag_slugs[term_id] = name

    def _post(self, record: dict[str, Any]) -> Post:
        title = title_text(_rendered(record.get("title")))
        link = record.get("link")
        return Post(
            # Not a web link (`javascript:`, unparsable): kept as given, to be named and skipped.
            url=(canonicalize_url(link) if is_web_url(link) else link)
            if isinstance(link, str)
            else "",
            via="rest",
            title=title,
            date=self._local_date(record),
            post_id=_term_id(record.get("id")),
            slug=str(record.get("slug") or ""),
            modified=str(record.get("modified_gmt") or record.get("modified") or ""),
            tags=[
                self.tag_slugs[t].lower()
                for t in _term_ids(record.get("tags"))
                if t in self.tag_slugs
            ],
            content_html=_rendered(record.get("content")),
            excerpt=excerpt_from_html(_rendered(record.get("excerpt")), title),
            protected=_protected(record.get("content")),
        )

    def _local_date(self, record: dict[str, Any]) -> dt.date | None:
        """`date` is already in the site's time zone; else `date_gmt` moved by the offset."""
        local = _datetime(record.get("date"))
        if local is not None:
            return local.date()
        gmt = _datetime(record.get("date_gmt"))
        if gmt is None:
            return None
        return (gmt + dt.timedelta(hours=self.api.gmt_offset)).date()


def title_text(rendered: str) -> str:
    """A title the REST API or a feed gives as HTML, as the text a theme's heading shows
    (`T &amp; <b>x</b>` → `T & x`): what the HTML door reads, so both doors agree, and no
    markup reaches a tip's title."""
    if "<" not in rendered:
        return one_line(html.unescape(rendered))
    soup = BeautifulSoup(rendered, "lxml")
    for node in soup.find_all(["script", "style", "template"]):
        node.decompose()
    return one_line(soup.get_text(" "))


def _protected(content: object) -> bool:
    """WordPress marks a password-protected post's content `"protected": true`."""
    return isinstance(content, dict) and content.get("protected") is True


def _rendered(value: object) -> str:
    """A `{"rendered": "..."}` field (or a plain string); "" for any other JSON type."""
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _datetime(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# -- feeds ------------------------------------------------------------------------------


def feed_url(start_url: str, soup: BeautifulSoup | None) -> str:
    """The RSS feed of an archive: its own `<link rel=alternate>`, else `<archive>/feed/`.

    The site's main feed (linked from every page) is the archive's only for the home page.
    """
    path = re.sub(r"/page/\d+/?$", "/", urlsplit(start_url).path)
    base = f"{origin(start_url)}{path if path.endswith('/') else path + '/'}"
    if soup is not None:
        for link in soup.find_all("link", rel="alternate", href=True):
            kind = str(link.get("type") or "")
            href = urljoin(start_url, str(link["href"]))
            feed_like = "rss" in kind or "atom" in kind
            own = urlsplit(href).path.startswith(path) and "comments" not in href
            if feed_like and own:
                return href
    return base + "feed/"


def read_feed(
    fetcher: Fetcher,
    url: str,
    keep_going: Callable[[list[Post]], bool] = lambda _posts: True,
    gmt_offset: float | None = None,
) -> Iterator[list[Post]]:
    """The feed's posts a page at a time (`?paged=2`, `3`, … as WordPress pages feeds).

    A feed's dates are in UTC: with the site's `gmt_offset` they are moved into its time
    zone; without it they are the UTC date, and the post page's own date wins later.
    """
    seen: set[str] = set()
    for number in range(1, MAX_FEED_PAGES + 1):
        page_url = url if number == 1 else f"{url}{'&' if '?' in url else '?'}paged={number}"
        try:
            response = fetcher.get(page_url)
        except FetchError as error:
            if number > 1 and error.gone:
                return  # past the last page
            raise DoorError(f"{page_url}: {error.reason}") from None
        _refuse_xml_bomb(page_url, response.content)
        parsed = feedparser.parse(response.content)
        if number == 1 and not parsed.entries and not parsed.get("version"):
            # An HTML page where the feed should be (a plugin that disables feeds sends the
            # home page): no RSS or Atom at all, so not "a feed with no posts".
            raise DoorError(f"{page_url}: not a feed")
        batch = []
        for entry in parsed.entries:
            link = str(entry.get("link") or "")
            link = canonicalize_url(link) if is_web_url(link) else ""
            if not link or link in seen:
                continue
            seen.add(link)
            title = title_text(str(entry.get("title") or ""))
            batch.append(
                Post(
                    url=link,
                    via="feed",
                    title=title,
                    date=_feed_date(entry, gmt_offset),
                    excerpt=excerpt_from_html(str(entry.get("summary") or ""), title),
                )
            )
        if not batch:
            return
        yield batch
        if not keep_going(batch):
            return


_ENTITY_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


def _refuse_xml_bomb(page_url: str, content: bytes) -> None:
    """Refuse a feed that declares a DTD or entities: feedparser's loose parser expands
    entities without limit (an "entity bomb": 100 KB became 636 MB), and no WordPress feed
    declares any. defusedxml reads the declared encoding; the byte search catches a
    declaration after the XML stops parsing (where feedparser would go on loosely)."""
    try:
        defused_fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise DoorError(f"{page_url}: the feed declares a DTD or entities; refused") from None
    except (ParseError, ValueError):
        pass
    if _ENTITY_DECLARATION.search(content.replace(b"\x00", b"")):
        raise DoorError(f"{page_url}: the feed declares a DTD or entities; refused")


def _feed_date(entry: Any, gmt_offset: float | None) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    moment = dt.datetime(*parsed[:6])
    return (moment + dt.timedelta(hours=gmt_offset or 0.0)).date()


# -- sitemaps ---------------------------------------------------------------------------


def sitemap_candidates(fetcher: Fetcher, start_url: str) -> list[str]:
    """robots.txt's `Sitemap:` lines, then core's and the SEO plugins' usual places."""
    site = origin(start_url)
    found = [u for u in fetcher.sitemaps(start_url) if fetcher.is_allowed_host(u)]
    for path in ("/wp-sitemap.xml", "/sitemap_index.xml"):
        if f"{site}{path}" not in found:
            found.append(f"{site}{path}")
    return found


def count_sitemap_posts(fetcher: Fetcher, url: str) -> int:
    """How many post URLs a sitemap (or the post sitemaps of a sitemap index) lists."""
    return sum(1 for _ in sitemap_posts(fetcher, url))


def sitemap_posts(
    fetcher: Fetcher, url: str, _read: set[str] | None = None
) -> Iterator[tuple[str, dt.datetime | None]]:
    """(URL, lastmod) of each post a sitemap (or an index's post sitemaps) lists.

    Each sitemap is read once: an index that lists itself (or one that lists it back)
    is read once, not followed round until the stack runs out.
    """
    read = _read if _read is not None else set()
    read.add(url)
    root = _sitemap_root(fetcher, url)
    if root.tag == f"{_SITEMAP_NS}sitemapindex":
        for loc in root.iter(f"{_SITEMAP_NS}loc"):
            child = (loc.text or "").strip()
            if not child or child in read or not is_web_url(child):
                continue
            name = urlsplit(child).path.rsplit("/", 1)[-1]
            if not _NOT_POST_SITEMAP.search(name) and fetcher.is_allowed_host(child):
                yield from sitemap_posts(fetcher, child, read)
        return
    for entry in root.iter(f"{_SITEMAP_NS}url"):
        loc = (entry.findtext(f"{_SITEMAP_NS}loc") or "").strip()
        if is_web_url(loc):  # the site's to write: a malformed address is no post
            yield canonicalize_url(loc), lastmod_time(entry.findtext(f"{_SITEMAP_NS}lastmod"))


def site_sitemap(fetcher: Fetcher, start_url: str) -> dict[str, dt.datetime | None]:
    """The first sitemap of the site that answers: post URL → its lastmod (None: none).

    `DoorError` with every reason when no candidate is a sitemap."""
    reasons = []
    for candidate in sitemap_candidates(fetcher, start_url):
        try:
            return {u: m for u, m in sitemap_posts(fetcher, candidate) if u.startswith("http")}
        except DoorError as error:
            reasons.append(error.reason)
    raise DoorError("no sitemap: " + ("; ".join(reasons) or "none found"))


def lastmod_time(text: str | None) -> dt.datetime | None:
    """A W3C datetime (`2019-03-04`, `…T09:00:00-05:00`, `…Z`) as an aware datetime;
    without a zone it is taken as UTC."""
    try:
        moment = dt.datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _sitemap_root(fetcher: Fetcher, url: str) -> etree._Element:
    try:
        response = fetcher.get(url)
    except FetchError as error:
        raise DoorError(f"{url}: {error.reason}") from None
    try:
        return etree.fromstring(response.content, parser=_SAFE_XML)
    except etree.XMLSyntaxError:
        raise DoorError(f"{url}: not a sitemap (XML that does not parse)") from None


def shows_archive(soup: BeautifulSoup, page_url: str, start_url: str) -> bool:
    """Whether a post page links the archive of `start_url` as its category or tag.

    WordPress themes mark a post's own terms `rel="category tag"` and `rel="tag"`; other
    links (menus, widgets, tag clouds) carry no such rel, so a sitemap's unrelated page
    (an "about us", a company news item) never counts as the archive's.
    """
    wanted = archive_term(start_url)
    if wanted is None:
        return False
    scope = soup.find("article") or soup
    for link in scope.find_all("a", href=True):
        rel = {r.lower() for r in (link.get("rel") or [])}
        if "tag" in rel and archive_term(urljoin(page_url, str(link["href"]))) == wanted:
            return True
    return False
