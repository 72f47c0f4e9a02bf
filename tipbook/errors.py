"""Errors a user can cause, and the problems `check` and validation report.

Every error is a `click.ClickException`, so the CLI prints one clear message and never a
traceback; library callers and tests catch them like any exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one file: `path:line: level: field: message`.

    Made by a `tipbook.rules.Rule`; `rule` is not shown (nor in `to_dict`, which `check
    --json` prints as it always has).
    """

    path: str
    line: int
    level: str  # "error" or "warning"
    field: str
    message: str
    # The id of the rule it breaks (`tipbook.rules`): what groups findings, never the text.
    rule: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {self.level}: {what}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "level": self.level,
            "field": self.field,
            "message": self.message,
        }


class TipbookError(click.ClickException):
    """Base of all errors tipbook reports to a user; exit code 1."""

    exit_code = 1


class UsageError(TipbookError):
    """The command was asked for something it cannot do as asked; exit code 2."""

    exit_code = 2


class ConfigError(TipbookError):
    """`tipbook.yml` is missing or holds values that cannot work."""


class ContentError(TipbookError):
    """One or more content files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(lines) if lines else "invalid content")


def display_path(path: Path) -> str:
    """A path as a user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
