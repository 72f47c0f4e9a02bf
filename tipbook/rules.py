"""Every rule a tip is checked against, defined once, each with an id.

`tipbook check`, the build and the preview (`tipbook.check.judge_content`, the one gate
that decides which tips are published: a tip with an error finding is held back), the
pre-commit hook (`tipbook check`) and the scraper report findings as
`Problem`s made by these rules, so a finding says which rule it broke (`Problem.rule`) and
nothing has to recognise a rule by its message text (`check` folds warnings by rule id).
"""

from __future__ import annotations

from dataclasses import dataclass

from tipbook.errors import Problem


@dataclass(frozen=True)
class Rule:
    """One rule: its id (stable, kebab-case) and the level of its findings."""

    id: str
    level: str  # "error" or "warning"

    def problem(
        self, path: str, line: int, field: str, message: str, level: str | None = None
    ) -> Problem:
        """A finding of this rule; `level` overrides the rule's own (placeholders in a draft
        are warnings, in a tip to be published errors)."""
        return Problem(path, line, level or self.level, field, message, self.id)


# The theme taxonomy, content/themes.yml (tipbook/taxonomy.py).
TAXONOMY = Rule("taxonomy", "error")
# The editors' synonym sets, content/synonyms.yml (tipbook/synonyms.py).
SYNONYMS = Rule("synonyms", "error")
# Reading a tip file (tipbook/content.py; search/indexer.py when indexing).
UNREADABLE = Rule("unreadable", "error")
FRONT_MATTER = Rule("front-matter", "error")
# One tip (tipbook/validate.py).
UNKNOWN_THEME = Rule("unknown-theme", "error")
REPEATED_THEME = Rule("repeated-theme", "warning")
FILE_NAME = Rule("file-name", "error")
SERIES_PART = Rule("series-part", "error")
# Across tips (tipbook/validate.py `TipIndex`).
DUPLICATE_SLUG = Rule("duplicate-slug", "error")
DUPLICATE_DATE = Rule("duplicate-date", "warning")
DUPLICATE_TITLE = Rule("duplicate-title", "warning")
DUPLICATE_PART = Rule("duplicate-part", "warning")
# An editor's week (tipbook/check.py).
MISSING_SLUG = Rule("missing-slug", "error")
TITLE_DATE = Rule("title-date", "warning")
NO_THEMES = Rule("no-themes", "warning")
MISSING_SUMMARY = Rule("missing-summary", "error")
LONG_SUMMARY = Rule("long-summary", "warning")
MISSING_TAKEAWAY = Rule("missing-takeaway", "warning")
UNKNOWN_FIELD = Rule("unknown-field", "warning")
FAR_AHEAD = Rule("far-ahead", "warning")
NOT_TUESDAY = Rule("not-tuesday", "warning")
YEAR_FOLDER = Rule("year-folder", "error")
PLACEHOLDER = Rule("placeholder", "error")
# The body: what the site's sanitiser drops, and links (tipbook/check.py).
DROPPED_TAG = Rule("dropped-tag", "error")  # script, iframe, style, …: never kept
UNKEPT_TAG = Rule("unkept-tag", "warning")  # any other tag outside the allowlist
EVENT_HANDLER = Rule("event-handler", "error")
DROPPED_LINK = Rule("dropped-link", "error")  # a URL scheme the site drops
UNKEPT_ATTRIBUTE = Rule("unkept-attribute", "warning")
ATTRIBUTE_LIST = Rule("attribute-list", "warning")
UNCLOSED_COMMENT = Rule("unclosed-comment", "warning")  # hides the rest of the tip
BROKEN_LINK = Rule("broken-link", "error")
UNPUBLISHED_LINK = Rule("unpublished-link", "warning")
# The content folder (tipbook/symlinks.py).
REFUSED_LINK = Rule("refused-link", "error")
UNPUBLISHED_FILE = Rule("unpublished-file", "error")  # `.html`, `.js`… the build refuses
