"""What staff could not find: a log of the served box's queries (how many tips each found)
and of the results opened from them, and the report editors read from it (`tipbook search
report`): the queries that found nothing, or whose results nobody opened.

Privacy: a line holds the day, the query's words (lowercased, at most `MAX_QUERY`
characters) and how many tips matched, or that a result of it was opened; never an address,
a cookie, a time of day, which result, or anything that tells who asked. Switched off with
`serve.log_queries: false` in tipbook.yml.
The log is appended to under a lock and bounded: past `MAX_BYTES` it is renamed to
`<name>.1` (replacing the previous one) and a new one started, so it never holds more than
about twice that.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 1_000_000
MAX_QUERY = 200
MAX_PENDING = 10_000  # searches remembered for their "opened" beacon


class QueryLog:
    """Appends unanswered queries to one JSON-lines file; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        # Searches answered and not yet opened, by words (oldest first, at most MAX_PENDING):
        # an "opened" is logged only against one of them, so a script posting "opened"
        # beacons cannot mark as answered what nobody searched for, or mark one search twice.
        self._pending: OrderedDict[str, int] = OrderedDict()

    def record(self, query: str, total: int, corrected_to: str | None = None) -> None:
        """Log a query the box asked, with how many tips it found (0: none as typed, and
        `corrected_to` what was shown instead)."""
        entry: dict[str, object] = {"total": total}
        if corrected_to:
            entry["corrected"] = _words(corrected_to)
        words = _words(query)
        with self._lock:
            self._pending[words] = self._pending.pop(words, 0) + 1
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)
        self._append(query, entry)

    def record_opened(self, query: str) -> bool:
        """Log that a result of `query` was opened (not which one), if a search for it was
        answered and not yet opened; whether it was logged."""
        words = _words(query)
        with self._lock:
            left = self._pending.get(words, 0)
            if not left:
                return False
            if left == 1:
                del self._pending[words]
            else:
                self._pending[words] = left - 1
        self._append(query, {"opened": 1})
        return True

    def _append(self, query: str, fields: dict[str, object]) -> None:
        words = _words(query)
        if not words:
            return
        entry = {"day": dt.date.today().isoformat(), "q": words, **fields}
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                if self.path.exists() and self.path.stat().st_size + len(line) > MAX_BYTES:
                    os.replace(self.path, self.path.with_name(self.path.name + ".1"))
                # One write of one line with O_APPEND: lines never interleave.
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
            except OSError:
                pass  # the log must never stop a search


# What a person may type into a search box but the log must not keep: an e-mail address, or a
# run of digits long enough to be a phone, order or card number (kept as a placeholder, so
# the report still shows the query's other words).
_PERSONAL = re.compile(r"\S+@\S+|\+?\d[\d ()./-]{5,}\d")


def _words(text: str) -> str:
    return " ".join(_PERSONAL.sub(" [redacted] ", text.lower()).split())[:MAX_QUERY]


@dataclass(frozen=True)
class Unanswered:
    """One query staff asked that found nothing or whose results nobody opened, how often,
    and what the box showed."""

    query: str
    count: int
    corrected: str  # what the box showed instead (a typo's correction), or ""
    found: int = 0  # tips it found (the most of its askings)
    opened: int = 0  # results opened from it


def read_entries(path: Path) -> Iterator[dict[str, object]]:
    """The log's entries, the rotated file's first; damaged lines are skipped."""
    for part in (path.with_name(path.name + ".1"), path):
        try:
            lines = part.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("q"), str):
                yield entry


def unanswered(path: Path, top: int = 20) -> list[Unanswered]:
    """The `top` queries asked most often that found nothing, or whose results nobody
    opened, most asked first.

    The box asks as staff type, so "emp", "empt" and "empthy" may all be logged for one
    question: a query that only starts another logged query is left out.
    """
    counts: Counter[str] = Counter()
    opened: Counter[str] = Counter()
    found: dict[str, int] = {}
    corrected: dict[str, str] = {}
    for entry in read_entries(path):
        query = str(entry["q"])
        if entry.get("opened"):
            opened[query] += 1
            continue
        counts[query] += 1
        total = entry.get("total")
        found[query] = max(found.get(query, 0), total if isinstance(total, int) else 0)
        if entry.get("corrected"):
            corrected[query] = str(entry["corrected"])
    ordered = sorted(counts)
    typed_on = {a for a, b in zip(ordered, ordered[1:], strict=False) if b.startswith(a)}
    # Found nothing, or found tips nobody opened (an opened result answered the query).
    missed = [q for q in counts if q not in typed_on and not opened[q]]
    ranked = sorted(missed, key=lambda q: (-counts[q], found[q], q))
    return [Unanswered(q, counts[q], corrected.get(q, ""), found[q]) for q in ranked[:top]]
