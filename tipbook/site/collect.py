"""Collect the tips a build shows and group them the ways the handbook lists them.

Plain library code (no MkDocs): the plugin, the preview and tests all call `collect_tips`.
Every grouping is built in one pass over the tips, so nothing here is quadratic.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tipbook.check import ParseCache, VerdictCache, judge_content
from tipbook.errors import Problem
from tipbook.model import Tip, current_date, slugify
from tipbook.taxonomy import THEMES_FILE, Taxonomy, load_taxonomy


@dataclass(frozen=True)
class SeriesInfo:
    """A series of tips: its name, URL slug and parts in part order."""

    name: str
    slug: str
    parts: tuple[Tip, ...]

    @property
    def total(self) -> int:
        # A missing part (not yet published, or a draft) still counts towards "of N".
        return max(len(self.parts), max((t.series.part for t in self.parts if t.series), default=0))


@dataclass(frozen=True)
class SeriesPosition:
    """Where one tip sits in its series: "Part 3 of 4", with the neighbouring parts."""

    series: SeriesInfo
    part: int
    previous: Tip | None
    next: Tip | None

    @property
    def label(self) -> str:
        return f"Part {self.part} of {self.series.total}"


@dataclass
class Collection:
    """The tips of one build, newest first, with every grouping the site lists."""

    tips: list[Tip]
    taxonomy: Taxonomy
    src_uris: dict[str, str] = field(default_factory=dict)  # tip id → path below content/
    by_theme: dict[str, list[Tip]] = field(default_factory=dict)
    by_year: dict[int, list[Tip]] = field(default_factory=dict)
    by_tag: dict[str, list[Tip]] = field(default_factory=dict)
    series: dict[str, SeriesInfo] = field(default_factory=dict)  # series slug → series
    # Valid tips this build leaves out (drafts, tips dated after today): for the build's report.
    held_back: list[Tip] = field(default_factory=list)
    # The day the build is "as of": the one clock every page of the build reads.
    today: dt.date = field(default_factory=current_date)
    # Tips `check` finds errors in, due now (or shown, in a preview): not published.
    withheld: list[Withheld] = field(default_factory=list)
    _older: dict[str, Tip | None] = field(default_factory=dict)
    _newer: dict[str, Tip | None] = field(default_factory=dict)
    _by_id: dict[str, Tip] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tips.sort(key=lambda t: (t.date, t.slug), reverse=True)
        self._by_id = {tip.id: tip for tip in self.tips}
        by_theme: dict[str, list[Tip]] = {theme_id: [] for theme_id in self.taxonomy.ids}
        by_year: dict[int, list[Tip]] = defaultdict(list)
        by_tag: dict[str, list[Tip]] = defaultdict(list)
        by_series: dict[str, list[Tip]] = defaultdict(list)
        names: dict[str, str] = {}
        for index, tip in enumerate(self.tips):
            for theme in dict.fromkeys(tip.themes):
                by_theme.setdefault(theme, []).append(tip)
            by_year[tip.date.year].append(tip)
            for tag in dict.fromkeys(tip.tags):
                by_tag[tag].append(tip)
            if tip.series:
                slug = slugify(tip.series.name)
                names.setdefault(slug, tip.series.name)
                by_series[slug].append(tip)
            # Newest first: the tip before this one in the list is the newer one.
            self._newer[tip.id] = self.tips[index - 1] if index > 0 else None
            self._older[tip.id] = self.tips[index + 1] if index + 1 < len(self.tips) else None
        self.by_theme = by_theme
        self.by_year = dict(sorted(by_year.items(), reverse=True))
        self.by_tag = dict(sorted(by_tag.items(), key=lambda item: item[0].lower()))
        self.series = {
            slug: SeriesInfo(
                names[slug],
                slug,
                tuple(sorted(parts, key=lambda t: (t.series.part if t.series else 0, t.date))),
            )
            for slug, parts in sorted(by_series.items())
        }

    def __len__(self) -> int:
        return len(self.tips)

    def get(self, tip_id: str) -> Tip | None:
        return self._by_id.get(tip_id)

    @property
    def latest(self) -> Tip | None:
        """The newest tip of the build."""
        return self.tips[0] if self.tips else None

    @property
    def this_week(self) -> Tip | None:
        """The newest tip when it is from the current calendar week (Monday to Sunday of
        the build's day, which `$TIPBOOK_TODAY` sets), else None: an archive whose newest
        tip is older has no "this week's tip"."""
        latest = self.latest
        if latest is None or not same_week(latest.date, self.today):
            return None
        return latest

    def older(self, tip: Tip) -> Tip | None:
        """The previous tip by date (None for the oldest)."""
        return self._older.get(tip.id)

    def newer(self, tip: Tip) -> Tip | None:
        """The next tip by date (None for the newest)."""
        return self._newer.get(tip.id)

    def series_position(self, tip: Tip) -> SeriesPosition | None:
        """The tip's place in its series, or None when it is not part of one."""
        if tip.series is None:
            return None
        info = self.series[slugify(tip.series.name)]
        index = next(i for i, part in enumerate(info.parts) if part.id == tip.id)
        return SeriesPosition(
            info,
            tip.series.part,
            info.parts[index - 1] if index > 0 else None,
            info.parts[index + 1] if index + 1 < len(info.parts) else None,
        )

    def src_uri(self, tip: Tip) -> str:
        """The tip's file below the content folder, e.g. `tips/2013/2013-08-13-slug.md`."""
        return self.src_uris.get(tip.id) or tip.relative_path.as_posix()


def same_week(day: dt.date, today: dt.date) -> bool:
    """True when `day` is in the calendar week (Monday to Sunday) of `today`."""
    return day.isocalendar()[:2] == today.isocalendar()[:2]


@dataclass(frozen=True)
class Withheld:
    """A tip file the build does not publish because `check` finds errors in it."""

    shown: str  # the file as the report names it
    tip: Tip | None  # None: the file could not be read as a tip at all
    errors: tuple[Problem, ...]
    path: Path | None = None  # the file

    def lines(self) -> list[str]:
        """`path:line: reason`, one line per error (as `tipbook check` prints them)."""
        return [str(problem) for problem in self.errors]


def collect_tips(
    content_dir: Path,
    *,
    drafts: bool = False,
    today: dt.date | None = None,
    taxonomy: Taxonomy | None = None,
    site_url: str = "",
    cache: ParseCache | None = None,
    verdicts: VerdictCache | None = None,
) -> Collection:
    """Load the tips below `content_dir`, pass them through `check`'s gate and group them.

    Drafts and tips dated after `today` are left out unless `drafts` is true. A tip with
    an error (`tipbook.check.judge_content`, the rules `check` applies) is held back: it is
    listed in `Collection.withheld` with its errors, and every other tip is published. Only
    a bad `themes.yml` (no chapter could be built) raises a `ContentError`.

    `cache` (the live preview keeps one between rebuilds) keeps each parsed file with the
    modification time and size it had, so only edited files are read and parsed again;
    `verdicts` keeps their findings too (`tipbook.check.VerdictCache`).
    """
    taxonomy = taxonomy or load_taxonomy(content_dir / THEMES_FILE)
    today = today or current_date()  # $TIPBOOK_TODAY can set it (tests, previews)
    tips: list[Tip] = []
    held_back: list[Tip] = []
    withheld: list[Withheld] = []
    src_uris: dict[str, str] = {}
    for verdict in judge_content(content_dir, taxonomy, site_url, today, cache, verdicts):
        tip = verdict.file.tip
        shown = drafts or (tip is not None and tip.is_published(today))
        if not verdict.passes:
            if shown or tip is None:  # a draft's errors never stop or clutter the live site
                withheld.append(
                    Withheld(verdict.file.shown, tip, tuple(verdict.errors), verdict.file.path)
                )
            elif tip is not None:
                held_back.append(tip)
            continue
        assert tip is not None
        if not shown:
            held_back.append(tip)
            continue
        tips.append(tip)
        src_uris[tip.id] = verdict.file.path.relative_to(content_dir).as_posix()
    collection = Collection(tips, taxonomy, src_uris, held_back=held_back, today=today)
    collection.withheld = sorted(withheld, key=lambda w: w.shown)
    return collection
