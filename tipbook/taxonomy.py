"""The theme taxonomy (`content/themes.yml`) and the explainable theme classifier.

Themes are the handbook's chapters. Editors change them without code: each theme has an
id, a title, a description and the words and phrases ("signals") that point to it. The
classifier only counts those signals, so every theme it proposes can be explained by the
words it quotes back. A tip no signal word places gets its nearest chapter instead
(`tipbook.nearest`), explained by the words and tips it shares with the chapter.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from tipbook import rules
from tipbook.errors import ContentError, Problem, display_path
from tipbook.yamlsafe import load_yaml, yaml_error_line

THEMES_FILE = "themes.yml"
_ID = re.compile(r"^[a-z][a-z0-9-]*$")
T = TypeVar("T", bound=Any)  # a tip: anything with a `themes` list
TITLE_WEIGHT = 3  # a signal in the title says more about the tip than one in the body


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str
    signals: tuple[str, ...] = ()
    # Source-site tags (e.g. WordPress tag archives) that map straight onto this theme.
    tags: tuple[str, ...] = ()
    # How much signal evidence the classifier needs before it proposes the theme.
    min_score: int = 4


@dataclass(frozen=True)
class ThemeScore:
    """Why the classifier proposes (or not) a theme: its score and the words behind it."""

    theme: str
    score: int
    matches: dict[str, int] = field(default_factory=dict)
    threshold: int = 0

    @property
    def suggested(self) -> bool:
        return self.score >= self.threshold


class Taxonomy:
    """The ordered set of themes, with lookup, suggestions and classification."""

    def __init__(self, themes: list[Theme]) -> None:
        self.themes = list(themes)
        self.by_id = {theme.id: theme for theme in self.themes}
        self._patterns = {theme.id: _signal_pattern(theme.signals) for theme in self.themes}
        self._tag_map = {
            tag.lower(): theme.id for theme in self.themes for tag in (theme.id, *theme.tags)
        }

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self.by_id

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    @property
    def ids(self) -> list[str]:
        return [theme.id for theme in self.themes]

    def suggest(self, unknown: str) -> str | None:
        """The nearest valid theme id to a misspelt one, or None."""
        matches = difflib.get_close_matches(unknown.lower(), self.ids, n=1, cutoff=0.6)
        return matches[0] if matches else None

    def unknown_theme_message(self, unknown: str) -> str:
        hint = self.suggest(unknown)
        if hint:
            return f"unknown theme {unknown!r} (did you mean {hint!r}?)"
        return f"unknown theme {unknown!r} (known themes: {', '.join(self.ids)})"

    def in_no_chapter(self, tips: Iterable[T]) -> list[T]:
        """The tips (anything with `themes`) that list no theme of this taxonomy: no chapter
        lists them, so browsing by chapter misses them."""
        return [tip for tip in tips if not any(t in self.by_id for t in tip.themes)]

    def themes_for_tags(self, tags: list[str]) -> list[str]:
        """Theme ids that a source site's tags map onto, in taxonomy order."""
        found = {self._tag_map[tag.lower()] for tag in tags if tag.lower() in self._tag_map}
        return [theme_id for theme_id in self.ids if theme_id in found]

    def score(self, title: str, body: str) -> list[ThemeScore]:
        """Every theme's signal score for a text, highest first (ties in taxonomy order)."""
        scores = []
        for theme in self.themes:
            pattern = self._patterns[theme.id]
            matches: Counter[str] = Counter()
            score = 0
            if pattern is not None:
                for text, weight in ((title, TITLE_WEIGHT), (body, 1)):
                    for match in pattern.finditer(text):
                        word = match.group(0).lower()
                        matches[word] += 1
                        score += weight
            scores.append(ThemeScore(theme.id, score, dict(matches), theme.min_score))
        order = {theme_id: i for i, theme_id in enumerate(self.ids)}
        return sorted(scores, key=lambda s: (-s.score, order[s.theme]))

    def classify(self, title: str, body: str) -> list[str]:
        """Theme ids whose signals reach their threshold, in taxonomy order."""
        chosen = {s.theme for s in self.score(title, body) if s.score and s.suggested}
        return [theme_id for theme_id in self.ids if theme_id in chosen]


def _signal_pattern(signals: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive regex for a theme's signals; `word*` matches any ending."""
    parts = []
    for signal in sorted(signals, key=len, reverse=True):
        words = [re.escape(w) for w in signal.strip().rstrip("*").split()]
        if not words:
            continue
        body = r"[\s-]+".join(words)
        ending = r"\w*" if signal.strip().endswith("*") else ""
        parts.append(rf"\b{body}{ending}\b")
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def load_taxonomy(path: Path) -> Taxonomy:
    """Read `themes.yml`; raise one `ContentError` listing every problem in it."""
    shown = display_path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(
            [
                rules.TAXONOMY.problem(
                    shown, 0, "", "theme taxonomy not found: create it (see README)"
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise ContentError(
            [rules.TAXONOMY.problem(shown, yaml_error_line(error), "", f"not valid YAML: {error}")]
        ) from None

    problems: list[Problem] = []
    entries = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ContentError(
            [
                rules.TAXONOMY.problem(
                    shown, 1, "themes", "expected a list of themes under `themes:`"
                )
            ]
        )
    themes: list[Theme] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"themes[{number}]"
        if not isinstance(entry, dict):
            problems.append(
                rules.TAXONOMY.problem(shown, 0, where, "expected id, title, description")
            )
            continue
        theme_id = entry.get("id")
        if not isinstance(theme_id, str) or not _ID.match(theme_id):
            problems.append(
                rules.TAXONOMY.problem(
                    shown, 0, f"{where}.id", f"{theme_id!r}: use a lowercase word"
                )
            )
            continue
        if theme_id in seen:
            problems.append(
                rules.TAXONOMY.problem(shown, 0, f"{where}.id", f"duplicate id {theme_id!r}")
            )
            continue
        seen.add(theme_id)
        for key in ("title", "description"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(
                    rules.TAXONOMY.problem(shown, 0, f"{theme_id}.{key}", "missing text")
                )
        signals = entry.get("signals", [])
        tags = entry.get("tags", [])
        min_score = entry.get("min_score", 4)
        if not isinstance(signals, list) or not all(isinstance(s, str) for s in signals):
            problems.append(
                rules.TAXONOMY.problem(shown, 0, f"{theme_id}.signals", "expected a list")
            )
            signals = []
        if not isinstance(tags, list) or not all(isinstance(s, str) for s in tags):
            problems.append(rules.TAXONOMY.problem(shown, 0, f"{theme_id}.tags", "expected a list"))
            tags = []
        if not isinstance(min_score, int) or min_score < 1:
            problems.append(
                rules.TAXONOMY.problem(
                    shown, 0, f"{theme_id}.min_score", "expected a whole number ≥ 1"
                )
            )
            min_score = 4
        themes.append(
            Theme(
                id=theme_id,
                title=str(entry.get("title", theme_id)).strip(),
                description=" ".join(str(entry.get("description", "")).split()),
                signals=tuple(signals),
                tags=tuple(tags),
                min_score=min_score,
            )
        )
    if problems:
        raise ContentError(problems)
    return Taxonomy(themes)
