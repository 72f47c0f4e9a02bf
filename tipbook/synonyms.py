"""The editors' synonym sets, `content/synonyms.yml`: words staff use for the same thing.

The file follows the convention of Elasticsearch, Algolia and Meilisearch "equivalent"
synonym sets: each set lists words and phrases that mean the same for searching, so a tip
with any of them is found by all of them. The search indexes (served and static) add a
set's other words to every tip that has one of its words (see `search.concepts`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from tipbook import rules
from tipbook.errors import Problem, display_path
from tipbook.yamlsafe import line_of, load_yaml_located, yaml_error_line, yaml_error_reason

SYNONYMS_FILE = "synonyms.yml"
MAX_SETS = 2000  # far beyond a curated list; keeps indexing linear in the tips
_TERM = re.compile(r"[a-z][a-z' -]*[a-z]")


@dataclass(frozen=True)
class Synonyms:
    """The synonym sets (each a tuple of lowercase words or phrases) and the file's digest."""

    sets: tuple[tuple[str, ...], ...] = ()
    digest: str = ""  # of the file's bytes: a changed file rebuilds the search index


def synonyms_file(content_dir: Path) -> Path:
    return Path(content_dir) / SYNONYMS_FILE


def load_synonyms(content_dir: Path) -> tuple[Synonyms, list[Problem]]:
    """The synonym sets in `content_dir`, and the problems found in the file.

    No file means no synonyms. A set with a problem is left out (and reported); the others
    still count, so one typo does not switch every synonym off.
    """
    path = synonyms_file(content_dir)
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Synonyms(), []
    except OSError as error:
        return Synonyms(), [rules.SYNONYMS.problem(shown, 0, "", f"cannot read it: {error}")]
    try:
        # Aliases refused, as in every file; each set's line kept for the messages.
        loaded, lines = load_yaml_located(data.decode("utf-8"))
    except UnicodeDecodeError:
        message = "not a text file: save it as UTF-8"
        return Synonyms(), [rules.SYNONYMS.problem(shown, 0, "", message)]
    except yaml.YAMLError as error:
        message = f"not valid YAML: {yaml_error_reason(error)}"
        return Synonyms(), [rules.SYNONYMS.problem(shown, yaml_error_line(error), "", message)]
    entries = loaded.get("synonyms") if isinstance(loaded, dict) else None
    if not isinstance(entries, list):
        message = "expected a list of synonym sets under `synonyms:` (see README: Synonyms)"
        return Synonyms(), [rules.SYNONYMS.problem(shown, 1, "synonyms", message)]
    problems: list[Problem] = []
    sets: list[tuple[str, ...]] = []
    first_set: dict[str, int] = {}
    for number, entry in enumerate(entries[:MAX_SETS], start=1):
        where = f"synonyms[{number}]"
        line = line_of(lines, ("synonyms", number - 1), 1)
        terms = _terms(entry, (shown, line, where), problems)
        if terms is None:
            continue
        for term in terms:
            if term in first_set:
                problems.append(
                    rules.SYNONYMS.problem(
                        shown, line, where, f"{term!r} is also in set {first_set[term]}: "
                        "merge the two sets or drop it from one", "warning",
                    )
                )  # fmt: skip
            first_set.setdefault(term, number)
        sets.append(terms)
    if len(entries) > MAX_SETS:
        problems.append(
            rules.SYNONYMS.problem(shown, 0, "synonyms", f"only the first {MAX_SETS} sets count")
        )
    return Synonyms(tuple(sets), hashlib.sha256(data).hexdigest()), problems


def _terms(
    entry: object, at: tuple[str, int, str], problems: list[Problem]
) -> tuple[str, ...] | None:
    """The set's words, or None (and its problem, `at` its file, line and name)."""
    if not isinstance(entry, list) or not all(isinstance(t, str) for t in entry):
        message = "expected a list of words, e.g. [mistake, error, blunder]"
        problems.append(rules.SYNONYMS.problem(*at, message))
        return None
    terms = tuple(dict.fromkeys(" ".join(t.lower().split()) for t in entry))
    bad = [t for t in terms if not _TERM.fullmatch(t)]
    if bad:
        message = f"{bad[0]!r} is not a word or phrase: use letters, spaces, - and ' only"
        problems.append(rules.SYNONYMS.problem(*at, message))
        return None
    if len(terms) < 2:
        problems.append(rules.SYNONYMS.problem(*at, "a set needs two or more different words"))
        return None
    return terms
