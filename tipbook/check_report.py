"""`tipbook check`'s report: every finding of one run, in the order an editor reads them
(their own tips first, a warning repeated on many other tips folded into one line).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tipbook.errors import Problem


@dataclass
class CheckReport:
    """Every finding of one `check` run, and how many files were checked.

    `own` holds the shown paths of the editor's own tips among those checked: drafts, tips
    dated after today, and files new or changed in git (see `changed_files`).
    """

    checked: int
    problems: list[Problem] = field(default_factory=list)
    own: set[str] = field(default_factory=set)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }


# Folding: a warning repeated on at least this many tips that are not the editor's own is
# shown as one line with a count (the archive's old tips would otherwise bury the new one).
FOLD_AT = 3


@dataclass(frozen=True)
class FoldedFindings:
    """One rule's warnings on many tips, shown as one line with the count and the fix."""

    level: str
    field: str
    message: str  # the first finding's message, which says how to fix it
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        what = f"{self.field}: {self.message}" if self.field else self.message
        alike = "" if all(p.message == self.message for p in self.problems) else " (and alike)"
        return f"{len(self.problems)} other tips: {self.level}: {what}{alike}"


def rule_of(problem: Problem) -> tuple[str, str, str]:
    """What makes findings "the same warning": level, field and the rule they break."""
    return problem.level, problem.field, problem.rule


def arrange(
    report: CheckReport, fold: bool = True
) -> tuple[list[Problem], list[Problem], list[FoldedFindings]]:
    """The findings in the order an editor reads them: (own tips' findings, the others'
    findings, folded warnings). Own tips come first, errors before warnings; warnings that
    repeat on `FOLD_AT` or more other tips are folded into one `FoldedFindings` per rule."""
    own = [p for p in report.problems if p.path in report.own]
    others = [p for p in report.problems if p.path not in report.own]
    own.sort(key=lambda p: (not p.is_error, p))
    others.sort(key=lambda p: (not p.is_error, p))
    if not fold:
        return own, others, []
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for problem in others:
        if not problem.is_error:
            groups.setdefault(rule_of(problem), []).append(problem)
    folded = []
    for (level, name, _), members in groups.items():
        if len({p.path for p in members}) < FOLD_AT:
            continue
        folded.append(FoldedFindings(level, name, members[0].message, tuple(members)))
    hidden = {p for group in folded for p in group.problems}
    return own, [p for p in others if p not in hidden], folded
