"""Snippets: the stretch of a hit's text holding the most query terms, matches in <mark>."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS as _ANALYZER_STOP_WORDS

from search.schema import TEXT_FIELDS
from search.schema import index_stem as _stem
from tipbook.model import one_line

SNIPPET_CHARS = 240
SNIPPET_SCAN_CHARS = 20_000  # a snippet comes from the first pages of a (very long) tip


@dataclass
class Wanted:
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


def wanted_terms(parsed: wq.Query) -> Wanted:
    """Collect the positive text terms of a query (words after NOT are not highlighted)."""
    wanted = Wanted()
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


def make_snippet(text: str, wanted: Wanted, width: int = SNIPPET_CHARS) -> str:
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


def snippet_for(fields: dict[str, Any], wanted: Wanted) -> str:
    """A hit's snippet: from its body, else takeaway, else summary; else its summary's start."""
    snippet = ""
    for name in ("body", "takeaway", "summary"):
        snippet = make_snippet(fields.get(name) or "", wanted)
        if snippet:
            break
    if not snippet:
        summary = fields.get("summary") or fields.get("body", "")
        snippet = html.escape(_shorten(one_line(summary), SNIPPET_CHARS), quote=False)
    return snippet
