"""Discovery: walk a start URL's archive pages and read its posts through the best door."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from bs4 import BeautifulSoup

from scraper.discover import (
    ArchiveEntry,
    is_archive,
    is_web_url,
    parse_archive,
    soup_of,
    tag_from_url,
    url_key,
)
from scraper.doors import (
    DoorError,
    Post,
    RestReader,
    feed_url,
    find_rest_api,
    read_feed,
)
from scraper.fetch import FetchError, origin
from scraper.report import PageProblem
from scraper.runstate import RunBase


class Discovery(RunBase):
    """The archive walk (theme pages) and the machine-readable doors (REST API, feed)."""

    def _walk(self, start: str) -> bool:
        """Walk one start URL; True when its archive was read to the end (or it was a post)."""
        options = self.options
        page_url: str | None = start
        visited: set[str] = set()
        pages = 0
        if not self._cache_has_door(start):
            return False
        may_stop = not self.full and self.state.complete(start)
        self.state.mark(start, False)
        door_read: bool | None = None  # what the door said, once it was read
        while page_url and page_url not in visited:
            if options.max_pages and pages >= options.max_pages:
                self.report.notes.append(f"{start}: stopped after {pages} pages ({{max_pages}})")
                if door_read is None:
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
            all_known, lacking = self._take_entries(start, listing.entries)
            if door_read is not None and (pages > 1 and not lacking or not listing.next_url):
                return door_read  # the door listed every post of this archive page
            # Before any door: a first page of known tips means nothing new (weekly re-runs).
            if pages == 1 and self.via != "html" and not (may_stop and all_known):
                door_read = self._read_doors(start, response.final_url, soup, may_stop)
                if door_read is not None and (
                    self.archive_doors.get(start, ("",))[0] != "rest" or not listing.next_url
                ):
                    return door_read
                # The REST API lacks posts the archive lists (deleted from REST, private,
                # a plugin's filter): its pages are walked on while they list such posts.
            if may_stop and all_known:
                if start not in self.archive_doors:
                    last = self.sitemap_state.doors.get(url_key(start), "")
                    self.archive_doors[start] = (self.via if self.via != "auto" else last, False)
                self.report.notes.append(
                    f"{start}: page {pages} lists only tips already in content/; "
                    "stopped paging ({full} walks every page)"
                )
                return True
            page_url = listing.next_url
            if page_url and not self.fetcher.is_allowed_host(page_url):
                self._skip(page_url, "next page is on another host; not followed", "link")
                self._door_used(start, "html", False)
                return False
        if door_read is not None:
            return door_read
        self._door_used(start, "html", True)
        return True

    def _cache_has_door(self, start: str) -> bool:
        """Offline, a forced door can only be read if the run that filled the cache used it:
        one failure naming the door that did, instead of a "not in the cache" per page."""
        last = self.sitemap_state.doors.get(url_key(start), "")
        if not self.options.offline or self.via in ("auto", last) or not last:
            return True
        reason = (
            f"{{offline}} {{via}} {self.via}: the cache holds this archive as read through "
            f"the {last} door: use {{via}} {last} (or auto), or run without {{offline}}"
        )
        self.report.failures.append(PageProblem(start, reason, "archive"))
        return False

    def _take_entries(self, start: str, entries: list[ArchiveEntry]) -> tuple[bool, bool]:
        """Jobs for an archive page's entries: (all of them known, some new to this run)."""
        all_known, lacking = bool(entries), False
        for entry in entries:
            if not self.fetcher.is_allowed_host(entry.url):
                self._skip(entry.url, "on another host; not followed", "link")
                continue
            target = self.fetcher.cached_target(entry.url)
            lacking = lacking or url_key(target) not in self.jobs
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
        return all_known, lacking

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
                        PageProblem(start, f"{{via}} {door}: {error.reason}", "archive")
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
                self.report.notes.append(f"{start}: stopped after {limit} pages ({{max_pages}})")
                self._stopped = True
                return False
            if may_stop and batch and all(self.existing.knows(p.url) for p in batch):
                self.report.notes.append(
                    f"{start}: a page of posts lists only tips already in content/; "
                    "stopped listing ({full} lists every page)"
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
