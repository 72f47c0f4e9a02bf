"""Questions in other words than the tip's: query words expanded with related words, weighted
low.

`related_words.json` (beside this file) is a thesaurus of common English words, derived
offline from a small embedding model (benchmarks/make_related_words.py) and committed, so
nothing loads a model at build or search time. A plain question's words ("robots replacing
support agents") add their related words ("automation", "machines", …) to the ranking at
`WEIGHT` times their similarity: a tip with the typed word itself still ranks first, and a
tip with only related words is found at all. Queries with operators, fields, quotes or
wildcards are not expanded (they say exactly what they want). The static box expands the
same way from the same table (search/static.py writes it in shards;
tipbook-search-worker.js).

The editors' synonym sets (`content/synonyms.yml`, search.concepts) stay the strong, exact
signal; this is the weak, general one.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from whoosh import query as wq

from search.schema import DEFAULT_FIELD, QUESTION_STOP_WORDS, index_stem

RELATED_WORDS_FILE = Path(__file__).with_name("related_words.json")
WEIGHT = 0.3  # of a related word's score, times its similarity (0.6–1)
MAX_WORDS = 8  # query words expanded (a long paste is not a question)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


@lru_cache(maxsize=1)
def related_words() -> dict[str, list[tuple[str, float]]]:
    """The shipped table: word → [(related word, similarity)], most similar first."""
    try:
        data = json.loads(RELATED_WORDS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a broken install searches without expansion rather than failing
    words = data.get("words", {}) if isinstance(data, dict) else {}
    return {word: [(str(w), float(s)) for w, s in pairs] for word, pairs in words.items()}


def _plain_terms(parsed: wq.Query) -> set[str] | None:
    """The stems of a query made only of words (OR-ed terms and phrases in the default
    field), or None when it has anything else: operators, fields, NOT, wildcards."""
    parts = parsed.subqueries if isinstance(parsed, wq.Or) else [parsed]
    stems: set[str] = set()
    for part in parts:
        if isinstance(part, wq.Term) and type(part) is wq.Term:
            if part.fieldname != DEFAULT_FIELD:
                return None
            stems.add(part.text)
        elif isinstance(part, wq.Phrase) and part.fieldname == DEFAULT_FIELD:
            stems.update(part.words)
        else:
            return None
    return stems


def is_plain(query: str, parsed: wq.Query) -> bool:
    """Whether a query is only words: no quotes, operators, fields or wildcards (such a
    query says exactly what it wants, and is neither expanded nor ranked by meaning)."""
    if '"' in query or not _OPERATORS.isdisjoint(query.split()):
        return False
    return bool(_plain_terms(parsed))


def expansion_terms(query: str, parsed: wq.Query) -> list[tuple[str, str, float]]:
    """(field, stem, boost) of the related words of a plain query's words, leaving out
    words the query has already; empty for a query with operators."""
    if not is_plain(query, parsed):
        return []
    stems = _plain_terms(parsed) or set()
    table = related_words()
    boosts: dict[str, float] = {}
    words = [w for w in _WORD.findall(query.lower()) if w not in QUESTION_STOP_WORDS]
    for word in list(dict.fromkeys(words))[:MAX_WORDS]:
        for related, similarity in table.get(word, ()):
            if related in QUESTION_STOP_WORDS:
                continue
            stem = index_stem(related)
            if stem not in stems:
                boosts[stem] = max(boosts.get(stem, 0.0), WEIGHT * similarity)
    return [(DEFAULT_FIELD, stem, boost) for stem, boost in boosts.items()]


def expansion_query(terms: list[tuple[str, str, float]]) -> Any:
    """The Whoosh query matching any of `terms` (for the matched set)."""
    return wq.Or([wq.Term(field, text) for field, text, _ in terms])
