"""Suggestions: a "did you mean" query from the index's own words, and close theme ids."""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from whoosh import query as wq

from search.schema import DEFAULT_FIELD, TEXT_FIELDS
from search.schema import index_stem as _stem

_WORD = re.compile(r"[a-z]+")


def suggest(searcher: Any, query: str, parsed: wq.Query) -> str | None:
    """A "did you mean" query from the index's own words, or None.

    Each query word no tip contains is replaced by the indexed word closest in spelling
    (the most common one among equally close), shown as a real word, not a stem.
    """
    reader = searcher.reader()
    fields = [DEFAULT_FIELD]
    replacements: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    for term in _plain_terms(parsed):
        start, end = getattr(term, "startchar", None), getattr(term, "endchar", None)
        if start is None or end is None or (start, end) in seen:
            continue
        seen.add((start, end))
        text = term.text
        if any(reader.doc_frequency(f, text) for f in fields):
            continue
        best = _closest_term(reader, fields, text)
        if best:
            word = _surface_word(searcher, best) or best
            if word != query[start:end].lower():
                replacements.append((start, end, word))
    if not replacements:
        return None
    suggestion = query
    for start, end, word in sorted(replacements, reverse=True):
        suggestion = suggestion[:start] + word + suggestion[end:]
    return suggestion


def _plain_terms(parsed: wq.Query) -> Iterable[wq.Term]:
    for sub in parsed.leaves():
        if isinstance(sub, wq.Term) and sub.fieldname in TEXT_FIELDS:
            yield sub


def _closest_term(reader: Any, fields: list[str], text: str) -> str | None:
    maxdist = 1 if len(text) <= 4 else 2
    candidates: Counter[str] = Counter()
    for name in fields:
        for found in reader.terms_within(name, text, maxdist, prefix=1):
            found = found.decode() if isinstance(found, bytes) else found
            candidates[found] += reader.doc_frequency(name, found)
    if not candidates:
        return None
    return max(candidates, key=lambda t: (candidates[t], -abs(len(t) - len(text)), t))


def _surface_word(searcher: Any, stemmed: str) -> str | None:
    """The commonest word in a tip's text that stems to `stemmed` ("empathi" → "empathy")."""
    forms: Counter[str] = Counter()
    for docnum in itertools.islice(wq.Term(DEFAULT_FIELD, stemmed).docs(searcher), 3):
        stored = searcher.stored_fields(docnum)
        text = f"{stored.get('title', '')} {stored.get('body', '')}".lower()
        for word in _WORD.findall(text):
            if word[:2] == stemmed[:2] and _stem(word) == stemmed:
                forms[word] += 1
    return max(forms, key=lambda w: (forms[w], -len(w))) if forms else None


def close_match(word: str, known: Iterable[str]) -> str | None:
    """The known word closest in spelling to `word` (a theme id, say), if any is close."""
    found = difflib.get_close_matches(word, sorted(known), n=1)
    return found[0] if found else None
