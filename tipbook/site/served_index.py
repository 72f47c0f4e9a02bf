"""`tipbook serve`'s search index of one build (`search.indexer.write_published_index`),
written by a forked process while the main process renders the pages.

Whoosh writes every posting in Python (a few seconds per 1,000 tips), all of it work the
pages do not wait for. Forked as soon as the tips are collected, the writer uses the CPU
the main process leaves idle while it prepares the pages (the related tips, the generated
lists) and shares the rest with the render. It forks only where the render worker may
(`parallel.should_fork`, which asks `parallel.may_fork`: no other thread runs, since a fork
copies the locks a thread holds); elsewhere (the scheduled rebuild of `tipbook serve` runs
beside the server's threads) it writes the index in this process, after the pages.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import traceback
from collections.abc import Sequence
from pathlib import Path

from tipbook import publish
from tipbook.errors import TipbookError
from tipbook.model import Tip
from tipbook.site import parallel

_MAX_ERROR = 4000  # characters of a failed writer's message the build reports


class ServedIndexJob:
    """At most one index writer per build: `start` it with the published tips, `finish` it
    before the site is published (it raises when the index could not be written)."""

    def __init__(self) -> None:
        self.pid = 0
        self._errors = -1  # the read end of the child's error pipe
        self._deferred: tuple[Path, Sequence[tuple[Tip, str]], Path | None] | None = None

    def start(
        self,
        site_dir: Path,
        tips: Sequence[tuple[Tip, str]],
        content_dir: Path | None,
        *,
        fork: bool,
    ) -> None:
        """Write the index of `tips` (each with its file below content/) into `site_dir`:
        in a forked process when `fork` and no other thread runs, else at `finish`."""
        self.cancel()
        if not (fork and parallel.may_fork()):
            self._deferred = (site_dir, tips, content_dir)
            return
        from search.concepts import tip_terms

        for tip, _ in tips:  # analysed once, here: the writer inherits the terms (memoised),
            tip_terms(tip)  # and the static index, which this process prepares, uses them
        read_end, write_end = os.pipe()
        parent = os.getpid()
        gc.freeze()  # as `parallel.fork_worker` does: the child leaves the tips' pages alone
        pid = os.fork()
        if pid:
            gc.unfreeze()
            os.close(write_end)
            self.pid, self._errors = pid, read_end
            return
        # --- in the child: never return from here ---
        os.close(read_end)
        status = 0
        try:
            publish.die_with_parent(parent)  # a killed build must not leave a writer behind
            _write(site_dir, tips, content_dir)
        except BaseException as error:  # report anything, then exit: never run the parent's code
            status = 1
            message = f"{error}\n{traceback.format_exc(limit=5)}"[:_MAX_ERROR]
            os.write(write_end, message.encode("utf-8", "replace"))
        finally:
            os._exit(status)

    def finish(self) -> None:
        """Wait for the writer (or write now); `TipbookError` when the index failed."""
        deferred, self._deferred = self._deferred, None
        if deferred is not None:
            _write(*deferred)
            return
        if not self.pid:
            return
        pid, self.pid = self.pid, 0
        with os.fdopen(self._errors, "rb") as errors:
            message = errors.read().decode("utf-8", "replace").strip()
        _, status = os.waitpid(pid, 0)
        if status or message:
            reason = message or f"its process ended: {parallel.ending(status)}"
            raise TipbookError(f"writing the search index of the site failed: {reason}")

    def cancel(self) -> None:
        """Stop a writer the build no longer waits for (the build failed)."""
        self._deferred = None
        if self.pid:
            pid, self.pid = self.pid, 0
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(self._errors)


def _write(site_dir: Path, tips: Sequence[tuple[Tip, str]], content_dir: Path | None) -> None:
    from search.indexer import write_published_index

    write_published_index(site_dir, tips, content_dir)
