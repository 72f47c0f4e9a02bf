"""The rules on one tip file's fields, date and placeholders, and `check_file`, which runs
every rule on one file (the body's in `tipbook.body_rules`, the cross-tip ones in
`tipbook.validate.TipIndex`). Each rule's id and level are in `tipbook.rules`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tipbook import rules
from tipbook.body_rules import check_body
from tipbook.content import KNOWN_KEYS, field_lines, read_tip
from tipbook.errors import Problem
from tipbook.model import TIPS_DIR, TUESDAY, Tip, current_date
from tipbook.taxonomy import Taxonomy
from tipbook.text import PLACEHOLDER_WORDS, SUMMARY_MAX, has_title_date
from tipbook.validate import TipIndex, validate_tip

FAR_AHEAD = dt.timedelta(days=366)  # tips are written weeks ahead, not years
# Placeholders: the marker `tipbook new` writes, and the usual stand-ins for missing text.
_PLACEHOLDER_CASE = re.compile(rf"\b(?:{'|'.join(PLACEHOLDER_WORDS)})\b|(?i:lorem ipsum)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`]*`")


@dataclass
class TipFile:
    """One parsed tip file with what the checks need to point at lines."""

    path: Path
    shown: str
    text: str
    tip: Tip | None
    problems: list[Problem]
    lines: dict[str, int]
    key: Path  # the resolved path: resolving is costly, so it is done once per file

    @property
    def body_lines(self) -> list[tuple[int, str]]:
        """(file line number, line) of the body outside code, computed once."""
        if self._body is None:
            self._body = list(_body_lines(self.text))
        return self._body

    _body: list[tuple[int, str]] | None = None


def parse_file(path: Path, key: Path, cwd: Path) -> TipFile:
    """One tip file read and parsed, with the line of each field."""
    # As `display_path` shows it, without resolving the path a second time.
    shown = str(key.relative_to(cwd)) if key.is_relative_to(cwd) else str(key)
    text, tip, problems = read_tip(path, shown)
    return TipFile(path, shown, text, tip, problems, field_lines(text), key)


def check_file(
    file: TipFile,
    taxonomy: Taxonomy,
    collection: TipIndex,
    content_dir: Path,
    site_url: str = "",
    today: dt.date | None = None,
) -> list[Problem]:
    """Every finding about one file."""
    problems = list(file.problems)
    tip = file.tip
    if tip is None:
        return problems
    lines = file.lines
    shown = file.shown

    def add(
        rule: rules.Rule,
        name: str,
        line: int | None = None,
        level: str | None = None,
        /,
        **values: object,
    ) -> None:
        where = line or lines.get(name, 1)
        problems.append(rule.problem(shown, where, name, "", level, **values))

    # With the text, each unknown theme is pointed at its own list item.
    problems += validate_tip(tip, shown, taxonomy, lines, file.text)
    check_fields(tip, file, add)
    today = today or current_date()
    check_date(tip, file, content_dir, today, add)
    check_placeholders(tip, file, add)
    problems += collection.duplicates(file, lines)
    check_body(tip, file, collection, content_dir, site_url, today, add)
    return problems


class AddFinding(Protocol):
    """How the checks below report a finding about the file being checked."""

    def __call__(
        self,
        rule: rules.Rule,
        name: str,
        line: int | None = None,
        level: str | None = None,
        /,
        **values: object,
    ) -> None: ...


def check_fields(tip: Tip, file: TipFile, add: AddFinding) -> None:
    lines = file.lines

    def near(*keys: str) -> int:
        """The line of the first key present: where a missing field belongs."""
        return next((lines[key] for key in keys if key in lines), 1)

    if "slug" not in lines:
        add(rules.MISSING_SLUG, "slug", near("date", "title"), slug=tip.slug)
    if has_title_date(tip.title):
        add(rules.TITLE_DATE, "title")
    if "themes" not in lines or not tip.themes:
        add(rules.NO_THEMES, "themes")
    if not tip.summary:
        add(rules.MISSING_SUMMARY, "summary", near("summary", "tags", "themes", "slug", "date"))
    elif len(tip.summary) > SUMMARY_MAX:
        add(rules.LONG_SUMMARY, "summary", length=len(tip.summary), most=SUMMARY_MAX)
    if not tip.takeaway and not tip.excerpt_only:
        # An excerpt-only archive tip has no closing line to take the lesson from.
        where = near("takeaway", "summary", "tags", "themes", "slug", "date")
        add(rules.MISSING_TAKEAWAY, "takeaway", where)
    for key in lines:
        if key in KNOWN_KEYS:
            continue
        close = difflib.get_close_matches(key.lower(), KNOWN_KEYS, n=1, cutoff=0.7)
        if close:
            add(rules.UNKNOWN_FIELD, key, key=key, close=close[0])


def check_date(tip: Tip, file: TipFile, content_dir: Path, today: dt.date, add: AddFinding) -> None:
    if tip.date > today + FAR_AHEAD:
        add(rules.FAR_AHEAD, "date", date=tip.date.isoformat())
    if tip.date.weekday() != TUESDAY and not tip.source:
        # Archive tips keep the date they were published on; new ones go out on Tuesdays.
        add(rules.NOT_TUESDAY, "date", date=tip.date.isoformat(), weekday=f"{tip.date:%A}")
    try:
        relative = file.key.relative_to(content_dir)
    except ValueError:
        return
    parts = relative.parts
    if len(parts) == 3 and parts[0] == TIPS_DIR and parts[1] != f"{tip.date.year:04d}":
        add(rules.YEAR_FOLDER, "date", folder=parts[1], year=f"{tip.date.year:04d}")


def check_placeholders(tip: Tip, file: TipFile, add: AddFinding) -> None:
    # A draft may hold placeholders; anything that would be published must not.
    level = "warning" if tip.draft else "error"
    fix = "replace it before removing `draft: true`" if tip.draft else "replace it with your text"
    for name in ("title", "summary", "takeaway"):
        if _PLACEHOLDER_CASE.search(getattr(tip, name)):
            add(rules.PLACEHOLDER, name, None, level, where=name, fix=fix)
    text = file.text
    if not any(word in text for word in PLACEHOLDER_WORDS) and "lorem ipsum" not in text.lower():
        return  # plain substring tests spare a regular expression per line in nearly every tip
    for number, line in file.body_lines:
        if _PLACEHOLDER_CASE.search(line):
            text = line.strip()
            shown = text if len(text) <= 60 else text[:57] + "…"
            where = f"the text ({shown!r})"
            add(rules.PLACEHOLDER, "body", number, level, where=where, fix=fix)


def _body_lines(text: str) -> Iterator[tuple[int, str]]:
    """(file line number, line) of the body, outside fenced code blocks."""
    lines = text.splitlines()
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if closing is None:
        return
    fenced = False
    for index in range(closing + 1, len(lines)):
        line = lines[index]
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield index + 1, _CODE_SPAN.sub("", line) if "`" in line else line
