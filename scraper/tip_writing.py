"""Writing: a fetched page (or an excerpt) becomes a classified tip file."""

from __future__ import annotations

from functools import cached_property
from pathlib import PurePosixPath
from urllib.parse import urlsplit, urlunsplit

from scraper.classify import assign_themes, find_takeaway, summarize
from scraper.convert import html_to_markdown
from scraper.discover import (
    url_key,
)
from scraper.extract import (
    ExtractedPage,
    clean_title,
)
from scraper.fetch import origin
from scraper.report import PageProblem, TipRecord
from scraper.runstate import Job, Result, RunBase, iso
from scraper.series import detect_series
from scraper.write import write_tip
from tipbook.model import Tip
from tipbook.nearest import ChapterSimilarity


class TipWriting(RunBase):
    """Build a tip from a result, give it its themes and write it (one writer)."""

    def _write_result(self, result: Result) -> None:
        job = result.job
        tip: Tip | None = None
        note = ""
        if result.page is not None and url_key(job.url) in self.lastmods:
            # Read now: the sitemap's lastmod is what the next run compares with.
            self.sitemap_state.lastmod[url_key(job.url)] = iso(self.lastmods[url_key(job.url)])
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

    def _save(self, job: Job, tip: Tip, note: str) -> None:
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
        self, job: Job, page: ExtractedPage, fetched_url: str, images: dict[str, str]
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
    def _door(job: Job) -> str:
        return job.post.via if job.post is not None else (job.via or "html")

    def _excerpt_tip(self, job: Job, reason: str) -> tuple[Tip | None, str]:
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
