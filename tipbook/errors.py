"""Errors a user can cause, and the problems `check` and validation report.

Plain exceptions: the library knows nothing of the command line. The CLI (`tipbook.cli`)
turns each into one clear message and its `exit_code`, never a traceback, and names its
own flags where a message names an option (see `TipbookError.worded`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

# What a terminal obeys instead of showing: C0 controls but tab and newline (ESC starts
# sequences that clear the screen, retitle the window or hide text; a carriage return
# overwrites the line), DEL, the C1 controls some terminals also obey, and the bidi
# overrides that show text in another order than it is ("Trojan Source").
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(value: str) -> str:
    """Text from content or the web as a terminal may print it: every control character
    shown as U+FFFD, so a tip's title cannot drive the terminal of whoever checks it."""
    return _TERMINAL_CONTROL.sub("\ufffd", value)


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one file: `path:line: level: field: message`.

    Made by a `tipbook.rules.Rule`; `rule` is not shown in the text, and is in `to_dict`
    (`check --json`), so tools match findings on it, not on the message.
    """

    path: str
    line: int
    level: str  # "error" or "warning"
    field: str
    message: str
    # The id of the rule it breaks (`tipbook.rules`): what groups findings, never the text.
    rule: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        return terminal_text(f"{where}: {self.level}: {what}")

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
            "rule": self.rule,  # `tipbook.rules`: what tools match on, never the message
        }


class TipbookError(Exception):
    """Base of all errors tipbook reports to a user; exit code 1.

    A message about an option marks the option's name as `{name}` and lists it in
    `options` (a library parameter name such as "source_base"): `message` says it as that
    name, and each front end words it its own way (the CLI as `--source-base`, the web API
    as its parameter). Only the listed names are replaced, so braces from content stay.
    """

    exit_code = 1

    def __init__(self, message: str, *, options: Iterable[str] = ()) -> None:
        self.template = terminal_text(message)
        self.options = tuple(options)
        self.message = self.worded(lambda name: name)
        super().__init__(self.message)

    def worded(self, word: Callable[[str], str]) -> str:
        """The message with each option named by `word(name)`."""
        return word_options(self.template, word, self.options)


def word_options(text: str, word: Callable[[str], str], names: Iterable[str]) -> str:
    """`text` (a library message or note) with each `{name}` of `names` said as
    `word(name)`: the CLI's `--name`, the web API's parameter. Only those names are
    replaced, so braces from content stay."""
    for name in names:
        text = text.replace("{" + name + "}", word(name))
    return text


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
