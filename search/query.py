"""Searching the tip index: parse a query, rank with BM25F, filter, count themes, suggest.

`search_tips(index_dir, "apology")` answers one query; a long-lived caller (the HTTP server)
keeps a `TipSearcher`, which reuses the open index and follows its updates.
"""

from __future__ import annotations

import copy
import datetime as dt
import heapq
import html
import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS as _ANALYZER_STOP_WORDS
from whoosh.qparser import FieldAliasPlugin, OrGroup, PlusMinusPlugin, QueryParser

from search.indexer import CURRENT_FILE, IndexReport, open_index, update_index
from search.related import stem as _stem
from search.schema import DEFAULT_FIELD, FIELD_ALIASES, TEXT_FIELDS
from tipbook.errors import UsageError
from tipbook.model import current_date, one_line

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_QUERY_LENGTH = 500
FEW_HITS = 3  # fewer hits than this and a "did you mean" is worth offering
SNIPPET_CHARS = 240
BM25_K1 = 1.2  # term-frequency saturation
BM25_B = 0.75  # length normalisation
SNIPPET_SCAN_CHARS = 20_000  # a snippet comes from the first pages of a (very long) tip

_FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z_]+):")
_QUOTED = re.compile(r'"[^"]*"')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_WORD = re.compile(r"[a-z]+")


class QueryError(UsageError):
    """A query that cannot be run as written (exit 2), with what to change."""


@dataclass
class Hit:
    """One matching tip, as shown in a result list."""

    rank: int
    score: float
    id: str
    title: str
    date: dt.date
    themes: list[str]
    path: str
    url: str
    snippet: str  # HTML: escaped text with the matched words in <mark>…</mark>

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat(),
            "themes": self.themes,
            "path": self.path,
            "url": self.url,
            "snippet": self.snippet,
        }


@dataclass
class SearchResult:
    """The answer to one query: total matches, theme counts over all of them, the top hits."""

    query: str
    total: int
    facets: dict[str, int]  # theme id → matching tips, over the whole result set
    hits: list[Hit]
    suggestion: str | None = None  # "did you mean" query, when few tips matched
    filters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON document of `tipbook search --json` and `/api/search`."""
        return {
            "query": self.query,
            "total": self.total,
            "filters": self.filters,
            "facets": {"themes": self.facets},
            "suggestion": self.suggestion,
            "hits": [hit.to_dict() for hit in self.hits],
        }


class TipSearcher:
    """Searches one index folder; safe to share between threads.

    Whoosh searchers are not thread-safe, so each concurrent search borrows one from a
    small pool (with its cache of term sets) and gives it back; a borrowed searcher is
    reopened when the index has changed since, so answers follow `update_index`.
    """

    POOL_SIZE = 8  # idle searchers kept; more may exist while a burst lasts

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._pool: list[_Slot] = []
        self._lock = threading.Lock()

    def _acquire(self) -> _Slot:
        with self._lock:
            slot = self._pool.pop() if self._pool else None
        try:
            current = (self.index_dir / CURRENT_FILE).read_bytes()
        except OSError:
            current = b""  # no index: open_index below says what to do
        if slot is not None and slot.current == current:
            if not slot.searcher.up_to_date():
                slot.searcher = slot.searcher.refresh()
                slot.docsets = _DocSets(slot.searcher)
            return slot
        if slot is not None:
            slot.searcher.close()
        searcher = open_index(self.index_dir).searcher()
        return _Slot(current, searcher, _DocSets(searcher))

    def _release(self, slot: _Slot) -> None:
        with self._lock:
            if len(self._pool) < self.POOL_SIZE:
                self._pool.append(slot)
                return
        slot.searcher.close()

    def close(self) -> None:
        with self._lock:
            slots, self._pool = self._pool, []
        for slot in slots:
            slot.searcher.close()

    def search(
        self,
        query: str,
        themes: Sequence[str] = (),
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int = DEFAULT_LIMIT,
        include_unpublished: bool = False,
        today: dt.date | None = None,
    ) -> SearchResult:
        """Run one query; `QueryError` when it is malformed or a filter is unknown."""
        check_query(query)
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"--limit must be between 1 and {MAX_LIMIT}, not {limit}")
        if since and until and since > until:
            raise QueryError(f"--since {since} is after --until {until}: swap them")
        slot = self._acquire()
        try:
            return self._search(
                slot.searcher,
                slot.docsets,
                query,
                themes,
                since,
                until,
                limit,
                include_unpublished,
                today,
            )
        finally:
            self._release(slot)

    def _search(
        self,
        searcher: Any,
        docsets: _DocSets,
        query: str,
        themes: Sequence[str],
        since: dt.date | None,
        until: dt.date | None,
        limit: int,
        include_unpublished: bool,
        today: dt.date | None,
    ) -> SearchResult:
        parsed = _parse(query, searcher.schema)
        themes = [t.strip().lower() for t in themes if t.strip()]
        allowed, hidden = _filters(
            searcher, docsets, themes, since, until, include_unpublished, today
        )

        # Wildcards stand for a bounded set of words (matching and ranking alike); the
        # snippets still highlight every word the user's prefix starts.
        bounded = _bounded(parsed, searcher.reader())
        matched = docsets.of(bounded)
        if allowed is not None:
            matched = matched & allowed
        matched = matched - hidden
        ranked = docsets.rank(_scored_terms(bounded, searcher.reader()), matched, limit)
        wanted = _wanted(parsed)
        hits = [
            _hit(rank, score, searcher.stored_fields(docnum), wanted)
            for rank, (docnum, score) in enumerate(ranked, start=1)
        ]
        suggestion = _suggest(searcher, query, parsed) if len(matched) < FEW_HITS else None
        return SearchResult(
            query=query,
            total=len(matched),
            facets=_theme_counts(searcher, docsets, matched),
            hits=hits,
            suggestion=suggestion,
            filters={
                "themes": themes,
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
                "limit": limit,
            },
        )


def search_tips(index_dir: Path, query: str, **options: Any) -> SearchResult:
    """Search the index in `index_dir` once (options as `TipSearcher.search`)."""
    searcher = TipSearcher(index_dir)
    try:
        return searcher.search(query, **options)
    finally:
        searcher.close()


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
    for word in words:
        bare = word.split(":", 1)[-1]
        if bare.startswith(("*", "?")):
            raise QueryError(
                f"`{word}` starts with a wildcard: give at least one letter first (`empath*`)"
            )


def _parse(query: str, schema: Any) -> wq.Query:
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
        raise QueryError(f"cannot read the query: {error}") from None
    parsed = _lift_nots(parsed)
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        raise QueryError(
            "nothing to search for: the query has only very common words (the, and, …) or "
            "punctuation; add a more specific word"
        )
    return parsed


MAX_WILDCARDS = 8  # words with `*`, `?` or `~` in one query
MAX_EXPANDED = 48  # index terms all of them together stand for: the most frequent ones
MIN_EXPANSION = 6  # …but at least this many each
MAX_SCANNED = 5_000  # index terms looked at for one of them


def _bounded(parsed: wq.Query, reader: Any) -> wq.Query:
    """The query with each prefix, wildcard, fuzzy word or range replaced by its most
    frequent index terms (`MAX_EXPANDED` shared between them), so a query costs about what
    a query of that many plain words costs, however many words its wildcards could match
    (`a* b* c* …` used to read the postings of most of the index)."""
    found: list[wq.Query] = []

    def collect(q: wq.Query) -> wq.Query:
        if isinstance(q, wq.MultiTerm) and not isinstance(q, wq.Variations):
            found.append(q)
            return q
        return q.apply(collect)

    collect(parsed)
    if not found:
        return parsed
    if len(found) > MAX_WILDCARDS:
        raise QueryError(
            f"too many words with `*`, `?` or `~`: at most {MAX_WILDCARDS} in one query"
        )
    share = max(MIN_EXPANSION, MAX_EXPANDED // len(found))

    def bound(q: wq.Query) -> wq.Query:
        if not isinstance(q, wq.MultiTerm) or isinstance(q, wq.Variations):
            return q.apply(bound)
        texts = _most_frequent(q, reader, share)
        if not texts:
            return wq.NullQuery
        return wq.Or([wq.Term(q.fieldname, t) for t in texts], boost=q.boost)

    return bound(parsed)


def _most_frequent(q: wq.MultiTerm, reader: Any, count: int) -> list[str]:
    """The `count` index terms `q` matches that most tips hold (among `MAX_SCANNED`)."""
    field = reader.schema[q.fieldname]
    if isinstance(q, wq.PatternQuery):
        # Frequencies come with the terms when walking the term list from the prefix.
        if isinstance(q, wq.Prefix):
            prefix, pattern = q.text, None
        else:
            prefix, pattern = q._find_prefix(q.text), re.compile(q._get_pattern())
        pairs = (
            (field.from_bytes(btext), info.doc_frequency())
            for btext, info in reader.iter_prefix(q.fieldname, prefix)
        )
        matching = ((t, df) for t, df in pairs if pattern is None or pattern.match(t))
        scored = list(itertools.islice(matching, MAX_SCANNED))
    else:
        texts = itertools.islice(q.expanded_terms(reader), MAX_SCANNED)
        scored = [(field.from_bytes(t), reader.doc_frequency(q.fieldname, t)) for _, t in texts]
    best = heapq.nsmallest(count, scored, key=lambda pair: (-pair[1], pair[0]))
    return [text for text, _ in best]


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


@dataclass
class _Slot:
    """A pooled searcher: the generation it reads, and its cached term sets."""

    current: bytes
    searcher: Any
    docsets: _DocSets


class _DocSets:
    """Matching and ranking over one searcher, with per-term results cached.

    Which tips match: set algebra over the cached sets of single terms (Whoosh decides
    phrases, prefixes and ranges). How they rank: BM25 over the weighted `content` field
    (that is BM25F over the tip's parts, see `search.schema`), from cached per-term score
    tables. Whoosh's own collector scores document by document through a chain of Python
    calls (~30 µs each), so a common word at 10,000 tips took ~300 ms; reading a term's
    postings block by block and scoring them in one loop takes a few ms, once per index
    generation.
    """

    MAX_CACHED = 4096
    MAX_EXPANSION = 64  # terms a prefix or wildcard scores with (the most frequent)

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.cache: dict[wq.Query, frozenset[int]] = {}
        self.scores: dict[tuple[str, str], dict[int, float]] = {}
        self.lengths: dict[tuple[int, str], list[int]] = {}
        self._all: frozenset[int] | None = None

    def rank(
        self, terms: list[tuple[str, str, float]], matched: frozenset[int], limit: int
    ) -> list[tuple[int, float]]:
        """The `limit` best (docnum, score) among `matched`, best first, ties oldest first."""
        if not matched:
            return []
        totals = dict.fromkeys(sorted(matched), 0.0)  # sorted: equal scores keep docnum order
        for fieldname, text, boost in terms:
            table = self.term_scores(fieldname, text)
            if len(table) > len(totals):
                for docnum in totals:
                    totals[docnum] += table.get(docnum, 0.0) * boost
            else:
                for docnum, score in table.items():
                    if docnum in totals:
                        totals[docnum] += score * boost
        best = heapq.nlargest(limit, totals.items(), key=itemgetter(1))
        return [(docnum, round(score, 6)) for docnum, score in best]

    def term_scores(self, fieldname: str, text: str) -> dict[int, float]:
        """BM25 score of one term for every tip that has it (docnum → score)."""
        key = (fieldname, text)
        table = self.scores.get(key)
        if table is not None:
            return table
        searcher = self.searcher
        table = {}
        df = searcher.doc_frequency(fieldname, text)
        if df:
            n = searcher.doc_count_all()
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            avg = searcher.avg_field_length(fieldname) or 1.0
            base, per_length = BM25_K1 * (1 - BM25_B), BM25_K1 * BM25_B / avg
            scale = idf * (BM25_K1 + 1)
            for segment, offset in searcher.reader().leaf_readers():
                if (fieldname, text) not in segment:
                    continue
                lengths = self._lengths(segment, fieldname)
                ids, weights = _postings(segment.postings(fieldname, text))
                for docnum, tf in zip(ids, weights, strict=True):
                    table[offset + docnum] = scale * tf / (tf + base + per_length * lengths[docnum])
        if len(self.scores) >= self.MAX_CACHED:
            self.scores.clear()
        self.scores[key] = table
        return table

    def _lengths(self, segment: Any, fieldname: str) -> list[int]:
        key = (id(segment), fieldname)
        lengths = self.lengths.get(key)
        if lengths is None:
            length = segment.doc_field_length
            count = segment.doc_count_all()
            lengths = self.lengths[key] = [length(d, fieldname, 0) for d in range(count)]
        return lengths

    @property
    def all(self) -> frozenset[int]:
        if self._all is None:
            self._all = frozenset(self.searcher.reader().all_doc_ids())
        return self._all

    def of(self, q: wq.Query) -> frozenset[int]:
        if isinstance(q, wq.Or):
            return frozenset().union(*(self.of(sub) for sub in q.subqueries))
        if isinstance(q, wq.And):
            sets = sorted((self.of(sub) for sub in q.subqueries), key=len)
            return sets[0].intersection(*sets[1:]) if sets else frozenset()
        if isinstance(q, wq.AndNot):
            return self.of(q.a) - self.of(q.b)
        if isinstance(q, wq.AndMaybe):
            return self.of(q.a)
        if isinstance(q, wq.Not):
            return self.all - self.of(q.query)
        if isinstance(q, wq.Every):
            return self.all
        if q is wq.NullQuery:
            return frozenset()
        found = self.cache.get(q)
        if found is None:
            if len(self.cache) >= self.MAX_CACHED:
                self.cache.clear()
            found = self.cache[q] = frozenset(q.docs(self.searcher))
        return found


def _postings(matcher: Any) -> tuple[list[int], list[float]]:
    """All (docnums, term frequencies) of a term, a block at a time where Whoosh allows."""
    leaf = matcher
    while hasattr(leaf, "child") and not hasattr(leaf, "_read_ids"):
        leaf = leaf.child  # deleted tips are filtered out later, by the matched set
    ids: list[int] = []
    weights: list[float] = []
    if hasattr(leaf, "_read_ids") and hasattr(leaf, "_next_block"):
        # Whoosh's own leaf matcher (codec w3): take each decoded block whole.
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_weights()
            ids.extend(leaf._ids)
            weights.extend(leaf._weights)
            leaf._next_block()
        return ids, weights
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def _scored_terms(parsed: wq.Query, reader: Any) -> list[tuple[str, str, float]]:
    """(field, term, boost) of every positive term of a query: what ranks the matches."""
    terms: dict[tuple[str, str], float] = {}

    def add(fieldname: str, text: str, boost: float) -> None:
        terms[(fieldname, text)] = max(terms.get((fieldname, text), 0.0), boost)

    def walk(q: wq.Query, boost: float) -> None:
        if isinstance(q, wq.Not):
            return
        boost *= getattr(q, "boost", 1.0) or 1.0
        if isinstance(q, wq.AndNot):
            walk(q.a, boost)
        elif isinstance(q, wq.compound.CompoundQuery):
            for sub in q.subqueries:
                walk(sub, boost)
        elif getattr(q, "fieldname", None) not in TEXT_FIELDS:
            return
        elif isinstance(q, wq.Phrase):
            # A phrase counts as one unit: the mean of its words, not their sum
            # ("co-worker" must not weigh twice "customer").
            for word in q.words:
                add(q.fieldname, word, boost / max(1, len(q.words)))
        elif isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            expanded = [text for _, text in q.expanded_terms(reader)]
            expanded = [t.decode() if isinstance(t, bytes) else t for t in expanded]
            if len(expanded) > _DocSets.MAX_EXPANSION:
                frequency = {t: reader.doc_frequency(q.fieldname, t) for t in expanded}
                expanded = sorted(expanded, key=lambda t: (-frequency[t], t))
                expanded = expanded[: _DocSets.MAX_EXPANSION]
            for text in expanded:
                add(q.fieldname, text, boost)
        elif isinstance(q, wq.Term):
            add(q.fieldname, q.text, boost)

    walk(parsed, 1.0)
    return [(f, t, b) for (f, t), b in terms.items()]


def _filters(
    searcher: Any,
    docsets: _DocSets,
    themes: list[str],
    since: dt.date | None,
    until: dt.date | None,
    include_unpublished: bool,
    today: dt.date | None,
) -> tuple[frozenset[int] | None, frozenset[int]]:
    """(the tips the filters allow, or None for all; the unpublished tips to hide)."""
    if themes:
        reader = searcher.reader()
        known = {t.decode() if isinstance(t, bytes) else t for t in reader.lexicon("themes")}
        for theme in themes:
            if theme not in known:
                close = _close_matches(theme, known)
                hint = f" (did you mean {close}?)" if close else ""
                raise QueryError(f"no tip has the theme {theme!r}{hint}: see `tipbook themes list`")
    parts: list[wq.Query] = []
    if themes:
        parts.append(wq.Or([wq.Term("themes", t) for t in themes]))
    if since or until:
        start = dt.datetime.combine(since, dt.time()) if since else None
        end = dt.datetime.combine(until, dt.time.max) if until else None
        parts.append(wq.DateRange("date", start, end))
    allowed = docsets.of(wq.And(parts)) if parts else None
    hidden: frozenset[int] = frozenset()
    if not include_unpublished:
        tomorrow = dt.datetime.combine((today or current_date()) + dt.timedelta(days=1), dt.time())
        hidden = docsets.of(wq.Term("draft", True)) | docsets.of(
            wq.DateRange("date", tomorrow, None)
        )
    return allowed, hidden


def _theme_counts(searcher: Any, docsets: _DocSets, matched: frozenset[int]) -> dict[str, int]:
    """Matching tips per theme, most first: one set intersection per theme."""
    if not matched:
        return {}
    counts: dict[str, int] = {}
    for term in searcher.reader().lexicon("themes"):
        theme = term.decode() if isinstance(term, bytes) else term
        count = len(matched & docsets.of(wq.Term("themes", theme)))
        if count:
            counts[theme] = count
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _hit(rank: int, score: float, fields: dict[str, Any], wanted: _Wanted) -> Hit:
    snippet = ""
    for name in ("body", "takeaway", "summary"):
        snippet = make_snippet(fields.get(name) or "", wanted)
        if snippet:
            break
    if not snippet:
        summary = fields.get("summary") or fields.get("body", "")
        snippet = html.escape(_shorten(one_line(summary), SNIPPET_CHARS), quote=False)
    themes = [t for t in (fields.get("themes") or "").split(",") if t]
    return Hit(
        rank=rank,
        score=score,
        id=fields["id"],
        title=fields["title"],
        date=fields["date"].date(),
        themes=themes,
        path=fields["path"],
        url=fields["url"],
        snippet=snippet,
    )


@dataclass
class _Wanted:
    """The stemmed terms (and prefixes) a query looks for: what a snippet highlights."""

    terms: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()
    _candidates: re.Pattern[str] | None = None

    def matches(self, stemmed: str) -> bool:
        return stemmed in self.terms or (bool(self.prefixes) and stemmed.startswith(self.prefixes))

    @property
    def candidates(self) -> re.Pattern[str] | None:
        """A regex for the words that may stem to a wanted term (checked after).

        A stem is nearly always the start of its word, bar a last letter ("empathi" from
        "empathy"), so only words starting with a stem's first letters need stemming.
        """
        if self._candidates is None and (self.terms or self.prefixes):
            starts = {t[: max(2, len(t) - 2)] for t in self.terms} | set(self.prefixes)
            alternatives = "|".join(sorted(map(re.escape, starts), key=len, reverse=True))
            self._candidates = re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)
        return self._candidates


def _wanted(parsed: wq.Query) -> _Wanted:
    """Collect the positive text terms of a query (words after NOT are not highlighted)."""
    wanted = _Wanted()
    prefixes: list[str] = []

    def walk(q: wq.Query) -> None:
        if isinstance(q, wq.Not):
            return
        if isinstance(q, (wq.AndNot, wq.AndMaybe)):
            walk(q.a)
            if isinstance(q, wq.AndMaybe):
                walk(q.b)
            return
        if isinstance(q, wq.compound.CompoundQuery):
            for sub in q.subqueries:
                walk(sub)
            return
        if getattr(q, "fieldname", None) not in TEXT_FIELDS:
            return
        if isinstance(q, wq.Phrase):
            wanted.terms.update(q.words)
        elif isinstance(q, (wq.Prefix, wq.Wildcard)):
            prefixes.append(re.split(r"[*?]", q.text, maxsplit=1)[0])
        elif isinstance(q, wq.Term):
            wanted.terms.add(q.text)

    walk(parsed)
    wanted.prefixes = tuple(p for p in prefixes if p)
    return wanted


def make_snippet(text: str, wanted: _Wanted, width: int = SNIPPET_CHARS) -> str:
    """The stretch of `text` holding the most distinct query terms, as HTML with <mark>s.

    Whoosh's highlighter re-analyses the whole stored text of every hit (about 10 ms a
    tip); here a regex finds the few words that could match and only those are stemmed.
    """
    if not text:
        return ""
    candidates = wanted.candidates
    if candidates is None:
        return ""
    text = " ".join(text[:SNIPPET_SCAN_CHARS].split())
    spans: list[tuple[int, int, str]] = []
    for match in candidates.finditer(text):
        word = match.group().lower()
        if word in _ANALYZER_STOP_WORDS:
            continue
        stemmed = _stem(word)
        if wanted.matches(stemmed):
            spans.append((match.start(), match.end(), stemmed))
    if not spans:
        return ""
    # The window (starting at a match) that holds the most distinct terms, earliest first.
    best_start, best_count, right = 0, -1, 0
    for left, (start, _, _) in enumerate(spans):
        right = max(right, left)
        while right + 1 < len(spans) and spans[right + 1][1] - start <= width:
            right += 1
        count = len({stemmed for _, _, stemmed in spans[left : right + 1]})
        if count > best_count:
            best_start, best_count = left, count
    first = spans[best_start][0]
    begin = max(0, text.rfind(" ", 0, max(0, first - 40)) + 1) if first > 40 else 0
    end = min(len(text), begin + width)
    if end < len(text):
        end = text.rfind(" ", begin, end) if text.rfind(" ", begin, end) > first else end
    parts = ["… " if begin else ""]
    cursor = begin
    for start, stop, _ in spans:
        if start < begin or stop > end:
            continue
        parts.append(html.escape(text[cursor:start], quote=False))
        parts.append(f"<mark>{html.escape(text[start:stop], quote=False)}</mark>")
        cursor = stop
    parts.append(html.escape(text[cursor:end], quote=False))
    parts.append(" …" if end < len(text) else "")
    return "".join(parts).strip()


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _suggest(searcher: Any, query: str, parsed: wq.Query) -> str | None:
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


def _close_matches(word: str, known: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, sorted(known), n=1)
    return found[0] if found else None


def search_collection(config: Any, query: str, **options: Any) -> tuple[IndexReport, SearchResult]:
    """Bring `config`'s index up to date (cheap when nothing changed), then search it."""
    check_query(query)  # a malformed query fails before any indexing work
    report = update_index(config)
    return report, search_tips(config.index_dir, query, **options)
