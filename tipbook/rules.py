"""Every rule a tip and the content folder are checked against, defined once: its id, its
level, what an error of it does to the build (its gate), its message and the one function
that checks it.

`tipbook check`, the build and the preview (`tipbook.check.judge_content`, the one gate
that decides which tips are published), the pre-commit hook and the search index report
findings as `Problem`s made by these rules, so a finding says which rule it
broke (`Problem.rule`, also in `check --format json`) and nothing has to recognise a rule
by its message text (`check` folds warnings by rule id; tests match on ids).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tipbook.errors import Problem

# What an error finding of a rule does to the build:
# "tip": a due tip with it is held back (the rest is published);
# "build": the build stops (a file every page depends on, or one it refuses to copy);
# "none": only `check` fails (and warnings never hold anything back).
Gate = Literal["tip", "build", "none"]


@dataclass(frozen=True)
class Rule:
    """One rule: its id (stable, kebab-case), the level of its findings, its gate, the one
    function that checks it (`module:function`), and its message.

    `template` is the message with `{name}`s its checker fills (`problem(..., name=...)`);
    None when the checker words each case itself (the schemas' messages, a file's fault).
    """

    id: str
    level: Literal["error", "warning"]
    gate: Gate
    checked_in: str
    template: str | None = None

    def problem(
        self,
        path: str,
        line: int,
        field: str,
        message: str = "",
        level: str | None = None,
        /,
        **values: object,
    ) -> Problem:
        """A finding of this rule: its template filled with `values` (or, for a rule
        without one, `message`); `level` overrides the rule's own (placeholders in a draft
        are warnings, in a tip to be published errors)."""
        if self.template is not None:
            if message:
                raise TypeError(f"rule {self.id} words its message by its template")
            message = self.template.format(**values)
        elif not message:
            raise TypeError(f"rule {self.id} needs a message")
        return Problem(path, line, level or self.level, field, message, self.id)


# Files: reading them, and the YAML files every page depends on. Their messages are the
# schemas' (tipbook/schemas.py) or say what is wrong with the file.
TAXONOMY = Rule("taxonomy", "error", "build", "tipbook.taxonomy:load_taxonomy")
SYNONYMS = Rule("synonyms", "error", "none", "tipbook.synonyms:load_synonyms")
UNREADABLE = Rule("unreadable", "error", "tip", "tipbook.content:read_tip")
NOT_A_FILE = Rule("not-a-file", "error", "tip", "tipbook.content:read_tip")  # a folder `x.md`
FRONT_MATTER = Rule("front-matter", "error", "tip", "tipbook.content:parse_tip")
# One tip, against the taxonomy and its own file name.
UNKNOWN_THEME = Rule("unknown-theme", "error", "tip", "tipbook.validate:validate_tip")
REPEATED_THEME = Rule(
    "repeated-theme",
    "warning",
    "none",
    "tipbook.validate:validate_tip",
    "a theme is listed twice: list each theme once",
)
FILE_NAME = Rule(
    "file-name",
    "error",
    "tip",
    "tipbook.validate:validate_tip",
    "file name does not match date and slug: rename the file to {expected}",
)
SERIES_PART = Rule(
    "series-part",
    "error",
    "tip",
    "tipbook.validate:validate_tip",
    "part {part} looks wrong: parts count 1, 2, 3, …",
)
# Across tips: one pass, by dictionaries.
DUPLICATE_SLUG = Rule(
    "duplicate-slug",
    "error",
    "tip",
    "tipbook.validate:TipIndex.duplicates",
    "slug {slug!r} is also used by {other}: choose another slug",
)
DUPLICATE_DATE = Rule(
    "duplicate-date",
    "warning",
    "none",
    "tipbook.validate:TipIndex.duplicates",
    "{date} is also the date of {other}: one tip per Tuesday; move one of them to another week",
)
DUPLICATE_TITLE = Rule(
    "duplicate-title",
    "warning",
    "none",
    "tipbook.validate:TipIndex.duplicates",
    "the title repeats {other}'s: give this tip its own title",
)
DUPLICATE_PART = Rule(
    "duplicate-part",
    "warning",
    "none",
    "tipbook.validate:TipIndex.duplicates",
    "part {part} of {series!r} is also {other}: number the parts 1, 2, 3, …",
)
# An editor's week: the fields, the date, placeholders.
MISSING_SLUG = Rule(
    "missing-slug",
    "error",
    "tip",
    "tipbook.tip_rules:check_fields",
    "missing slug: add `slug: {slug}` (it names the file and the URL)",
)
TITLE_DATE = Rule(
    "title-date",
    "warning",
    "none",
    "tipbook.tip_rules:check_fields",
    "the title ends with a date or 'TOW': remove it (the date is in `date:`)",
)
NO_THEMES = Rule(
    "no-themes",
    "warning",
    "none",
    "tipbook.tip_rules:check_fields",
    "no themes: the tip appears in no chapter; add some, or let "
    "`tipbook themes suggest FILE --write` add the classifier's",
)
MISSING_SUMMARY = Rule(
    "missing-summary",
    "error",
    "tip",
    "tipbook.tip_rules:check_fields",
    "missing summary: add `summary:` with one or two plain sentences for lists and search results",
)
LONG_SUMMARY = Rule(
    "long-summary",
    "warning",
    "none",
    "tipbook.tip_rules:check_fields",
    "summary has {length} characters: keep it to {most} or fewer",
)
MISSING_TAKEAWAY = Rule(
    "missing-takeaway",
    "warning",
    "none",
    "tipbook.tip_rules:check_fields",
    "missing takeaway: add `takeaway:` with the closing one-line lesson (the site shows it "
    "as a callout)",
)
UNKNOWN_FIELD = Rule(
    "unknown-field",
    "warning",
    "none",
    "tipbook.tip_rules:check_fields",
    "unknown field {key!r} (did you mean {close!r}?): rename it",
)
FAR_AHEAD = Rule(
    "far-ahead",
    "warning",
    "none",
    "tipbook.tip_rules:check_date",
    "{date} is more than a year ahead: a typo? (the tip stays off the site until then)",
)
NOT_TUESDAY = Rule(
    "not-tuesday",
    "warning",
    "none",
    "tipbook.tip_rules:check_date",
    "{date} is a {weekday}: tips publish on Tuesdays",
)
YEAR_FOLDER = Rule(
    "year-folder",
    "error",
    "tip",
    "tipbook.tip_rules:check_date",
    "the file is in tips/{folder}/: move it to tips/{year}/",
)
PLACEHOLDER = Rule(
    "placeholder",
    "error",
    "tip",
    "tipbook.tip_rules:check_placeholders",
    "placeholder left in {where}: {fix}",
)
# The body: what the site's sanitiser drops (asked of tipbook/sanitize.py), and links.
DROPPED_TAG = Rule(  # script, iframe, style, …: never kept
    "dropped-tag",
    "error",
    "tip",
    "tipbook.body_rules:check_body",
    "raw <{tag}> is dropped by the site: remove it (link to the page instead)",
)
UNKEPT_TAG = Rule(  # any other tag outside the allowlist
    "unkept-tag",
    "warning",
    "none",
    "tipbook.body_rules:check_raw_html",
    "raw <{tag}> {content}is dropped by the site: remove it",
)
EVENT_HANDLER = Rule(
    "event-handler",
    "error",
    "tip",
    "tipbook.body_rules:check_attributes",
    "the {name}= attribute is dropped by the site: remove it",
)
DROPPED_LINK = Rule(  # a URL scheme the site drops
    "dropped-link",
    "error",
    "tip",
    "tipbook.body_rules:link_problem",
    "a {scheme}: link is dropped by the site: link to a web page instead",
)
UNKEPT_ATTRIBUTE = Rule(
    "unkept-attribute",
    "warning",
    "none",
    "tipbook.body_rules:check_attributes",
    "the {attribute} attribute of <{tag}> is dropped by the site{reason}: remove it",
)
ATTRIBUTE_LIST = Rule(
    "attribute-list",
    "warning",
    "none",
    "tipbook.body_rules:check_attribute_lists",
    "the attribute list {text} sets HTML attributes the site drops ({dropped}): remove them",
)
UNCLOSED_COMMENT = Rule(  # hides the rest of the tip
    "unclosed-comment",
    "warning",
    "none",
    "tipbook.body_rules:check_unclosed_comment",
    "an HTML comment `<!--` is never closed with `-->`: the site hides everything after it",
)
BROKEN_LINK = Rule(
    "broken-link",
    "error",
    "tip",
    "tipbook.body_rules:link_problem",
    "link {target!r} {fault}: {fix}",
)
UNPUBLISHED_LINK = Rule(
    "unpublished-link",
    "warning",
    "none",
    "tipbook.body_rules:check_body",
    "links to {other}, which is not published yet (draft or future date): the link is "
    "broken until it is",
)
# The content folder.
REFUSED_LINK = Rule("refused-link", "error", "build", "tipbook.symlinks:refused_links")
# A pipe, socket or device among the content: never read (it could block the build).
SPECIAL_FILE = Rule("special-file", "error", "build", "tipbook.symlinks:refused_links")
UNPUBLISHED_FILE = Rule(  # `.html`, `.js`… the build refuses to copy
    "unpublished-file", "error", "build", "tipbook.check:unpublished_files"
)

ALL: tuple[Rule, ...] = tuple(
    value for value in dict(globals()).values() if isinstance(value, Rule)
)
BY_ID = {rule.id: rule for rule in ALL}

_GATES = {"tip": "holds the tip back", "build": "stops the build", "none": "—"}


def rules_table() -> str:
    """ARCHITECTURE.md's table of the rules, made from them (a test keeps the two equal)."""
    rows = [
        "| id | level | an error… | checked in | message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in ALL:
        module, _, function = rule.checked_in.partition(":")
        where = f"`{module.replace('.', '/')}.py` `{function}`"
        message = f"`` {rule.template} ``" if rule.template else "worded by its checker"
        rows.append(f"| `{rule.id}` | {rule.level} | {_GATES[rule.gate]} | {where} | {message} |")
    return "\n".join(rows)


if __name__ == "__main__":  # ARCHITECTURE.md's table: `python -m tipbook.rules`
    print(rules_table())
