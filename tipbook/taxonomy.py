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
from tipbook.errors import ContentError, display_path
from tipbook.schemas import DEFAULT_MIN_SCORE, read_themes
from tipbook.yamlsafe import load_yaml_located, yaml_error_line, yaml_error_reason

THEMES_FILE = "themes.yml"
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
    min_score: int = DEFAULT_MIN_SCORE


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
    """Read `themes.yml` through its schema (`tipbook.schemas.ThemesFile`); raise one
    `ContentError` listing every problem in it, each at its line."""
    shown = display_path(path)
    try:
        data, lines = load_yaml_located(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        message = f"theme taxonomy not found: create {THEMES_FILE} (see README)"
        raise ContentError([rules.TAXONOMY.problem(shown, 0, "", message)]) from None
    except (OSError, UnicodeDecodeError) as error:
        message = f"cannot read it ({error}): save it as UTF-8 text"
        raise ContentError([rules.TAXONOMY.problem(shown, 0, "", message)]) from None
    except yaml.YAMLError as error:
        line = yaml_error_line(error)
        message = f"not valid YAML: {yaml_error_reason(error)}"
        raise ContentError([rules.TAXONOMY.problem(shown, line, "", message)]) from None
    chapters, errors = read_themes(data, lines)
    if chapters is None:
        raise ContentError(
            [rules.TAXONOMY.problem(shown, e.line, str(e.where[0]), e.message) for e in errors]
        )
    return Taxonomy(
        [
            Theme(
                id=entry.id,
                title=entry.title.strip(),
                description=" ".join(entry.description.split()),
                signals=entry.signals,
                tags=entry.tags,
                min_score=entry.min_score,
            )
            for entry in chapters.themes
        ]
    )
