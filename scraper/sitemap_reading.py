"""Sitemaps: the dates of known tips, and the archive's posts no listing named."""

from __future__ import annotations

import datetime as dt

from scraper.discover import (
    soup_of,
    tag_from_url,
    url_key,
)
from scraper.doors import (
    DoorError,
    archive_term,
    lastmod_time,
    shows_archive,
    site_sitemap,
)
from scraper.fetch import FetchError, origin
from scraper.runstate import RunBase, iso


class SitemapReading(RunBase):
    """Reads each site's sitemap once per run (without the REST API)."""

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
        self.sitemap_state.lastmod[key] = iso(lastmod)
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
            if key in rejected and rejected[key] == iso(lastmod):
                continue  # read before and not the archive's; unchanged since
            try:
                response = self.fetcher.get(url)
            except FetchError as error:
                self._skip(url, f"in the sitemap: {error.reason}", "link")
                continue
            soup = soup_of(response.text)
            own = [s for s in starts if shows_archive(soup, response.final_url, s)]
            if not own:
                rejected[key] = iso(lastmod)
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
