"""Fetching: the posts and their images, on a thread pool; one writer thread."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed

from scraper.extract import (
    ExtractError,
    extract_article,
    page_from_post,
)
from scraper.fetch import FetchError
from scraper.images import absolute_images
from scraper.report import PageProblem
from scraper.runstate import Job, Result, RunBase


class PostFetching(RunBase):
    """Fetch and extract each post in worker threads; results are written in this one."""

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

    def _fetch_post(self, job: Job) -> Result:
        """Fetch and extract one post (runs in a worker thread; writes no tip)."""
        post = job.post
        if post is not None and post.content_html:
            try:
                page = page_from_post(post)
            except ExtractError as error:
                return Result(job, fetched_url=post.url, extract_error=error.reason)
            return self._with_images(Result(job, page=page, fetched_url=post.url))
        try:
            response = job.prefetched or self.fetcher.get(job.url)
        except FetchError as error:
            return Result(job, error=error)
        try:
            page = extract_article(response.text, response.final_url)
        except ExtractError as error:
            return Result(job, fetched_url=response.final_url, extract_error=error.reason)
        return self._with_images(Result(job, page=page, fetched_url=response.final_url))

    def _with_images(self, result: Result) -> Result:
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
