"""Validation of tips against the model's rules and the theme taxonomy.

Each check returns `Problem`s naming the file, the line, the field and the fix; nothing
stops at the first problem. The rules themselves, with their ids, are in `tipbook.rules`;
the build (`tipbook.site.collect`) and `tipbook check` both judge tips here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tipbook import rules
from tipbook.content import field_lines, read_tip
from tipbook.errors import Problem, display_path
from tipbook.model import Tip, slugify
from tipbook.taxonomy import Taxonomy


def validate_tip(
    tip: Tip,
    path: str,
    taxonomy: Taxonomy,
    lines: dict[str, int] | None = None,
    text: str = "",
) -> list[Problem]:
    """Problems of one loaded tip: unknown themes, a misplaced file, empty fields.

    With the file's `text`, an unknown theme is pointed at its own list item (`check`
    passes it; the build names the `themes:` line, which is enough to stop on)."""
    lines = lines or {}
    problems: list[Problem] = []

    def add(
        rule: rules.Rule, field: str, line: int = 0, message: str = "", **values: object
    ) -> None:
        where = line or lines.get(field, 1)
        problems.append(rule.problem(path, where, field, message, **values))

    front = text.splitlines() if text else []
    for theme in tip.themes:
        if theme not in taxonomy:
            line = _item_line(front, lines.get("themes", 0), theme)
            add(rules.UNKNOWN_THEME, "themes", line, taxonomy.unknown_theme_message(theme))
    if len(set(tip.themes)) != len(tip.themes):
        add(rules.REPEATED_THEME, "themes")
    expected = tip.relative_path.name
    if Path(path).name != expected and not path.startswith("<"):
        add(
            rules.FILE_NAME,
            "slug" if "slug" in lines else "date",
            expected=expected,
        )
    if tip.series and tip.series.part > 99:
        add(rules.SERIES_PART, "series", part=tip.series.part)
    return problems


def _item_line(front: list[str], key_line: int, value: str) -> int:
    """The line of `value` in a front-matter list that starts at `key_line` (0: not found)."""
    if not front or not key_line or not value:
        return 0
    if value in front[key_line - 1]:
        return key_line  # a flow list: `themes: [a, b]`
    for number in range(key_line + 1, len(front) + 1):
        line = front[number - 1]
        if not line.lstrip().startswith("-"):
            break
        if line.lstrip()[1:].strip().strip("'\"") == value:
            return number
    return 0


def validate_file(
    path: Path, taxonomy: Taxonomy, shown: str | None = None
) -> tuple[Tip | None, list[Problem]]:
    """Parse and validate one file; never raises for bad content.

    `shown` is the path to print; callers that walk thousands of files pass it in, because
    `display_path` resolves paths on disk.
    """
    shown = shown or display_path(path)
    text, tip, problems = read_tip(path, shown)
    if tip is not None:
        problems += validate_tip(tip, shown, taxonomy, field_lines(text))
    return tip, problems


class Located(Protocol):
    """A loaded tip file as the cross-tip rules see it."""

    @property
    def key(self) -> Path: ...  # the file, resolved: tells two entries of one file apart

    @property
    def shown(self) -> str: ...  # the path to print

    @property
    def tip(self) -> Tip | None: ...

    @property
    def problems(self) -> list[Problem]: ...  # what reading the file found


@dataclass(frozen=True)
class LocatedTip:
    key: Path
    shown: str
    tip: Tip | None
    problems: list[Problem] = field(default_factory=list)


class TipIndex:
    """Every tip by id, slug, date, title and series part: one pass, no pairs, so the
    rules between tips stay linear in the number of tips. The indexes only warnings use
    are made on first use (a build judges errors only)."""

    def __init__(self, files: Iterable[Located]) -> None:
        self.files = [file for file in files if file.tip is not None]
        self.by_id: dict[str, Located] = {}
        self.by_slug: dict[str, list[Located]] = {}
        for file in self.files:
            tip = _tip(file)
            self.by_id.setdefault(tip.id, file)
            if not _slug_refused(file):
                self.by_slug.setdefault(tip.slug, []).append(file)

    @functools.cached_property
    def by_date(self) -> dict[dt.date, list[Located]]:
        found: dict[dt.date, list[Located]] = {}
        for file in self.files:
            found.setdefault(_tip(file).date, []).append(file)
        return found

    @functools.cached_property
    def by_title(self) -> dict[str, list[Located]]:
        found: dict[str, list[Located]] = {}
        for file in self.files:
            found.setdefault(slugify(_tip(file).title), []).append(file)
        return found

    @functools.cached_property
    def by_part(self) -> dict[tuple[str, int], list[Located]]:
        found: dict[tuple[str, int], list[Located]] = {}
        for file in self.files:
            series = _tip(file).series
            if series:
                found.setdefault((series.name.casefold(), series.part), []).append(file)
        return found

    @staticmethod
    def other(files: list[Located], file: Located) -> Located | None:
        """Another file of a group than `file`, in constant time (groups can be large)."""
        for candidate in files[:2]:
            if candidate.key != file.key:
                return candidate
        return None

    def duplicates(
        self, file: Located, lines: dict[str, int] | None = None, errors_only: bool = False
    ) -> list[Problem]:
        """What `file`'s tip shares with another tip: slug, date, title or series part
        (with `errors_only`, only what is an error: the slug)."""
        tip = file.tip
        if tip is None:
            return []
        lines = lines or {}
        problems: list[Problem] = []

        def add(rule: rules.Rule, field: str, /, **values: object) -> None:
            problems.append(rule.problem(file.shown, lines.get(field, 1), field, **values))

        other = self.other(self.by_slug.get(tip.slug, []), file)
        if other:
            add(rules.DUPLICATE_SLUG, "slug", slug=tip.slug, other=other.shown)
        if errors_only:
            return problems  # the rules below are warnings
        other = self.other(self.by_date.get(tip.date, []), file)
        if other:
            add(rules.DUPLICATE_DATE, "date", date=tip.date.isoformat(), other=other.shown)
        other = self.other(self.by_title.get(slugify(tip.title), []), file)
        if other:
            add(rules.DUPLICATE_TITLE, "title", other=other.shown)
        if tip.series:
            part = (tip.series.name.casefold(), tip.series.part)
            other = self.other(self.by_part.get(part, []), file)
            if other:
                series, number = tip.series.name, tip.series.part
                add(rules.DUPLICATE_PART, "series", part=number, series=series, other=other.shown)
        return problems


def validate_collection(located: Iterable[Located], errors_only: bool = False) -> list[Problem]:
    """Problems between tips (`TipIndex.duplicates`) of every file."""
    files = list(located)
    index = TipIndex(files)
    return [problem for file in files for problem in index.duplicates(file, None, errors_only)]


def _slug_refused(file: Located) -> bool:
    """Whether the file's own `slug:` was refused (the tip carries one made from its title
    only so the file can still be checked): such a tip is held back for it, and a URL it
    never asked for must not hold back the tip that has it."""
    return any(p.field == "slug" and p.is_error for p in file.problems)


def _tip(file: Located) -> Tip:
    assert file.tip is not None  # TipIndex keeps only files that hold a tip
    return file.tip
