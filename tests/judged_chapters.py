"""Judged chapters of the shipped tips, and the classifier's precision measured on them.

Each shipped tip (content/tips/) is listed with every chapter a reader looking for it would
accept, judged by reading the tip (for excerpt-only tips, its title and excerpt), not from
what any classifier said. A chapter the classifier gives that is not listed is a miss.

`measure` classifies every judged tip as the scraper does (site tags + signal words, then
the nearest chapter for a tip no signal places); when the nearest chapter also learns from
the tips (as `themes suggest` does), only from the other tips (leave one out).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scraper.classify import assign_themes
from tipbook.content import iter_tip_files, load_tip
from tipbook.model import Tip
from tipbook.nearest import ChapterSimilarity
from tipbook.taxonomy import Taxonomy

JUDGED: dict[str, set[str]] = {
    "2013-07-30-re-invigorate-your-clients": {"retention", "relationships"},
    "2013-08-06-build-up-your-peers-to-better-the-customer-experience": {
        "teamwork",
        "relationships",
    },
    "2013-08-13-convey-compassion-in-customer-service": {
        "compassion",
        "empathy",
        "caring",
        "communication",
    },
    "2016-05-10-caring-crucial-to-customer-service": {"caring", "communication", "relationships"},
    "2017-07-11-how-to-grow-your-relationships": {
        "relationships",
        "communication",
        "compassion",
        "caring",
        "empathy",
        "teamwork",
    },
    "2018-10-30-words-that-convey-you-care": {"caring", "communication"},
    "2018-11-06-love-is-never-having-to-say-youre-sorry": {
        "apology",
        "teamwork",
        "communication",
        "caring",
    },
    "2018-11-13-why-to-become-an-empathy-expert": {"empathy", "communication", "caring"},
    "2018-12-11-a-representative-success": {"relationships"},
    "2018-12-18-be-somebody-to-your-customer": {"relationships", "caring"},
    "2018-12-25-2018-holiday-poem": {"mindset"},
    "2019-01-01-how-to-have-a-truly-happy-new-year": {"mindset"},
    "2019-01-08-bring-something-extra-to-the-table": {"caring", "communication"},
    "2019-01-15-retain-through-responsiveness": {"retention", "responsiveness", "apology"},
    "2019-01-22-dont-dwell-on-the-customer-crazies": {"mindset"},
    "2019-01-29-recipe-for-reputation-rehab": {"apology", "retention"},
    "2019-02-05-paint-a-picture-take-a-picture": {"communication"},
    "2019-02-12-know-the-customers-value-proposition": {"teamwork", "relationships"},
    "2019-02-19-look-up-or-look-out": {"communication", "caring"},
    "2019-02-26-retrain-your-brain": {"mindset", "empathy"},
    "2019-03-05-customer-for-life-the-first-step": {"retention", "relationships"},
    "2019-03-12-employee-runs-for-a-dog-run": {"caring"},
    "2019-03-19-customer-for-life-the-second-step": {"retention", "relationships", "communication"},
    "2019-03-26-facial-recognition-is-the-future-of-customer-service": {"relationships"},
    "2019-04-02-customer-for-life-the-third-step": {"retention", "relationships"},
    "2019-04-09-use-the-actions-of-empathy": {"empathy", "apology"},
    "2019-04-16-customer-for-life-the-final-step": {"retention", "relationships"},
    "2019-04-23-should-you-tell-the-customer-the-companys-dilemma": {
        "communication",
        "responsiveness",
    },
    "2021-12-07-apply-selfless-service": {"compassion", "empathy", "caring"},
    "2023-12-12-its-not-what-you-did": {"retention", "caring", "responsiveness", "empathy"},
    "2023-12-19-refresh-rejuvenate-refocus": {"mindset"},
    "2023-12-26-holiday-poem-2023": {"mindset"},
    "2024-01-02-make-empathy-your-superpower": {"empathy", "apology"},
    "2024-01-09-sharpen-your-service-delivery": {"communication", "responsiveness"},
    "2024-01-16-recognize-the-situation-and-pivot": {"apology", "communication", "empathy"},
    "2024-01-23-be-better-than-ai-customer-service": {"empathy", "caring", "relationships"},
    "2024-01-30-care-enough-to-give-them-a-heads-up": {"caring", "responsiveness", "communication"},
    "2024-02-06-define-customer-service-success-differently": {"mindset"},
    "2024-02-13-customer-understanding-leads-to-relationship-growth": {"relationships", "empathy"},
    "2024-02-20-youre-the-boss": {"mindset"},
}


@dataclass
class Precision:
    """How right the classifier is on the judged tips."""

    tips: int = 0
    placed: int = 0  # tips given at least one chapter
    given: int = 0  # chapters given, over all tips
    right: int = 0  # of those, chapters the judges accept
    nearest_given: int = 0  # tips placed by the nearest chapter (no signal word fired)
    nearest_right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.given if self.given else 0.0

    @property
    def coverage(self) -> float:
        return self.placed / self.tips if self.tips else 0.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f} ({self.right}/{self.given}), "
            f"tips in a chapter {self.placed}/{self.tips}, "
            f"nearest chapter right {self.nearest_right}/{self.nearest_given}"
        )


def shipped_tips(content_dir: Path) -> list[Tip]:
    return [load_tip(path) for path in iter_tip_files(content_dir)]


def measure(
    taxonomy: Taxonomy, tips: list[Tip], learn_from_tips: bool = True
) -> tuple[Precision, Precision]:
    """(site tags + signal words only, and with the nearest chapter), on the judged tips.

    Each tip is seen as the scraper sees it: site tags, title and text. The nearest chapter
    knows the chapters' own words (as the scraper uses it) and, with `learn_from_tips` (as
    `themes suggest` uses it), the other tips' `themes`, never the tip's own answer.
    """
    signal, combined = Precision(), Precision()
    for tip in tips:
        judged = JUDGED.get(tip.id)
        if judged is None:
            continue
        others = [t for t in tips if t.id != tip.id] if learn_from_tips else []
        chapters = ChapterSimilarity(taxonomy, others)
        chosen, reasons = assign_themes(taxonomy, tip.tags, tip.title, tip.body, chapters)
        by_nearest = [r.theme for r in reasons if r.nearest is not None]
        themes = [theme for theme in chosen if theme not in by_nearest]
        for result, given in ((signal, themes), (combined, chosen)):
            result.tips += 1
            result.placed += bool(given)
            result.given += len(given)
            result.right += len(set(given) & judged)
        if by_nearest:
            combined.nearest_given += 1
            combined.nearest_right += bool(set(by_nearest) & judged)
    return signal, combined
