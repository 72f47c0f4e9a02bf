"""What a build did not publish, and where its links will point: the build's report.

An editor must never wonder why a tip is missing from the site, so `tipbook build` and the
preview say which tips they held back (scheduled for a later day, drafts) and which are on
the site but in no chapter; and a build whose `site_url` is this machine says that its feed
and sitemap will point here.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tipbook.config import is_site_url
from tipbook.errors import UsageError, display_path
from tipbook.model import Tip, current_date
from tipbook.site.collect import Collection, Withheld

SHOWN_PER_GROUP = 10  # longer groups end with "… and N more"


@dataclass(frozen=True)
class HeldBack:
    """The tips of a build that readers do not find where they might expect them."""

    scheduled: tuple[Tip, ...]  # not drafts, dated after today: published on their date
    drafts: tuple[Tip, ...]
    unchaptered: tuple[Tip, ...]  # on the site, but listed in no theme chapter
    shown: bool  # True for a preview: drafts and scheduled tips are on its pages, marked
    withheld: tuple[Withheld, ...] = ()  # tips `check` finds errors in: not published

    def __bool__(self) -> bool:
        return bool(self.scheduled or self.drafts or self.unchaptered or self.withheld)

    def error_lines(self) -> list[str]:
        """Each held-back tip's errors as `path:line: error: reason` (as `check` says them)."""
        if not self.withheld:
            return []
        return [
            f"Held back: {len(self.withheld)} tip(s) with errors, not published until "
            "fixed (`tipbook check` lists the same):",
            *(f"  {line}" for item in self.withheld for line in item.lines()),
        ]

    @property
    def next_date(self) -> dt.date | None:
        """The day the next scheduled tip goes live (None: nothing is scheduled)."""
        return min((tip.date for tip in self.scheduled), default=None)

    def lines(self, content_dir: Path) -> list[str]:
        """The report as lines of text, each tip with its date and file."""
        preview = "shown marked in this preview only"
        groups = [
            (
                self.scheduled,
                "Scheduled",
                preview
                if self.shown
                else "left out until their date (a build on or after it publishes them)",
            ),
            (
                self.drafts,
                "Drafts",
                preview if self.shown else "left out until `draft: true` is removed",
            ),
            (self.unchaptered, "In no chapter", "on the site but under no theme (add `themes:`)"),
        ]
        shown_dir = Path(display_path(content_dir))
        lines = self.error_lines()
        for tips, label, why in groups:
            if not tips:
                continue
            lines.append(f"{label}: {len(tips)} tip(s), {why}:")
            for tip in tips[:SHOWN_PER_GROUP]:
                path = shown_dir / tip.relative_path
                lines.append(f"  {tip.date.isoformat()}  {tip.title}  ({path})")
            if len(tips) > SHOWN_PER_GROUP:
                lines.append(f"  … and {len(tips) - SHOWN_PER_GROUP} more")
        return lines


def held_back(collection: Collection, today: dt.date | None = None) -> HeldBack:
    """What `collection`'s build held back (or, in a preview, showed marked) as of `today`."""
    today = today or current_date()
    every = [*collection.tips, *collection.held_back]
    every.sort(key=lambda tip: (tip.date, tip.slug))
    return HeldBack(
        scheduled=tuple(t for t in every if not t.draft and t.date > today),
        drafts=tuple(t for t in every if t.draft),
        unchaptered=tuple(t for t in collection.tips if not t.themes and t.is_published(today)),
        shown=not collection.held_back and any(not t.is_published(today) for t in every),
        withheld=tuple(collection.withheld),
    )


def checked_site_url(url: str) -> str:
    """A site URL as MkDocs needs it (with a trailing slash); a bad one is a usage error."""
    if not is_site_url(url.strip()):
        raise UsageError(
            f"{{site_url}} {url!r} is not a web address: give the full address readers use, "
            "e.g. https://tips.example.org/",
            options=("site_url",),
        )
    return url.strip() if url.strip().endswith("/") else url.strip() + "/"


def site_url_warning(site_url: str) -> str | None:
    """Why the feed and sitemap will not work for readers elsewhere, or None when they will
    (naming the option as `{site_url}`: each front end words it, `errors.word_options`)."""
    if not site_url:
        return (
            "no site_url: the feed and sitemap hold no full addresses; set `site_url:` in "
            "tipbook.yml to the address readers use (or build with {site_url} URL)"
        )
    host = urlsplit(site_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host.endswith(".localhost")
    if loopback:
        return (
            f"site_url is {site_url}: the feed and sitemap will point at this machine; to "
            "publish, set `site_url:` in tipbook.yml to the address readers use (or build "
            "with {site_url} URL)"
        )
    return None
