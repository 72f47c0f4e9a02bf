"""What a scrape did: one typed record per tip written or kept, per page failed or skipped."""

from __future__ import annotations

from dataclasses import dataclass, field

from scraper.doors import Door

OUTCOMES = ("new", "updated", "unchanged", "kept")


@dataclass
class TipRecord:
    """One tip the run wrote (or kept): where from, where to, and what happened."""

    url: str
    title: str
    path: str  # relative to the content folder
    outcome: str  # one of OUTCOMES
    excerpt_only: bool = False
    via: str = ""  # the door it came through: rest, feed, html or archive
    themes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why each theme (site tag or words)
    note: str = ""  # e.g. why only the excerpt could be had


@dataclass
class PageProblem:
    """A page that failed (or was skipped on purpose), with the reason in words."""

    url: str
    reason: str
    stage: str  # "archive", "post", "link" or "image"

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


@dataclass
class ScrapeReport:
    """Everything a scrape run did, for the CLI summary and for tests."""

    tips: list[TipRecord] = field(default_factory=list)
    failures: list[PageProblem] = field(default_factory=list)
    skipped: list[PageProblem] = field(default_factory=list)  # robots.txt, other hosts, …
    notes: list[str] = field(default_factory=list)  # e.g. where incremental paging stopped
    archive_pages: int = 0
    known: int = 0  # tips listed on the walked pages that were already in content/
    requests: int = 0
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for tip in self.tips if tip.outcome == outcome)

    @property
    def excerpt_only(self) -> int:
        return sum(1 for tip in self.tips if tip.excerpt_only and tip.outcome != "kept")

    @property
    def counts(self) -> dict[str, int]:
        """The summary line: new, updated, unchanged, kept, excerpt-only, failed."""
        counts = {outcome: self.count(outcome) for outcome in OUTCOMES}
        counts["excerpt-only"] = self.excerpt_only
        counts["failed"] = len(self.failures)
        return counts

    @property
    def doors(self) -> dict[str, int]:
        """How many tips came through each door (rest, feed, html, archive)."""
        counts: dict[str, int] = {}
        for tip in self.tips:
            if tip.via:
                counts[tip.via] = counts.get(tip.via, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class SitePlan:
    """`tipbook scrape --plan` for one start URL: the doors found, in the order tried."""

    start: str
    doors: list[Door] = field(default_factory=list)
    problem: str = ""  # the start page itself could not be had
