"""The scrape, start to end: discover → fetch → extract → convert → classify → write.

`scrape(options)` walks each start URL (an archive and its pages, or a single article),
collects the tips they list (merging tags across archives), fetches each post, and writes
one file per tip as soon as it is ready, so an interrupted run keeps what it did. It returns
a `ScrapeReport`; a page that fails is a record with its reason, never an end.

Posts come through the site's best door (`via`): the REST API when it answers (title, date
in the site's time zone, tags and the post's own HTML, no post page fetched), else the
archive's feed (its posts and dates; bodies from the post pages), else the theme's archive
pages. An archive's first page is read whatever the door: its "Recent Tips" list names tips
whose post is gone, which only an excerpt can give. Without the REST API the site's sitemap
gives each post's lastmod (a changed known tip is read again) and the archive's posts no
listing named (`_read_sitemaps`). Each tip records its door; a post met
through several doors (or links) is one tip. `plan(options)` lists the doors and how many
posts each lists, fetching no post.
"""

from __future__ import annotations

import datetime as dt
import time

from scraper.discover import (
    canonicalize_url,
    is_archive,
    is_web_url,
    parse_archive,
    soup_of,
)
from scraper.discovery import Discovery
from scraper.doors import (
    DOORS,
    Door,
    DoorError,
    RestApi,
    RestReader,
    count_sitemap_posts,
    feed_url,
    find_rest_api,
    read_feed,
    sitemap_candidates,
)
from scraper.fetch import Fetcher, FetchError, origin
from scraper.images import ImageStore
from scraper.post_fetching import PostFetching
from scraper.report import ScrapeReport, SitePlan, TipRecord
from scraper.runstate import (
    SITEMAP_STATE_FILE,
    STATE_FILE,
    CrawlState,
    Job,
    ProgressCallback,
    ScrapeOptions,
    SitemapState,
)
from scraper.sitemap_reading import SitemapReading
from scraper.tip_writing import TipWriting
from scraper.write import ExistingTips, remove_stale_temp_files
from tipbook.errors import UsageError
from tipbook.model import Tip
from tipbook.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "SITEMAP_STATE_FILE",
    "STATE_FILE",
    "CrawlState",
    "ScrapeOptions",
    "SitemapState",
    "plan",
    "scrape",
]


def validate_via(via: str) -> str:
    if via != "auto" and via not in DOORS:
        raise UsageError(f"{{via}} {via!r}: choose one of {', '.join(DOORS)}", options=("via",))
    return via


def validate_urls(urls: list[str]) -> list[str]:
    """Canonical start URLs; a `UsageError` naming the first one that is not a web address."""
    for url in urls:
        if not is_web_url(url):
            raise UsageError(
                f"{url!r} is not a web address: give a full URL such as "
                "https://cssamerica.com/tag/empathy/"
            )
    return [canonicalize_url(url) for url in urls]


def scrape(options: ScrapeOptions, progress: ProgressCallback | None = None) -> ScrapeReport:
    """Run one scrape; see the module docstring."""
    return _Run(options, progress).run()


class _Run(Discovery, SitemapReading, PostFetching, TipWriting):
    """One scrape run: its state (`RunBase`) and its units, by job."""

    def __init__(self, options: ScrapeOptions, progress: ProgressCallback | None) -> None:
        self.options = options
        self.progress = progress or (lambda *_args: None)
        self.report = ScrapeReport()
        self.urls = validate_urls(options.urls)
        self.via = validate_via(options.via)
        if options.source_base and not is_web_url(options.source_base):
            raise UsageError(
                f"{{source_base}} {options.source_base!r} is not a web address",
                options=("source_base",),
            )
        if options.offline and options.cache_dir is None:
            raise UsageError(
                "{offline} needs a cache folder ({cache_dir})", options=("offline", "cache_dir")
            )
        self.taxonomy: Taxonomy = load_taxonomy(options.themes_file)
        # Offline, requests cost nothing: re-extract everything the cache holds.
        self.full = options.full or options.offline
        self.jobs: dict[str, Job] = {}
        self.written: dict[str, Tip] = {}  # canonical key → tip written this run
        self.written_records: dict[str, TipRecord] = {}
        self.rest: dict[str, RestReader | DoorError] = {}  # origin → the site's REST API
        self._stopped = False  # the door listing now being read stopped early
        # start URL → (door it was read through, its listing read to the end by itself)
        self.archive_doors: dict[str, tuple[str, bool]] = {}
        self.lastmods: dict[str, dt.datetime | None] = {}  # url key → sitemap lastmod

    def run(self) -> ScrapeReport:
        started = time.monotonic()
        options = self.options
        remove_stale_temp_files(options.content_dir)
        self.existing = ExistingTips.load(options.content_dir)
        self.state = CrawlState(options.cache_dir)
        self.sitemap_state = SitemapState(options.cache_dir)
        self.fetcher = Fetcher(
            options.settings,
            allowed_origins={origin(url) for url in self.urls},
            cache_dir=options.cache_dir,
            offline=options.offline,
        )
        self.images = (
            ImageStore(self.fetcher, options.content_dir, options.settings.max_image_bytes)
            if options.images
            else None
        )
        try:
            finished = [url for url in self.urls if self._walk(url)]
            self._read_sitemaps()
            self._fetch_posts()
            for url in finished:
                self.state.mark(url, True)
            self.sitemap_state.save()
        finally:
            self.fetcher.close()
            self.report.requests = self.fetcher.request_count
            self.report.seconds = time.monotonic() - started
        return self.report


# -- the plan: which doors, how many posts each ---------------------------------------------


def plan(options: ScrapeOptions) -> list[SitePlan]:
    """For each start URL, the doors the site offers and how many posts each lists.

    Reads the start page, the REST API's index and one-post listings (`X-WP-Total`), the
    feed's pages and the sitemaps: never a post page.
    """
    urls = validate_urls(options.urls)
    validate_via(options.via)
    fetcher = Fetcher(
        options.settings,
        allowed_origins={origin(url) for url in urls},
        cache_dir=options.cache_dir,
        offline=options.offline,
    )
    plans = []
    sitemaps_done: set[str] = set()
    try:
        for url in urls:
            plans.append(_plan_one(fetcher, url, sitemaps_done))
    finally:
        fetcher.close()
    return plans


def _plan_one(fetcher: Fetcher, start: str, sitemaps_done: set[str]) -> SitePlan:
    site = SitePlan(start)
    try:
        response = fetcher.get(start)
    except FetchError as error:
        site.problem = error.reason
        return site
    soup = soup_of(response.text)
    if not is_archive(soup, response.final_url):
        site.doors.append(Door("html", start, 1, "a single article: its page is read"))
        return site
    listing = parse_archive(response.text, response.final_url, soup)
    try:
        reader = RestReader(fetcher, find_rest_api(fetcher, response.final_url, soup))
        filters = reader.filter_for(start)
        url = reader.api.url("/wp/v2/posts", {**filters, "per_page": 100})
        site.doors.append(Door("rest", url, reader.count(filters), _zone(reader.api)))
    except DoorError as error:
        site.doors.append(Door("rest", "", None, error.reason))
    feed = feed_url(start, soup)
    try:
        count = sum(len(batch) for batch in read_feed(fetcher, feed))
        site.doors.append(Door("feed", feed, count, "dates and links; bodies from post pages"))
    except DoorError as error:
        site.doors.append(Door("feed", feed, None, error.reason))
    if origin(start) not in sitemaps_done:
        sitemaps_done.add(origin(start))
        reasons = []
        for candidate in sitemap_candidates(fetcher, start):
            try:
                count = count_sitemap_posts(fetcher, candidate)
            except DoorError as error:
                reasons.append(error.reason)
                continue
            site.doors.append(Door("sitemap", candidate, count, "every post of the site"))
            break
        else:
            site.doors.append(Door("sitemap", "", None, "; ".join(reasons) or "none found"))
    more = "; more pages follow" if listing.next_url else ""
    site.doors.append(
        Door(
            "html",
            start,
            None,
            f"{len(listing.entries)} tips listed on its first page{more}",
        )
    )
    return site


def _zone(api: RestApi) -> str:
    zone = api.timezone or f"UTC{api.gmt_offset:+g}"
    return f"dates in the site's time zone, {zone}"
