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
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup

from scraper.classify import assign_themes, find_takeaway, summarize
from scraper.convert import html_to_markdown
from scraper.discover import (
    canonicalize_url,
    is_archive,
    is_web_url,
    parse_archive,
    soup_of,
    tag_from_url,
    url_key,
)
from scraper.doors import (
    DOORS,
    Door,
    DoorError,
    Post,
    RestApi,
    RestReader,
    archive_term,
    count_sitemap_posts,
    feed_url,
    find_rest_api,
    lastmod_time,
    read_feed,
    shows_archive,
    site_sitemap,
    sitemap_candidates,
)
from scraper.extract import (
    ExtractedPage,
    ExtractError,
    clean_title,
    extract_article,
    page_from_post,
)
from scraper.fetch import Fetcher, FetchError, FetchSettings, Response, origin
from scraper.images import ImageStore, absolute_images
from scraper.report import PageProblem, ScrapeReport, SitePlan, TipRecord
from scraper.series import detect_series
from scraper.write import ExistingTips, remove_stale_temp_files, write_tip
from tipbook.errors import UsageError
from tipbook.files import write_text_atomic
from tipbook.model import Tip
from tipbook.nearest import ChapterSimilarity
from tipbook.taxonomy import Taxonomy, load_taxonomy

STATE_FILE = "crawl-state.json"
SITEMAP_STATE_FILE = "sitemap-state.json"
ProgressCallback = Callable[[str, str, int, int | None], None]


@dataclass
class ScrapeOptions:
    """One scrape run, as the CLI (or a test) asks for it."""

    urls: list[str]
    content_dir: Path
    themes_file: Path
    settings: FetchSettings
    cache_dir: Path | None = None
    full: bool = False  # walk every archive page and re-fetch every post
    offline: bool = False  # answer only from the cache
    force: bool = False  # overwrite files an editor changed
    max_pages: int | None = None  # archive pages per start URL
    # Public origin to record in `source` (and links) instead of the host fetched from,
    # e.g. "https://cssamerica.com" when crawling a mirror of it.
    source_base: str | None = None
    via: str = "auto"  # "auto" (the best door found), or "rest", "feed", "html" to force one
    images: bool = True  # download the posts' images into content/media/


@dataclass
class _Job:
    """A tip to fetch: its link, what the archives said about it."""

    url: str
    title: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    archives: set[str] = field(default_factory=set)
    prefetched: Response | None = None
    explicit: bool = False  # named on the command line
    post: Post | None = None  # what the REST API or a feed said about it
    refresh: bool = False  # known, but the sitemap's lastmod says the post changed since
    via: str = ""  # the door to record when no `post` says it (a refreshed tip keeps its own)


@dataclass
class _Result:
    job: _Job
    page: ExtractedPage | None = None
    fetched_url: str = ""  # where the page (or the REST API's post) was read
    error: FetchError | None = None
    extract_error: str = ""
    images: dict[str, str] = field(default_factory=dict)  # src → path below content/
    image_problems: list[PageProblem] = field(default_factory=list)


class CrawlState:
    """Which archives the last run walked to the end, so the next run may stop paging early.

    Kept in the cache folder: a run killed mid-way leaves its archives marked unfinished,
    and the next run walks them fully again (answered from the cache by 304s).
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.path = cache_dir / STATE_FILE if cache_dir else None
        self.data: dict[str, bool] = {}
        if self.path and self.path.exists():
            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.data = {}

    def complete(self, archive: str) -> bool:
        return self.data.get(url_key(archive)) is True

    def mark(self, archive: str, complete: bool) -> None:
        if self.path is None:
            return
        self.data[url_key(archive)] = complete
        write_text_atomic(self.path, json.dumps(self.data, indent=1, sort_keys=True))


class SitemapState:
    """What the sitemaps said on earlier runs, kept in the cache folder beside the HTTP cache.

    `lastmod`: each post's sitemap lastmod when its page was last read (or first seen in
    content/), so a newer one means the post changed; `rejected`: the sitemap's posts whose
    page showed they are not the archive's, with their lastmod, not to be read again until
    it changes; `doors`: the door each archive was last read through, so a re-run that stops
    at a first page of known tips knows whether the sitemap is its source of dates.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.path = cache_dir / SITEMAP_STATE_FILE if cache_dir else None
        data: dict[str, dict[str, str]] = {}
        if self.path and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
        self.lastmod = dict(data.get("lastmod") or {})
        self.rejected = dict(data.get("rejected") or {})
        self.doors = dict(data.get("doors") or {})

    def save(self) -> None:
        if self.path is None:
            return
        data = {"doors": self.doors, "lastmod": self.lastmod, "rejected": self.rejected}
        write_text_atomic(self.path, json.dumps(data, indent=1, sort_keys=True))


def _iso(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment else ""


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


class _Run:
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
        self.jobs: dict[str, _Job] = {}
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

    # -- discovery ----------------------------------------------------------------------

    def _walk(self, start: str) -> bool:
        """Walk one start URL; True when its archive was read to the end (or it was a post)."""
        options = self.options
        page_url: str | None = start
        visited: set[str] = set()
        pages = 0
        may_stop = not self.full and self.state.complete(start)
        self.state.mark(start, False)
        while page_url and page_url not in visited:
            if options.max_pages and pages >= options.max_pages:
                self.report.notes.append(f"{start}: stopped after {pages} pages (--max-pages)")
                self._door_used(start, "html", False)
                return False
            visited.add(page_url)
            try:
                response = self.fetcher.get(page_url)
            except FetchError as error:
                self.report.failures.append(PageProblem(page_url, error.reason, "archive"))
                return False
            pages += 1
            soup = soup_of(response.text)
            if pages == 1 and not is_archive(soup, response.final_url):
                job = self._job(start)
                job.prefetched, job.explicit = response, True
                return True
            self.report.archive_pages += 1
            self.progress("page", page_url, self.report.archive_pages, None)
            listing = parse_archive(response.text, response.final_url, soup)
            all_known = bool(listing.entries)
            for entry in listing.entries:
                if not self.fetcher.is_allowed_host(entry.url):
                    self._skip(entry.url, "on another host; not followed", "link")
                    continue
                target = self.fetcher.cached_target(entry.url)
                # A tip met earlier in this run is as good as known: the widget repeats the
                # newest tips on every page, and must not keep the walk going.
                seen = url_key(target) in self.jobs or self.existing.knows(target)
                job = self._job(target)
                job.title = job.title or entry.title
                if entry.excerpt and (not job.excerpt or entry.from_widget):
                    job.excerpt = entry.excerpt
                job.tags += [t for t in entry.tags if t not in job.tags]
                job.archives.add(start)
                if not seen:
                    all_known = False
            # Before any door: a first page of known tips means nothing new (weekly re-runs).
            if pages == 1 and self.via != "html" and not (may_stop and all_known):
                through_door = self._read_doors(start, response.final_url, soup, may_stop)
                if through_door is not None:
                    return through_door
            if may_stop and all_known:
                if start not in self.archive_doors:
                    last = self.sitemap_state.doors.get(url_key(start), "")
                    self.archive_doors[start] = (self.via if self.via != "auto" else last, False)
                self.report.notes.append(
                    f"{start}: page {pages} lists only tips already in content/; "
                    "stopped paging (--full walks every page)"
                )
                return True
            page_url = listing.next_url
            if page_url and not self.fetcher.is_allowed_host(page_url):
                self._skip(page_url, "next page is on another host; not followed", "link")
                self._door_used(start, "html", False)
                return False
        self._door_used(start, "html", True)
        return True

    def _door_used(self, start: str, door: str, exhausted: bool) -> None:
        self.archive_doors[start] = (door, exhausted)
        self.sitemap_state.doors[url_key(start)] = door

    # -- the machine-readable doors -------------------------------------------------------

    def _read_doors(
        self, start: str, page_url: str, soup: BeautifulSoup, may_stop: bool
    ) -> bool | None:
        """List the archive's posts through the REST API, else its feed: True when read to
        the end, False when it stopped early or the forced door failed; None to fall back
        to the theme's pages."""
        reasons: list[str] = []
        for door in ("rest", "feed"):
            if self.via not in ("auto", door):
                continue
            try:
                if door == "rest":
                    read = self._read_rest(start, page_url, soup, may_stop)
                    self._door_used(start, "rest", read)
                    return read
                read = self._read_feed(start, soup, may_stop)
                self._door_used(start, "feed", read)
                if reasons:
                    self.report.notes.append(f"{start}: {'; '.join(reasons)}: read its feed")
                return read
            except DoorError as error:
                reasons.append(error.reason)
                if self.via == door:
                    self.report.failures.append(
                        PageProblem(start, f"--via {door}: {error.reason}", "archive")
                    )
                    return False
        self.report.notes.append(f"{start}: {'; '.join(reasons)}: reading the theme's pages")
        return None

    def _rest_reader(self, page_url: str, soup: BeautifulSoup) -> RestReader:
        site = origin(page_url)
        if site not in self.rest:
            try:
                api = find_rest_api(self.fetcher, page_url, soup)
                self.rest[site] = RestReader(self.fetcher, api)
            except DoorError as error:
                self.rest[site] = error
        found = self.rest[site]
        if isinstance(found, DoorError):
            raise found
        return found

    def _read_rest(self, start: str, page_url: str, soup: BeautifulSoup, may_stop: bool) -> bool:
        reader = self._rest_reader(page_url, soup)
        filters = reader.filter_for(start)
        return self._take_posts(start, reader.posts(filters, self._keep_going(start, may_stop)))

    def _read_feed(self, start: str, soup: BeautifulSoup, may_stop: bool) -> bool:
        url = feed_url(start, soup)
        reader = self.rest.get(origin(start))
        offset = reader.api.gmt_offset if isinstance(reader, RestReader) else None
        batches = read_feed(self.fetcher, url, self._keep_going(start, may_stop), offset)
        return self._take_posts(start, batches)

    def _keep_going(self, start: str, may_stop: bool) -> Callable[[list[Post]], bool]:
        """Incremental runs stop listing at the first page of posts all in content/, and
        --max-pages at that many pages."""
        self._stopped = False
        listed = [0]

        def keep_going(batch: list[Post]) -> bool:
            listed[0] += 1
            limit = self.options.max_pages
            if limit and listed[0] >= limit:
                self.report.notes.append(f"{start}: stopped after {limit} pages (--max-pages)")
                self._stopped = True
                return False
            if may_stop and batch and all(self.existing.knows(p.url) for p in batch):
                self.report.notes.append(
                    f"{start}: a page of posts lists only tips already in content/; "
                    "stopped listing (--full lists every page)"
                )
                self._stopped = True
                return False
            return True

        return keep_going

    def _take_posts(self, start: str, batches: Iterator[list[Post]]) -> bool:
        archive_tag = tag_from_url(start)
        for batch in batches:
            self.report.archive_pages += 1
            self.progress("page", start, self.report.archive_pages, None)
            for post in batch:
                if not is_web_url(post.url) or not self.fetcher.is_allowed_host(post.url):
                    # The listing is the site's to write: a post it links to another site
                    # (or to `javascript:`) would become that tip's source; it is not taken.
                    where = post.url or f"{post.via} post {post.post_id or '?'} (no link)"
                    self._skip(where, f"the {post.via} door links a post off the site", "archive")
                    continue
                if post.protected:
                    # Its page would give the password form's words as the tip's text.
                    self._skip(post.url, "password-protected on the site; not taken", "archive")
                    continue
                job = self._job(post.url)
                if post.post_id is not None:
                    self._merge_shortlink(job, post.post_id)
                if job.post is None or post.content_html:
                    job.post = post
                job.title = job.title or post.title
                job.excerpt = job.excerpt or post.excerpt
                tags = [*post.tags, *([archive_tag] if archive_tag and post.via == "feed" else [])]
                job.tags += [t for t in tags if t not in job.tags]
                job.archives.add(start)
        return not self._stopped

    def _merge_shortlink(self, job: _Job, post_id: int) -> None:
        """A `/?p=<id>` link met on a page is this post: one job, not two. Remembered as
        the redirect WordPress would answer, so the next run knows the link too."""
        alias = self.jobs.pop(url_key(f"/?p={post_id}"), None)
        if alias is None or alias is job:
            return
        self.fetcher.remember_redirect(alias.url, job.url)
        job.title = job.title or alias.title
        job.excerpt = job.excerpt or alias.excerpt
        job.tags += [t for t in alias.tags if t not in job.tags]
        job.archives |= alias.archives

    def _job(self, url: str) -> _Job:
        key = url_key(url)
        if key not in self.jobs:
            self.jobs[key] = _Job(url=canonicalize_url(url))
        return self.jobs[key]

    def _skip(self, url: str, reason: str, stage: str) -> None:
        if not any(s.url == url for s in self.report.skipped):
            self.report.skipped.append(PageProblem(url, reason, stage))

    # -- sitemaps: dates of known tips, and posts the listing missed ------------------------

    def _read_sitemaps(self) -> None:
        """Without the REST API, the site's sitemap (read once per site) gives each post's
        last change: a known tip whose `<lastmod>` is newer than when its page was last read
        is read again, even where the incremental early stop listed nothing. An archive
        whose listing ended by itself (not by an early stop or --max-pages) also takes the
        sitemap's posts no listing named, but only those whose page links that archive as
        its category or tag: any other post of the site is never a tip."""
        by_site: dict[str, list[str]] = {}
        for start, (door, _read) in self.archive_doors.items():
            if door in ("feed", "html"):
                by_site.setdefault(origin(start), []).append(start)
        for site, starts in by_site.items():
            try:
                entries = site_sitemap(self.fetcher, starts[0])
            except DoorError as error:
                self.report.notes.append(f"{site}: {error.reason}; known tips not re-dated")
                continue
            for url, lastmod in entries.items():
                self.lastmods[url_key(url)] = lastmod
                if self.existing.knows(url) and lastmod is not None and self._changed(url, lastmod):
                    self._refresh(url)
            exhausted = [
                s for s in starts if self.archive_doors[s][1] and archive_term(s) is not None
            ]
            if exhausted:
                self._discover(entries, exhausted)

    def _changed(self, url: str, lastmod: dt.datetime) -> bool:
        """Newer than the lastmod recorded when the page was last read, else than the
        cached page; with neither, today's lastmod becomes the one to compare with."""
        key = url_key(url)
        recorded = lastmod_time(self.sitemap_state.lastmod.get(key))
        if recorded is not None:
            return lastmod > recorded
        fetched = self.fetcher.fetched_at(self.fetcher.cached_target(url))
        if fetched is not None and lastmod.timestamp() > fetched:
            return True
        self.sitemap_state.lastmod[key] = _iso(lastmod)
        return False

    def _refresh(self, url: str) -> None:
        job = self._job(url)
        job.refresh = True
        path = self.existing.by_key.get(url_key(url))
        known = self.existing.tips.get(path) if path is not None else None
        if known is not None:
            # What the archives said last time stays (e.g. a tag archive's own tag), and
            # so does the door it came through: the sitemap only said when to look again.
            job.tags += [t for t in known.tags if t not in job.tags]
            job.via = job.via or known.via
            job.title = job.title or known.title

    def _discover(self, entries: dict[str, dt.datetime | None], starts: list[str]) -> None:
        rejected = self.sitemap_state.rejected
        for url, lastmod in entries.items():
            key = url_key(url)
            if key in self.jobs or self.existing.knows(url):
                continue
            if not self.fetcher.is_allowed_host(url):
                continue
            if key in rejected and rejected[key] == _iso(lastmod):
                continue  # read before and not the archive's; unchanged since
            try:
                response = self.fetcher.get(url)
            except FetchError as error:
                self._skip(url, f"in the sitemap: {error.reason}", "link")
                continue
            soup = soup_of(response.text)
            own = [s for s in starts if shows_archive(soup, response.final_url, s)]
            if not own:
                rejected[key] = _iso(lastmod)
                continue
            rejected.pop(key, None)
            job = self._job(url)
            job.prefetched, job.via = response, "html"
            for start in own:
                job.archives.add(start)
                tag = tag_from_url(start)
                if tag and tag not in job.tags:
                    job.tags.append(tag)
            self.report.notes.append(f"{url}: in the sitemap and in {own[0]}, not listed; read")

    # -- posts ----------------------------------------------------------------------------

    def _fetch_posts(self) -> None:
        jobs = []
        for job in self.jobs.values():
            if job.explicit or self.full or job.refresh or not self.existing.knows(job.url):
                jobs.append(job)
            else:
                self.report.known += 1
        total = len(jobs)
        workers = max(1, self.options.settings.concurrency)
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tipbook-fetch")
        try:
            futures = [pool.submit(self._fetch_post, job) for job in jobs]
            for done, future in enumerate(as_completed(futures), start=1):
                result = future.result()
                self._write_result(result)  # in this thread only: one writer
                self.progress("tip", result.job.url, done, total)
        except BaseException:
            # Ctrl-C (or a bug): drop the queued fetches instead of waiting for them all.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()

    def _fetch_post(self, job: _Job) -> _Result:
        """Fetch and extract one post (runs in a worker thread; writes no tip)."""
        post = job.post
        if post is not None and post.content_html:
            try:
                page = page_from_post(post)
            except ExtractError as error:
                return _Result(job, fetched_url=post.url, extract_error=error.reason)
            return self._with_images(_Result(job, page=page, fetched_url=post.url))
        try:
            response = job.prefetched or self.fetcher.get(job.url)
        except FetchError as error:
            return _Result(job, error=error)
        try:
            page = extract_article(response.text, response.final_url)
        except ExtractError as error:
            return _Result(job, fetched_url=response.final_url, extract_error=error.reason)
        return self._with_images(_Result(job, page=page, fetched_url=response.final_url))

    def _with_images(self, result: _Result) -> _Result:
        """Download the page's images (each once per run); a failed one is only noted."""
        if self.images is None or result.page is None:
            return result
        result.page.body_html, urls = absolute_images(result.page.body_html, result.fetched_url)
        for url in urls:
            image = self.images.get(url)
            if image.path is not None:
                result.images[url] = str(image.path)
            else:
                result.image_problems.append(PageProblem(url, image.reason, "image"))
        return result

    def _write_result(self, result: _Result) -> None:
        job = result.job
        tip: Tip | None = None
        note = ""
        if result.page is not None and url_key(job.url) in self.lastmods:
            # Read now: the sitemap's lastmod is what the next run compares with.
            self.sitemap_state.lastmod[url_key(job.url)] = _iso(self.lastmods[url_key(job.url)])
        for skipped in result.image_problems:
            self._skip(skipped.url, skipped.reason, skipped.stage)
        if result.page is not None:
            tip, problem = self._tip_from_page(job, result.page, result.fetched_url, result.images)
            if tip is None:
                note = problem
        else:
            error = result.error
            note = error.reason if error else result.extract_error
            if error is not None and not (error.gone or error.transient or error.disallowed):
                self.report.failures.append(PageProblem(job.url, error.reason, "post"))
                return
        if tip is None:
            tip, problem = self._excerpt_tip(job, note)
            if tip is None and result.error is not None and result.error.disallowed:
                self._skip(job.url, result.error.reason, "post")  # by choice, not a failure
                return
            if tip is None:
                self.report.failures.append(PageProblem(job.url, problem, "post"))
                return
        self._save(job, tip, note if tip.excerpt_only else "")

    @cached_property
    def chapters(self) -> ChapterSimilarity:
        # The chapters' own words only (themes.yml), not the tips in content/: a tip's
        # nearest chapter then never depends on what an earlier run wrote or on the order
        # of the crawl, so a re-scrape leaves files unchanged. Measured on the judged tips
        # it is as precise (tests/judged_chapters.py); `themes suggest` adds the tips.
        return ChapterSimilarity(self.taxonomy)

    def _save(self, job: _Job, tip: Tip, note: str) -> None:
        key = url_key(tip.source)
        previous = self.written.get(key)
        if previous is not None:
            # The same tip reached through another link (a shortlink, a redirect): merge
            # what the archives said, keep the fuller text, and write it once more.
            merged = tip if (previous.excerpt_only and not tip.excerpt_only) else previous
            merged.via = merged.via or tip.via
            merged.tags = sorted(set(previous.tags) | set(tip.tags))
            tip = merged
        # Themes last, once per tip: from its final tags and text.
        tip.themes, reasons = assign_themes(
            self.taxonomy, tip.tags, tip.title, tip.body, self.chapters
        )
        outcome, path = write_tip(self.options.content_dir, tip, self.existing, self.options.force)
        record = TipRecord(
            url=tip.source or job.url,
            title=tip.title,
            path=str(path.relative_to(self.options.content_dir)),
            outcome=outcome.value,
            excerpt_only=tip.excerpt_only,
            via=tip.via,
            themes=list(tip.themes),
            reasons=[str(r) for r in reasons],
            note=note,
        )
        if previous is not None:
            old = self.written_records[key]
            old.themes, old.reasons, old.path = record.themes, record.reasons, record.path
            if old.excerpt_only and not record.excerpt_only:
                old.excerpt_only, old.note, old.via = False, "", record.via
            self.written[key] = tip
            return
        self.written[key] = tip
        self.written_records[key] = record
        self.report.tips.append(record)

    # -- building tips --------------------------------------------------------------------

    def _public(self, url: str) -> str:
        """`url` with the fetched host replaced by --source-base (when given)."""
        base = self.options.source_base
        if not base or not self.fetcher.is_allowed_host(url):
            return url
        target, parts = urlsplit(base), urlsplit(url)
        return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))

    def _tip_from_page(
        self, job: _Job, page: ExtractedPage, fetched_url: str, images: dict[str, str]
    ) -> tuple[Tip | None, str]:
        listed_title, listed_date = clean_title(job.title) if job.title else ("", None)
        title = page.title or listed_title
        date = page.date or (job.post.date if job.post else None) or listed_date
        if date is None:
            return None, "no publication date on the page (no <time>, meta, dated URL or title)"
        source = self._public(page.canonical or fetched_url)
        origin_map = {}
        for fetched in {origin(fetched_url), origin(job.url)}:
            if fetched != origin(source):
                origin_map[fetched] = origin(source)
        # Tips live in tips/<year>/: the images' paths are relative to that folder.
        local = {url: str(PurePosixPath("..", "..", path)) for url, path in images.items()}
        body = html_to_markdown(page.body_html, source, origin_map, local)
        if not body:
            return None, "the page has no article text"
        tags = sorted({t.lower() for t in (*job.tags, *page.tags)})
        tip = Tip(
            title=title,
            date=date,
            tags=tags,
            summary=summarize(body, job.excerpt),
            takeaway=find_takeaway(body),
            series=detect_series(title, body),
            source=source,
            via=self._door(job),
            body=body,
        )
        return tip, ""

    @staticmethod
    def _door(job: _Job) -> str:
        return job.post.via if job.post is not None else (job.via or "html")

    def _excerpt_tip(self, job: _Job, reason: str) -> tuple[Tip | None, str]:
        """The archive's excerpt as the tip, when the post page cannot be had."""
        if not job.excerpt or not job.title:
            return None, reason or "no text found"
        title, date = clean_title(job.title)
        date = date or (job.post.date if job.post else None)
        if date is None:
            return None, f"{reason}; and the archive gives no date for the excerpt"
        excerpt = job.excerpt.strip()
        body = excerpt if excerpt.endswith((".", "!", "?", "…", "”")) else excerpt + " …"
        tags = sorted({t.lower() for t in job.tags})
        tip = Tip(
            title=title,
            date=date,
            tags=tags,
            summary=summarize("", excerpt),
            series=detect_series(title, excerpt),
            source=self._public(job.url),
            via="archive",
            excerpt_only=True,
            body=body,
        )
        return tip, ""


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
