"""What the units of a scrape run share: its jobs, its results and its saved state.

`RunBase` holds a run's state (set up by `scraper.pipeline._Run`) and the helpers every
unit uses; the units are classes by job, each in its own module: discovery through the
doors (`scraper.discovery`), the sitemaps (`scraper.sitemap_reading`), fetching posts and
their images on a thread pool (`scraper.post_fetching`), and classifying and writing tips
(`scraper.tip_writing`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from scraper.discover import canonicalize_url, url_key
from scraper.doors import DoorError, Post, RestReader
from scraper.extract import ExtractedPage
from scraper.fetch import Fetcher, FetchError, FetchSettings, Response
from scraper.images import ImageStore
from scraper.report import PageProblem, ScrapeReport, TipRecord
from scraper.write import ExistingTips
from tipbook.files import write_text_atomic
from tipbook.model import Tip
from tipbook.taxonomy import Taxonomy

STATE_FILE = "crawl-state.json"
SITEMAP_STATE_FILE = "sitemap-state.json"
ProgressCallback = Callable[[str, str, int, int | None], None]


def option_names() -> tuple[str, ...]:
    """The names of `ScrapeOptions`: a note or reason names an option as `{name}`, and each
    front end words it (the CLI as `--name`, `tipbook.errors.word_options`)."""
    return tuple(option.name for option in fields(ScrapeOptions))


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
class Job:
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
class Result:
    job: Job
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


def iso(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment else ""


class RunBase:
    """A scrape run's state, shared by its units (see the module docstring)."""

    options: ScrapeOptions
    progress: ProgressCallback
    report: ScrapeReport
    via: str
    full: bool
    taxonomy: Taxonomy
    jobs: dict[str, Job]
    written: dict[str, Tip]  # canonical key → tip written this run
    written_records: dict[str, TipRecord]
    rest: dict[str, RestReader | DoorError]  # origin → the site's REST API
    archive_doors: dict[str, tuple[str, bool]]  # start → (door, listing read to the end)
    lastmods: dict[str, dt.datetime | None]  # url key → sitemap lastmod
    existing: ExistingTips
    state: CrawlState
    sitemap_state: SitemapState
    fetcher: Fetcher
    images: ImageStore | None

    def _merge_shortlink(self, job: Job, post_id: int) -> None:
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

    def _job(self, url: str) -> Job:
        key = url_key(url)
        if key not in self.jobs:
            self.jobs[key] = Job(url=canonicalize_url(url))
        return self.jobs[key]

    def _skip(self, url: str, reason: str, stage: str) -> None:
        if not any(s.url == url for s in self.report.skipped):
            self.report.skipped.append(PageProblem(url, reason, stage))

    def _write_result(self, result: Result) -> None:
        raise NotImplementedError  # scraper.tip_writing.TipWriting
