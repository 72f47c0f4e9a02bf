"""Read the seed captures (plain text of real archive pages) into structured tips.

The seeds are what a browser showed of the real cssamerica.com pages: a tag archive's heading,
the "recent tips" widget (title with ` - m/d/yy`, an excerpt ending in "Read more"), then
full posts (title with ` – m/d/yy`, the "Posted on … Please leave a comment" line, the text,
the "Signup for FREE Tips! …" footer). Seed 000 is the category archive (full posts only),
seed 004 an article from another site. Both the mirror generator and the tests use this
module, so the expected values in tests come from the seeds, not from the scraper.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent / "seed_posts"

WIDGET_TITLE = re.compile(r"^(?P<title>.+?) - (?P<date>\d{1,2}/\d{1,2}/\d{2})$")
POST_TITLE = re.compile(r"^(?P<title>.+?) – (?P<date>\d{1,2}/\d{1,2}/\d{2})(?P<tow> TOW)?$")
META_LINE = "Posted on in Customer Service Tip of the Week Please leave a comment"
FOOTER_LINE = re.compile(r"^Signup for FREE Tips!\s+Contact Us")
BULLET = "•"
READ_MORE = " Read more"
# The captures show the first page of each tag archive only. Older pages list older posts;
# this one, about empathy, is also on the empathy archive (so a tip sits on two tags).
OLDER_ARCHIVE_PAGES = {"Why to Become an Empathy Expert": ["empathy"]}
# Seed 004 has no date anywhere: the mirror publishes it under this dated URL.
EXTERNAL_DATE = dt.date(2016, 5, 10)
EXTERNAL_IMAGE_ALT = "business-people-writing"


@dataclass
class Block:
    """A paragraph (`kind="p"`, one text) or a bullet list (`kind="ul"`, one text per item)."""

    kind: str
    texts: list[str]


@dataclass
class SeedTip:
    """One tip as the seeds show it."""

    title: str  # without the date suffix
    title_line: str  # as shown on the page, date suffix included
    date: dt.date
    kind: str  # "post" (full text), "widget" (excerpt only) or "external"
    blocks: list[Block] = field(default_factory=list)
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)  # tag archives listing the full post
    in_category: bool = False
    widget_on: list[str] = field(default_factory=list)  # tag archives whose widget lists it

    @property
    def paragraphs(self) -> list[str]:
        """Every text of the body, paragraphs and list items, in order."""
        return [text for block in self.blocks for text in block.texts]

    @property
    def last_paragraph(self) -> str:
        return self.blocks[-1].texts[-1] if self.blocks else ""


def parse_date(text: str) -> dt.date:
    month, day, year = (int(part) for part in text.split("/"))
    return dt.date(2000 + year, month, day)


def _blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(BULLET):
            item = stripped[1:].strip()
            if blocks and blocks[-1].kind == "ul":
                blocks[-1].texts.append(item)
            else:
                blocks.append(Block("ul", [item]))
        else:
            blocks.append(Block("p", [stripped]))
    return blocks


def _parse_archive(text: str, tag: str | None) -> list[SeedTip]:
    lines = text.splitlines()
    if tag is not None:
        lines = lines[1:]  # the archive's heading ("caring", "empathy | Customer …")
    tips: list[SeedTip] = []
    current: SeedTip | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None and current.kind == "post":
            current.blocks = _blocks(body)

    for line in lines:
        stripped = line.strip()
        widget = WIDGET_TITLE.match(stripped)
        post = POST_TITLE.match(stripped)
        if post:
            close()
            current = SeedTip(
                title=post["title"],
                title_line=stripped,
                date=parse_date(post["date"]),
                kind="post",
                tags=[tag] if tag else [],
                in_category=True,
            )
            tips.append(current)
            body = []
        elif widget and (current is None or current.kind == "widget"):
            close()
            current = SeedTip(
                title=widget["title"],
                title_line=stripped,
                date=parse_date(widget["date"]),
                kind="widget",
                widget_on=[tag] if tag else [],
            )
            tips.append(current)
        elif current is None or not stripped:
            continue
        elif current.kind == "widget":
            assert stripped.endswith(READ_MORE), stripped
            current.excerpt = stripped[: -len(READ_MORE)].strip()
        elif " ".join(stripped.split()) == META_LINE or FOOTER_LINE.match(stripped):
            continue
        else:
            body.append(line)
    close()
    return tips


def _parse_external(text: str) -> SeedTip:
    lines = [line for line in text.splitlines() if line.strip()]
    title = lines[0].strip()
    assert lines[1].strip() == EXTERNAL_IMAGE_ALT
    return SeedTip(
        title=title,
        title_line=title,
        date=EXTERNAL_DATE,
        kind="external",
        blocks=_blocks(lines[2:]),
    )


def load_seed_tips(seeds_dir: Path = SEEDS_DIR) -> list[SeedTip]:
    """Every distinct tip in the seeds, newest first; duplicates merged (tags, widgets)."""
    files = sorted(seeds_dir.glob("*.txt"))
    found: list[SeedTip] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0].strip()
        if path.name.startswith("004"):
            found.append(_parse_external(text))
        elif POST_TITLE.match(first):
            found.extend(_parse_archive(text, None))
        else:
            tag = first.split("|")[0].strip()
            found.extend(_parse_archive(text, tag))
    merged: dict[tuple[str, dt.date], SeedTip] = {}
    for tip in found:
        key = (tip.title, tip.date)
        if key not in merged:
            merged[key] = tip
            continue
        known = merged[key]
        for tag in tip.tags:
            if tag not in known.tags:
                known.tags.append(tag)
        for tag in tip.widget_on:
            if tag not in known.widget_on:
                known.widget_on.append(tag)
        if tip.kind == "post" and known.kind == "widget":
            known.kind, known.blocks, known.title_line = "post", tip.blocks, tip.title_line
            known.in_category = True
        if tip.kind == "widget" and not known.excerpt:
            known.excerpt = tip.excerpt
    for tip in merged.values():
        tip.tags += [t for t in OLDER_ARCHIVE_PAGES.get(tip.title, []) if t not in tip.tags]
    return sorted(merged.values(), key=lambda t: t.date, reverse=True)


def widget_lists(seeds_dir: Path = SEEDS_DIR) -> dict[str, list[tuple[str, str, dt.date]]]:
    """The ten widget entries each tag archive showed: (title line, excerpt, date)."""
    lists: dict[str, list[tuple[str, str, dt.date]]] = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0].strip()
        if path.name.startswith("004") or POST_TITLE.match(first):
            continue
        tag = first.split("|")[0].strip()
        lists[tag] = [
            (t.title_line, t.excerpt, t.date)
            for t in _parse_archive(text, tag)
            if t.kind == "widget"
        ]
    return lists
