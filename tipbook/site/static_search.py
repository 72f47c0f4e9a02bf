"""The static export's search index (Pagefind, see search.static) for one build, whichever
engine renders the pages: started with the tips and their page URLs (it indexes them in a
background process while the pages render), finished into the site folder."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tipbook.site.collect import Collection
from tipbook.synonyms import Synonyms, load_synonyms


class StaticSearchRun:
    """At most one Pagefind indexing job at a time; a failure is a warning, not an error
    (the site works without its static search)."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log
        self.job: Any = None  # search.static.StaticIndexJob while it runs
        self._later: Callable[[], Any] | None = None  # makes the job, at `finish`
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None  # writing in the background
        self._pending: Callable[[], None] | None = None  # the next index it writes

    def prepare(
        self,
        collection: Collection,
        urls: Mapping[str, str],
        content_dir: Path | None = None,
        *,
        later: bool = False,
    ) -> None:
        """Get `collection`'s tips ready to index (no thread yet: see `start`); `urls` maps a
        tip's source path to its page URL; `content_dir`'s synonym sets are indexed too.
        With `later` (the preview, which never forks), the pages Pagefind reads are written
        by `finish`, in its background thread: a one-tip edit does not wait for a thousand."""
        from search.concepts import ConceptWords
        from search.static import StaticIndexJob, StaticSearchUnavailable

        self.cancel()
        tips = [
            (tip, url)
            for tip in collection.tips
            if (url := urls.get(collection.src_uri(tip))) is not None
        ]
        titles = {theme.id: theme.title for theme in collection.taxonomy}
        # A broken synonyms.yml is `check`'s to report: the index goes without it.
        synonyms = load_synonyms(content_dir)[0] if content_dir is not None else Synonyms()
        concepts = ConceptWords(synonyms, collection.taxonomy)
        if later:
            self._later = lambda: StaticIndexJob(tips, titles, concepts)
            return
        try:
            self.job = StaticIndexJob(tips, titles, concepts)
        except StaticSearchUnavailable as error:
            self.log.warning("static search index not written: %s", error)

    def start(self) -> None:
        """Run the indexing in the background; after the build forked its render worker,
        if it does (no thread may be alive at a fork)."""
        if self.job is not None:
            self.job.start()

    def finish(self, site_dir: Path, *, background: bool = False) -> None:
        """Write the index into `site_dir`; with `background`, in a thread (the preview)."""
        from search.static import StaticSearchUnavailable

        job, self.job = self.job, None
        later, self._later = self._later, None
        if job is None and later is None:
            return

        def finish() -> None:
            try:
                (job or later()).finish(site_dir)  # type: ignore[misc]
            except StaticSearchUnavailable as error:
                self.log.warning("static search index not written: %s", error)
            except FileNotFoundError:
                if site_dir.exists():
                    raise
                # the preview stopped and removed its folder meanwhile: nothing to index

        if not background:
            finish()
            return
        with self._lock:
            # Edits saved while an index is being written coalesce: the running thread
            # writes the latest one next, instead of one thread per save (each holding
            # the interpreter while the preview renders the next edit).
            self._pending = finish
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run_pending, name="tipbook-pagefind", daemon=True
                )
                self._thread.start()

    def _run_pending(self) -> None:
        while True:
            with self._lock:
                finish, self._pending = self._pending, None
                if finish is None:
                    self._thread = None
                    return
            try:
                finish()
            except Exception as error:  # the site it wrote into was swapped away, say:
                # the thread goes on (the next index is written), or no index ever would be.
                self.log.warning("static search index not written: %s", error)

    def wait(self) -> None:
        """Wait until the index written in the background (the preview's) is in place."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()

    def cancel(self) -> None:
        self._later = None
        job, self.job = self.job, None
        if job is not None:
            job.cancel()
