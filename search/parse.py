"""Reading a query: refuse what Whoosh would silently misread, then parse it.

`check_query` says what to change in a malformed query; `parse` turns a checked one into a
Whoosh query where words are OR-ed and `NOT` excludes (see `_lift_nots`).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, OrGroup, PlusMinusPlugin, QueryParser

from search.options import MAX_QUERY_LENGTH, QueryError
from search.schema import DEFAULT_FIELD, FIELD_ALIASES

_FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z_]+):")
_QUOTED = re.compile(r'"[^"]*"')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def check_query(query: str) -> None:
    """Refuse queries Whoosh would silently misread, saying what to change."""
    if not query or not query.strip():
        raise QueryError('empty query: give some words, e.g. `tipbook search "empathy"`')
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"query too long ({len(query)} characters, at most {MAX_QUERY_LENGTH})")
    if query.count('"') % 2:
        raise QueryError('unbalanced quotes: close the phrase with a second `"`')
    unquoted = _QUOTED.sub("_", query)  # a phrase is one token here: `title:"a b"` is fine
    depth = 0
    for char in unquoted:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("a `)` without its `(`: balance the parentheses")
    if depth:
        raise QueryError("a `(` without its `)`: balance the parentheses")
    for name in _FIELD_PREFIX.findall(unquoted):
        if name.lower() not in FIELD_ALIASES:
            known = ", ".join(f"{n}:" for n in sorted(set(FIELD_ALIASES) - {"themes", "tags"}))
            raise QueryError(
                f"unknown field `{name}:`: use one of {known}, "
                "or drop the colon to search for the word"
            )
    if re.search(r"(?:^|[\s(])[A-Za-z_]+:(?:\s|$|\))", unquoted):
        raise QueryError("a field name with nothing after it: write e.g. `title:sorry`")
    words = unquoted.replace("(", " ").replace(")", " ").split()
    if words and words[0] in _OPERATORS - {"NOT"}:
        raise QueryError(f"the query starts with {words[0]}: put a word before it")
    if words and words[-1] in _OPERATORS:
        raise QueryError(f"the query ends with {words[-1]}: put a word after it")
    for before, after in zip(words, words[1:], strict=False):
        if before in _OPERATORS and after in _OPERATORS - {"NOT"}:
            raise QueryError(f"{before} followed by {after}: put a word between them")
        if before == after == "NOT":
            raise QueryError("NOT followed by NOT: write the word alone, or NOT once")
    for word in words:
        bare = word.split(":", 1)[-1]
        if bare.startswith(("*", "?")):
            raise QueryError(
                f"`{word}` starts with a wildcard: give at least one letter first (`empath*`)"
            )


def parse(query: str, schema: Any) -> wq.Query:
    parser = QueryParser(DEFAULT_FIELD, schema, group=OrGroup)
    aliases: dict[str, list[str]] = {}
    for alias, name in FIELD_ALIASES.items():
        if alias != name:
            aliases.setdefault(name, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    # +required -excluded, only in front of a word: "co-worker" stays one phrase.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    try:
        parsed = parser.parse(query)
    except Exception as error:  # Whoosh's parser errors have no common base class
        # Whoosh's own message names its internals ("list index out of range"): say what to do.
        raise QueryError(
            f"cannot read the query ({error}): check its quotes, brackets and AND/OR/NOT"
        ) from None
    parsed = _lift_nots(parsed)
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        raise QueryError(
            "nothing to search for: the query has only very common words (the, and, …) or "
            "punctuation; add a more specific word"
        )
    return parsed


def _lift_nots(parsed: wq.Query) -> wq.Query:
    """Make `a b NOT c` mean "a or b, but not c".

    Words are OR-ed so that natural questions find tips holding most of their words; Whoosh
    then reads `NOT c` as one more alternative ("or anything without c"), which is not
    what anyone means.
    """
    if not isinstance(parsed, wq.compound.CompoundQuery):
        return parsed
    lifted = copy.copy(parsed)
    lifted.subqueries = [_lift_nots(sub) for sub in parsed.subqueries]
    if not isinstance(parsed, wq.Or):
        return lifted
    nots = [sub for sub in lifted.subqueries if isinstance(sub, wq.Not)]
    rest = [sub for sub in lifted.subqueries if not isinstance(sub, wq.Not)]
    if not nots or not rest:
        return lifted
    lifted.subqueries = rest
    positive = rest[0] if len(rest) == 1 else lifted
    excluded = [sub.query for sub in nots]
    return wq.AndNot(positive, excluded[0] if len(excluded) == 1 else wq.Or(excluded))
