"""The searcher: answers queries from one index folder, for as long as the caller likes.

`search_tips(index_dir, "apology")` answers one query; a long-lived caller (the HTTP server)
keeps a `TipSearcher`, which reuses the open index and follows its updates. One query runs
through `search.parse`, `search.rank`, `search.snippets` and `search.suggest`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import query as wq

from search.expansion import expansion_query, expansion_terms, is_plain
from search.indexer import CURRENT_FILE, IndexReport, open_index, update_index
from search.options import DEFAULT_LIMIT, QueryError, SearchOptions
from search.parse import check_query, parse
from search.rank import DocSets, scored_terms
from search.results import Hit, SearchResult
from search.snippets import Wanted, snippet_for, wanted_terms
from search.suggest import close_match, suggest
from search.vectors import RERANKED, rerank, text_vector
from search.wildcards import bounded
from tipbook.model import current_date

FEW_HITS = 3  # fewer hits than this and a "did you mean" is worth offering


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
        if slot is not None and slot.current == current and slot.searcher.up_to_date():
            return slot
        if slot is not None:
            slot.searcher.close()
        # Opened anew, never Whoosh's `Searcher.refresh()`: it reuses the reader of a
        # segment by its id, with the deletions it had then (a deleted or held-back tip
        # stayed found, and found again once re-added: twice), and adds the segments a
        # merge removed.
        searcher = open_index(self.index_dir).searcher()
        return _Slot(current, searcher, DocSets(searcher))

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
        autocorrect: bool = True,
        held_back: frozenset[str] = frozenset(),
    ) -> SearchResult:
        """Run one query; `QueryError` when it is malformed or a filter is unknown."""
        check_query(query)
        options = SearchOptions(
            tuple(themes),
            since,
            until,
            limit,
            include_unpublished,
            today,
            autocorrect=autocorrect,
            held_back=held_back,
        )
        return self.run(query, options)

    def run(self, query: str, options: SearchOptions) -> SearchResult:
        """Run one query with options already checked (`search`, with them as one object)."""
        check_query(query)
        slot = self._acquire()
        try:
            result = self._search(slot.searcher, slot.docsets, query, options)
            if result.total or not result.suggestion or not options.autocorrect:
                return result
            # Nothing matches the words as typed (nor their related words: a real word is
            # no typo): show what their correction finds (Google's "Showing results for
            # …"), keeping the typed query to search instead.
            corrected = self._search(slot.searcher, slot.docsets, result.suggestion, options)
            if not corrected.total:
                return result
            corrected.corrected_from, corrected.suggestion = query, None
            return corrected
        finally:
            self._release(slot)

    def _search(
        self, searcher: Any, docsets: DocSets, query: str, options: SearchOptions
    ) -> SearchResult:
        parsed = parse(query, searcher.schema)
        allowed, hidden = _filters(searcher, docsets, options)

        # Wildcards stand for a bounded set of words (matching and ranking alike); the
        # snippets still highlight every word the user's prefix starts.
        narrowed = bounded(parsed, searcher.reader())
        typed = docsets.of(narrowed)
        if allowed is not None:
            typed = typed & allowed
        typed = typed - hidden
        # A plain question's words also rank (and find) the tips with related words,
        # weighted low (search.expansion).
        related = expansion_terms(query, parsed)
        matched = typed
        if related:
            also = docsets.of(expansion_query(related)) - hidden
            matched = typed | (also if allowed is None else also & allowed)
        found_as_typed = len(typed)
        terms = scored_terms(narrowed, searcher.reader()) + related
        # A plain query's best tips by words are reordered by meaning (search.vectors).
        concept = text_vector(query) if is_plain(query, parsed) else None
        ranked = docsets.rank(terms, matched, max(options.limit, RERANKED if concept else 0))
        if concept:
            ranked = rerank(ranked, docsets.vector, concept)[: options.limit]
        wanted = wanted_terms(parsed)
        hits = [
            _hit(rank, score, searcher.stored_fields(docnum), wanted)
            for rank, (docnum, score) in enumerate(ranked, start=1)
        ]
        few = min(len(matched), found_as_typed) < FEW_HITS
        suggestion = suggest(searcher, query, parsed) if few else None
        return SearchResult(
            query=query,
            total=len(matched),
            facets=_theme_counts(searcher, docsets, matched),
            hits=hits,
            suggestion=suggestion,
            filters=options.to_dict(),
            typed_matches=found_as_typed,
        )


@dataclass
class _Slot:
    """A pooled searcher: the generation it reads, and its cached term sets."""

    current: bytes
    searcher: Any
    docsets: DocSets


def _filters(
    searcher: Any, docsets: DocSets, options: SearchOptions
) -> tuple[frozenset[int] | None, frozenset[int]]:
    """(the tips the filters allow, or None for all; the unpublished tips to hide)."""
    themes, since, until = options.themes, options.since, options.until
    if themes:
        reader = searcher.reader()
        known = {t.decode() if isinstance(t, bytes) else t for t in reader.lexicon("themes")}
        for theme in themes:
            if theme not in known:
                close = close_match(theme, known)
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
    if not options.include_unpublished:
        today = options.today or current_date()
        tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time())
        hidden = docsets.of(wq.Term("draft", True)) | docsets.of(
            wq.DateRange("date", tomorrow, None)
        )
        for path in options.held_back:
            hidden |= docsets.of(wq.Term("path", path))
    return allowed, hidden


def _theme_counts(searcher: Any, docsets: DocSets, matched: frozenset[int]) -> dict[str, int]:
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


def _hit(rank: int, score: float, fields: dict[str, Any], wanted: Wanted) -> Hit:
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
        snippet=snippet_for(fields, wanted),
    )


def search_tips(index_dir: Path, query: str, options: SearchOptions | None = None) -> SearchResult:
    """Search the index in `index_dir` once."""
    searcher = TipSearcher(index_dir)
    try:
        return searcher.run(query, options or SearchOptions())
    finally:
        searcher.close()


def search_collection(
    config: Any, query: str, options: SearchOptions | None = None
) -> tuple[IndexReport, SearchResult]:
    """Bring `config`'s index up to date (cheap when nothing changed), then search it."""
    check_query(query)  # a malformed query fails before any indexing work
    report = update_index(config)
    return report, search_tips(config.index_dir, query, options or SearchOptions())
