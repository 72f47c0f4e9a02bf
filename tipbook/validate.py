"""Validation of tips against the model's rules and the theme taxonomy.

Each check returns `Problem`s naming the file, the line, the field and the fix; nothing
stops at the first problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from tipbook.content import field_lines, read_tip
from tipbook.errors import Problem, display_path
from tipbook.model import Tip
from tipbook.taxonomy import Taxonomy


def validate_tip(
    tip: Tip, path: str, taxonomy: Taxonomy, lines: dict[str, int] | None = None
) -> list[Problem]:
    """Problems of one loaded tip: unknown themes, a misplaced file, empty fields."""
    lines = lines or {}
    problems: list[Problem] = []

    def add(field: str, message: str, level: str = "error") -> None:
        problems.append(Problem(path, lines.get(field, 1), level, field, message))

    for theme in tip.themes:
        if theme not in taxonomy:
            add("themes", taxonomy.unknown_theme_message(theme))
    if len(set(tip.themes)) != len(tip.themes):
        add("themes", "a theme is listed twice: list each theme once", "warning")
    expected = tip.relative_path.name
    if Path(path).name != expected and not path.startswith("<"):
        add(
            "slug" if "slug" in lines else "date",
            f"file name does not match date and slug: rename the file to {expected}",
        )
    if tip.series and tip.series.part > 99:
        add("series", f"part {tip.series.part} looks wrong: parts count 1, 2, 3, …")
    return problems


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


def validate_collection(located: Iterable[tuple[str, Tip]]) -> list[Problem]:
    """Problems between tips: two tips with one slug, or two files for one date."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    by_date: dict[str, list[str]] = defaultdict(list)
    for path, tip in located:
        by_slug[tip.slug].append(path)
        if not tip.draft:
            by_date[tip.date.isoformat()].append(path)
    problems: list[Problem] = []
    for slug, paths in by_slug.items():
        for path in paths[1:]:
            problems.append(
                Problem(path, 1, "error", "slug", f"slug {slug!r} is also used by {paths[0]}")
            )
    for date, paths in by_date.items():
        for path in paths[1:]:
            problems.append(
                Problem(
                    path,
                    1,
                    "warning",
                    "date",
                    f"{date} is also the date of {paths[0]}: weekly tips publish one per Tuesday",
                )
            )
    return problems
