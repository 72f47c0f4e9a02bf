"""The content model: one `Tip` used by the scraper, the search index and the site."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

# The folder of tip files below content/, and of tip pages below the site (one name).
TIPS_DIR = "tips"
SLUG_MAX_LENGTH = 80
# A title is a heading, every list's link text and the page's <title>: longer is a mistake.
TITLE_MAX_LENGTH = 200
TUESDAY = 1  # date.weekday() of a Tuesday: weekly tips publish on Tuesdays
TODAY_ENV = "TIPBOOK_TODAY"  # YYYY-MM-DD: build "as of" that day (tests, previews of a date)

_SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_WHITESPACE = re.compile(r"\s+")
# A tip's id, its file's stem and its page's last URL segment: `2024-01-02-slug`.
_TIP_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.md|\.html)?$")


def slugify(text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """Turn any text into a safe slug: ASCII, lowercase, hyphenated, at most `max_length`.

    Non-ASCII letters are folded to their ASCII base ("café" → "cafe"); everything else
    becomes a hyphen, so a slug can never hold `/`, `\\` or `..` and never leave its folder.
    """
    # Apostrophes join words ("you're" → "youre"), as WordPress slugs do.
    text = text.replace("'", "").replace("\u2019", "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        # Cut at a word boundary when there is one, so slugs stay readable.
        # (A first word longer than the limit has no boundary: cut inside it.)
        head = slug[: max_length + 1]
        cut = head.rsplit("-", 1)[0] if "-" in head else ""
        slug = (cut if cut else slug[:max_length]).strip("-")
    return slug or "tip"


def shortened_title(title: str) -> str:
    """`title` cut to `TITLE_MAX_LENGTH` characters at a word's end, with "…" (a scraped page
    whose heading is a paragraph still makes a tip with a title)."""
    if len(title) <= TITLE_MAX_LENGTH:
        return title
    cut = title[: TITLE_MAX_LENGTH - 1]
    words = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return words.rstrip(" ,;:-–—") + "…"


def is_valid_slug(slug: str) -> bool:
    """True when `slug` is what `slugify` could have produced."""
    return len(slug) <= SLUG_MAX_LENGTH and bool(_SLUG_OK.match(slug))


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces."""
    return _WHITESPACE.sub(" ", text).strip()


def normalize_body(body: str) -> str:
    """The canonical form of a Markdown body: `\\n` line ends, no surrounding blank space.

    python-frontmatter strips the body when it loads a file, so anything else could not
    survive a save → load round trip.
    """
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True, order=True)
class Series:
    """A tip's place in a series, e.g. "Customer for Life", part 3."""

    name: str
    part: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "part": self.part}


@dataclass
class Tip:
    """One customer-service tip, as stored in `content/tips/<YYYY>/<YYYY-MM-DD>-<slug>.md`."""

    title: str
    date: dt.date
    slug: str = ""
    themes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    takeaway: str = ""
    series: Series | None = None
    source: str = ""
    # Which door of the source site the scraper read it through: rest, feed, html or archive.
    via: str = ""
    excerpt_only: bool = False
    draft: bool = False
    # Hash of the body as last scraped: lets the scraper tell an editor's change from its own.
    scrape_hash: str = ""
    body: str = ""
    # Front-matter keys tipbook does not know, kept in their order so a save loses nothing.
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.title = one_line(self.title)
        self.summary = one_line(self.summary)
        self.takeaway = one_line(self.takeaway)
        self.themes = [one_line(t) for t in self.themes if t.strip()]
        self.tags = [one_line(t) for t in self.tags if t.strip()]
        self.body = normalize_body(self.body)
        if not self.slug:
            self.slug = slugify(self.title)

    @property
    def relative_path(self) -> PurePosixPath:
        """Where the tip lives below the content directory."""
        return tip_relative_path(self.date, self.slug)

    @property
    def id(self) -> str:
        """A stable identifier: `<YYYY-MM-DD>-<slug>`, also the file's stem."""
        return f"{self.date.isoformat()}-{self.slug}"

    def is_published(self, today: dt.date | None = None) -> bool:
        """Not a draft and not dated in the future: the weekly build shows it."""
        return not self.draft and self.date <= (today or current_date())

    def with_changes(self, **changes: Any) -> Tip:
        return replace(self, **changes)


def tip_relative_path(date: dt.date, slug: str) -> PurePosixPath:
    """`tips/<YYYY>/<YYYY-MM-DD>-<slug>.md`, refusing any slug that could escape the folder."""
    if not is_valid_slug(slug):
        raise ValueError(
            f"unsafe slug {slug!r}: use lowercase ASCII letters, digits and hyphens "
            f"(at most {SLUG_MAX_LENGTH} characters)"
        )
    return PurePosixPath(TIPS_DIR, f"{date.year:04d}", f"{date.isoformat()}-{slug}.md")


def parse_tip_name(name: str) -> tuple[str, str] | None:
    """(date as YYYY-MM-DD, slug) of a tip's file name or URL segment
    (`2024-01-02-slug`, `….md`, `….html`); None for anything else."""
    match = _TIP_NAME.match(name)
    return (match.group(1), match.group(2)) if match else None


def tip_url(src_uri: str) -> str:
    """A tip page's URL below the site root, from its file below the content folder, as
    MkDocs' directory URLs make it: `tips/2013/2013-08-13-x.md` → `tips/2013/2013-08-13-x/`.

    The site's pages (`tipbook.site.pages`), the search index and `check`'s links use it."""
    return src_uri.removesuffix(".md") + "/"


def current_date() -> dt.date:
    """Today, or the day `$TIPBOOK_TODAY` names, which decides what is published."""
    value = os.environ.get(TODAY_ENV, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        from tipbook.errors import ConfigError  # here: the model needs no click otherwise

        raise ConfigError(f"{TODAY_ENV}={value!r} is not a date: write it as YYYY-MM-DD") from None


def next_tuesday(after: dt.date) -> dt.date:
    """The first Tuesday strictly after `after`."""
    days = (TUESDAY - after.weekday()) % 7 or 7
    return after + dt.timedelta(days=days)
