"""A two-process build: a forked worker renders half of the tip pages.

MkDocs renders pages one after another; on a machine with two or more CPUs, tipbook forks
once after the navigation is built. The worker process reads, renders and writes 9 in 16 of
the tip pages (Markdown, template, search entries) while the main process does the rest; the
main process skips the worker's pages (it still reads their metadata, so tags, the sitemap
and the neighbours' footers see them), then merges the worker's search entries and repeats
its warnings, so a strict build fails the same way. A worker that fails fails the build.
The MkDocs and Material internals the worker needs are reached through `speedups`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import signal
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from tipbook import publish
from tipbook.site import speedups

MIN_PAGES = 200  # below this, forking costs more than it saves
SKIP_TEMPLATE = "tipbook-skip.html"  # renders nothing: MkDocs then writes nothing


# The main process also renders the lists, the sitemap and the search index and reads the
# worker's pages' metadata, so the worker takes more of the tip pages: measured at 1,000
# and 5,000 tips, the two finish together near 9 of every 16 (with half each, the worker
# waited idle for a second and more).
WORKER_SHARE = (9, 16)


def worker_share(uris: list[str]) -> list[str]:
    """The tip pages the worker renders: `WORKER_SHARE` of them, spread over the list."""
    taken, period = WORKER_SHARE
    return [uri for index, uri in enumerate(uris) if index % period < taken]


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def should_fork(pages: int) -> bool:
    """Fork where it can help: two or more CPUs, enough pages, and `os.fork` (POSIX).
    (The caller checks that the speed-ups may run: `speedups.active`.)

    Not the load average: a build must not switch between one and two processes with what
    else runs at that moment, or its time would not scale with the number of tips.
    `TIPBOOK_BUILD_PROCESSES=1` builds in one process, `=2` forks even on one CPU.

    Never while other threads run (`may_fork`).
    """
    wanted = os.environ.get("TIPBOOK_BUILD_PROCESSES", "")
    if wanted == "1" or pages < MIN_PAGES or not may_fork():
        return False
    return wanted == "2" or available_cpus() >= 2


def may_fork() -> bool:
    """Whether this process may fork now: POSIX, and no thread but this one. Python documents
    a fork with live threads as unsafe (the child inherits locks that no thread of it will
    release), so the render worker and the served-index writer both ask here, and a build
    beside other threads (`tipbook serve`'s scheduled rebuild, a test's loopback server)
    runs in one process."""
    return hasattr(os, "fork") and threading.active_count() == 1


@dataclass
class Worker:
    """The forked worker as the main process sees it."""

    pid: int
    result_path: str
    uris: frozenset[str]
    merged: bool = field(default=False)
    seconds: float = 0.0

    def join(self, config: Any, log: logging.Logger, page_urls: list[str] | None = None) -> None:
        """Wait for the worker; merge its search entries and repeat its warnings.

        With `page_urls` (the pages in MkDocs' build order), the merged search entries
        follow that order, as a one-process build writes them, whatever the split."""
        if self.merged:
            return
        self.merged = True
        _, status = os.waitpid(self.pid, 0)
        try:
            with open(self.result_path, encoding="utf-8") as handle:
                result = json.load(handle)
        except (OSError, ValueError):
            result = {"error": f"the worker process ended without a result ({ending(status)})"}
        finally:
            if os.path.exists(self.result_path):
                os.unlink(self.result_path)
        self.seconds = float(result.get("seconds", 0.0))
        log.debug("worker process: %d pages in %.2f s", len(self.uris), self.seconds)
        for level, message in result.get("records", []):
            log.log(level, message)
        if result.get("error"):
            raise PluginError(f"building tip pages in a second process failed: {result['error']}")
        entries = speedups.search_entries(config)
        if entries is not None:
            entries.extend(result.get("entries", []))
            if page_urls is not None:
                position = {url: index for index, url in enumerate(page_urls)}
                last = len(position)
                # Stable: a page's sections keep their order after the page's own entry.
                entries.sort(key=lambda e: position.get(e["location"].split("#")[0], last))

    def kill(self) -> None:
        """Stop the worker at once and drop its result."""
        if not self.merged:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self.discard()

    def discard(self) -> None:
        """Wait for the worker and drop its result (the build failed anyway)."""
        if not self.merged:
            self.merged = True
            os.waitpid(self.pid, 0)
            if os.path.exists(self.result_path):
                os.unlink(self.result_path)


def ending(status: int) -> str:
    """How a child process ended, in words (`os.waitpid`'s status)."""
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def fork_worker(
    config: Any,
    files: Files,
    nav: Navigation,
    uris: list[str],
    prepare_env: Any,
    first_uris: list[str],
) -> Worker:
    """Fork a worker that populates and builds the pages at `uris` and exits.

    `first_uris` are pages the worker reads (not writes) first because other pages depend
    on them (the tags index registers its listing with Material's tags plugin).
    """
    # The report goes in the build's own (staging) folder: a killed build leaves nothing
    # behind elsewhere; `join` removes it before the site is published.
    folder = config.site_dir if os.path.isdir(config.site_dir) else None
    fd, result_path = tempfile.mkstemp(
        prefix=publish.WORKER_RESULT_PREFIX, suffix=".json", dir=folder
    )
    os.close(fd)
    parent = os.getpid()
    # As the `gc` docs advise before a fork: move everything built so far (the tips, the
    # navigation, the related map) out of the collector's reach, so the worker's collections
    # neither scan those objects again and again nor copy their memory pages by touching
    # them. The main process takes them back at once: it behaves as before.
    gc.freeze()
    pid = os.fork()
    if pid:
        gc.unfreeze()
        return Worker(pid, result_path, frozenset(uris))
    # --- in the worker process: never return from here ---
    publish.die_with_parent(parent)  # a killed build must not leave a worker writing
    started = time.perf_counter()
    status = 0
    result: dict[str, Any] = {}
    handler = _Records()
    logger = logging.getLogger("mkdocs")
    logger.handlers = [handler]
    logger.propagate = False
    try:
        entries = speedups.search_entries(config)
        before = len(entries) if entries is not None else 0
        for uri in first_uris:
            file = files.get_file_from_path(uri)
            if file is not None and file.page is not None:
                speedups.populate_page(file.page, config, files)
        found = [files.get_file_from_path(uri) for uri in uris]
        pages = [file.page for file in found if file is not None and file.page is not None]
        for page in pages:
            speedups.populate_page(page, config, files)
        env = prepare_env(config.theme.get_env(), config=config, files=files)
        inclusion = InclusionLevel.is_included
        doc_files = files.documentation_pages(inclusion=inclusion)
        for page in pages:
            speedups.build_page(page, config, doc_files, nav, env)
        for page in pages:
            page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        if entries is not None:
            result["entries"] = entries[before:]
    except BaseException as error:  # report anything, then exit: never run the parent's code
        result["error"] = f"{error}\n{traceback.format_exc(limit=5)}"
        status = 1
    result["records"] = handler.records
    result["seconds"] = time.perf_counter() - started
    try:
        with open(result_path, "w", encoding="utf-8") as out:
            json.dump(result, out)
    finally:
        os._exit(status)
