"""Scheduled tips go live on their date by themselves: the running server's publisher.

A tip dated after today is left out of the site until a build runs on or after its date.
`tipbook serve` starts a `Publisher`, which wakes up every `interval` seconds, asks its
clock what day it is and, once the next scheduled tip's date has come, rebuilds the site
with `tipbook.site.build_site`, the same (atomic) build as `tipbook build`. Nothing else
changes for the server: it keeps serving the site folder, which now holds the new pages.
(The search API needs nothing: it hides tips dated after today when it answers.)

For a static host, a daily `tipbook build` (cron, CI) does the same: see the README.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tipbook.config import Config
from tipbook.content import read_tip
from tipbook.editor import existing_tips
from tipbook.errors import TipbookError
from tipbook.model import current_date

if TYPE_CHECKING:
    from tipbook.site import BuildResult

log = logging.getLogger("tipbook.schedule")
CHECK_INTERVAL = 60.0  # seconds between two looks at the clock: dates change once a day


def next_publication(content_dir: Path, today: dt.date) -> dt.date | None:
    """The date of the first tip scheduled after `today` that is not a draft (None: none).

    Dates come from the file names, so only the few files dated after today are parsed
    (to leave out drafts), however many tips the archive holds. A file that does not parse
    counts by its name's date: on that day the publisher's build says what is wrong with it
    (and retries), instead of the tip silently never going live.
    """
    dates = []
    for date, _, path in existing_tips(content_dir):
        if date > today:
            _, tip, _ = read_tip(path, str(path))
            if tip is None:
                dates.append(date)
            elif not tip.draft and tip.date > today:
                dates.append(tip.date)
    return min(dates, default=None)


def built_date(site_dir: Path, default: dt.date) -> dt.date:
    """The day the site in `site_dir` was built (its home page's modification day).

    A server started on Tuesday with last week's site must publish Tuesday's tip at once,
    not wait for the next scheduled one.
    """
    try:
        return dt.date.fromtimestamp((Path(site_dir) / "index.html").stat().st_mtime)
    except OSError:
        return default


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


class Publisher:
    """Rebuilds the site when the clock reaches the next scheduled tip's date.

    `clock` must name the day the build itself calls today (`current_date`, which honours
    `$TIPBOOK_TODAY`): the build decides what is published, this only decides when to build.
    `check()` runs one look at the clock; `start()` looks every `interval` seconds.
    """

    def __init__(
        self,
        config: Config,
        site_dir: Path | None = None,
        clock: Callable[[], dt.date] = current_date,
        interval: float = CHECK_INTERVAL,
    ) -> None:
        self.config = config
        self.site_dir = site_dir
        self.clock = clock
        self.interval = interval
        self.built_on = min(clock(), built_date(site_dir or config.site_dir, clock()))
        self.builds = 0
        self.checks = 0  # looks at the clock so far: what a watcher waits on, not on time
        self.last_error: str | None = None  # the last build's failure or held-back tips
        self._held: dict[Path, int | None] = {}  # held-back files, with their mtimes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _build_site(self) -> BuildResult:
        """A build as `tipbook build` (not --strict) makes it: a tip broken since the last
        one is held back and logged, and never costs the other tips' publication."""
        from tipbook.site import build_site

        result = build_site(self.config, site_dir=self.site_dir)
        lines = result.held_back.error_lines() if result.held_back else []
        # Held-back files are watched: saving one (fixed) rebuilds at the next look.
        self._held = {Path(w.shown): _mtime(Path(w.shown)) for w in result.held_back.withheld}
        if lines and "\n".join(lines) != self.last_error:
            for line in lines:
                log.error("%s", line)
        self.last_error = "\n".join(lines) or None
        return result

    def _held_changed(self) -> bool:
        return any(_mtime(path) != stamp for path, stamp in self._held.items())

    @property
    def next_date(self) -> dt.date | None:
        """When the next rebuild is due: the next scheduled tip's date after the last build."""
        return next_publication(self.config.content_dir, self.built_on)

    def check(self) -> bool:
        """Rebuild if a scheduled tip's date has come since the last build, or a tip the
        last build held back for errors was saved since; True if it did.

        A tip broken meanwhile is held back (logged, in `last_error`) and the rest
        published; a failed build (themes.yml broken) is logged and retried at the next
        check, the site already served staying as it was.
        """
        today = self.clock()
        self.checks += 1
        if today < self.built_on:
            # The clock went back (corrected, or $TIPBOOK_TODAY moved): a tip dated between
            # today and that later build day was never built; look again from today.
            self.built_on = today
        due = self.next_date
        if (due is None or due > today) and not self._held_changed():
            return False
        try:
            result = self._build_site()
        except TipbookError as error:
            if error.message != self.last_error:
                log.error("Publishing the tip of %s failed: %s", due or today, error.message)
            self.last_error = error.message
            return False
        self.built_on = today
        self.builds += 1
        log.info(
            "Published the tips scheduled up to %s: the site was rebuilt (%.1f s)",
            today.isoformat(),
            result.seconds,
        )
        return True

    def start(self) -> None:
        """Check the clock every `interval` seconds in a background thread until `stop()`."""
        self._thread = threading.Thread(target=self._run, name="tipbook-publisher", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:  # a first look at once: the site served may be days old
            try:
                self.check()
            except Exception:  # the server must outlive any publishing trouble
                log.exception("Publishing scheduled tips failed")
            if self._stop.wait(self.interval):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
