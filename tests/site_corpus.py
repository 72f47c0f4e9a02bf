"""A small, hand-made tip collection for the site tests (collect, build, browser).

Twelve published tips over two years, a three-part series written out of order, an
excerpt-only tip, a draft and a future tip; each tip carries one word no other tip has, so
a test can search for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

from tipbook.config import Config, load_config
from tipbook.content import save_tip
from tipbook.model import Series, Tip

REPO_ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 3, 1)
SERIES = "Customer for Life"
# (title, themes, unique body word); dates: one Tuesday a fortnight, newest first.
TIPS = [
    ("Listen Before You Answer", ["communication", "empathy"], "kaleidoscope"),
    ("Own the Mistake", ["apology"], "marmalade"),
    ("Hand Off Warmly", ["teamwork", "caring"], "zeppelin"),
    ("Call Back When You Promised", ["responsiveness"], "harmonica"),
    ("Remember Their Name", ["relationships", "caring"], "pinwheel"),
    ("The Third Step", ["retention"], "lighthouse"),
    ("The Second Step", ["retention"], "tamborine"),
    ("The First Step", ["retention", "relationships"], "quasar"),
    ("Say Sorry Like You Mean It", ["apology", "empathy"], "bramble"),
    ("Compassion at the Front Desk", ["compassion"], "gondola"),
    ("Notice the Misfortune", ["compassion", "empathy"], "origami"),
    ("Keep Them Informed", ["communication", "responsiveness"], "saffron"),
]
SERIES_PARTS = {"The First Step": 1, "The Second Step": 2, "The Third Step": 3}
EXCERPT_TITLE = "Notice the Misfortune"
NEWEST = dt.date(2024, 2, 20)
FUTURE = dt.date(2099, 1, 6)  # after any day the tests run on

COMMON = (
    "Customers remember how you made them feel when something went wrong. Greet them by "
    "name, listen to the whole story before you answer, and tell them what happens next. "
    "Every employee who touches the customer shapes the experience."
)


def tip_date(index: int) -> dt.date:
    return NEWEST - dt.timedelta(weeks=2 * index)


def make_tips() -> list[Tip]:
    tips = []
    for index, (title, themes, word) in enumerate(TIPS):
        body = (
            f"{COMMON}\n\nThis tip is about {title.lower()}: think of a {word} when you "
            f"{'listen' if index % 2 else 'answer'}.\n\n- Ask one question.\n- Repeat back "
            f"what you heard.\n- Thank them.\n\n{title}."
        )
        part = SERIES_PARTS.get(title)
        tips.append(
            Tip(
                title=title,
                date=tip_date(index),
                themes=themes,
                tags=["service", themes[0]],
                summary=f"Why {title.lower()} keeps customers coming back.",
                takeaway=f"{title} — every time.",
                series=Series(SERIES, part) if part else None,
                source=f"https://cssamerica.com/{index}-tip/",
                excerpt_only=title == EXCERPT_TITLE,
                body=body,
            )
        )
    tips.append(
        Tip(
            title="A Draft Nobody Should See",
            date=NEWEST + dt.timedelta(days=-1),
            themes=["caring"],
            summary="Not yet.",
            draft=True,
            body="Draft body with the word xylophone.",
        )
    )
    tips.append(
        Tip(
            title="A Tip From the Future",
            date=FUTURE,
            themes=["caring"],
            summary="Not yet either.",
            body="Future body with the word nebula.",
        )
    )
    return tips


def write_corpus(content_dir: Path) -> list[Tip]:
    """Write the corpus (and the shipped themes.yml) below `content_dir`."""
    content_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "content" / "themes.yml", content_dir / "themes.yml")
    tips = make_tips()
    # Written in a shuffled order: nothing may depend on file order.
    for tip in tips[::-1][::2] + tips[::-1][1::2]:
        save_tip(content_dir, tip)
    return tips


def site_config(root: Path, content_dir: Path | None = None) -> Config:
    """The repository's configuration, pointed at a content folder and a site below `root`."""
    return dataclasses.replace(
        load_config(REPO_ROOT / "tipbook.yml"),
        content_dir=(content_dir or root / "content").resolve(),
        site_dir=(root / "site").resolve(),
        cache_dir=(root / "cache").resolve(),
        # everything a build, a server or a preview writes stays below the test's own folder
        index_dir=(root / "index").resolve(),
        query_log=(root / "queries.jsonl").resolve(),
    )


@dataclasses.dataclass(frozen=True)
class BuiltCorpus:
    """The corpus written into `root/content` and built into `root/site` (a default build:
    no drafts, one process), shared by the tests of a session: read it, never change it;
    a test that changes content or site works on `copy_to` of it."""

    root: Path
    tips: list[Tip]

    @property
    def config(self) -> Config:
        return site_config(self.root)

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    def copy_to(self, root: Path) -> Config:
        """The whole project (content, site, cache, index) copied below `root`, its configuration:
        far cheaper than a build, for a test that edits, rebuilds or adds to the site."""
        for name in ("content", "site", "cache", "index"):
            if (self.root / name).exists():
                shutil.copytree(self.root / name, root / name, symlinks=True)
        return site_config(root)


def build_corpus(root: Path) -> BuiltCorpus:
    """Write and build the corpus below `root` (see `BuiltCorpus`)."""
    from tipbook.site import build_site

    tips = write_corpus(root / "content")
    result = build_site(site_config(root))
    assert result.tips == len(TIPS)
    return BuiltCorpus(root, tips)
