"""Text rules shared by the scraper, `check`, the site and the search index.

Each exists once: what a summary may hold (`SUMMARY_MAX`), how a Markdown snippet reads as
plain text (`plain_text` for one line, `body_text` for a whole body), and the archive's
old "… – 1/2/24 TOW" title suffix (`title_date_suffix`), which the scraper strips and
`check` warns about.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from tipbook.model import one_line

# What `tipbook new` writes where the editor has still to write, and what `check` refuses
# in a tip to be published (with FIXME and "lorem ipsum").
PLACEHOLDER = "TODO"
PLACEHOLDER_WORDS = (PLACEHOLDER, "FIXME")
# The web addresses tipbook takes (a tip's `source`, the scraper's start URLs and links,
# `site_url`); the site's sanitiser also keeps `mailto:` links (tipbook.sanitize).
WEB_SCHEMES = ("http", "https")
WEB_URL_PREFIXES = tuple(f"{scheme}://" for scheme in WEB_SCHEMES)
SUMMARY_MAX = 300  # characters: lists and search results show the whole summary

# Title date suffixes as the old archive wrote them: "– 8/13/13 TOW", "- 2/12/19", "– 1/2/24".
TITLE_DATE = re.compile(
    r"\s*[–—-]?\s*\(?(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\)?(?:\s*TOW)?\s*$"
)
TITLE_TOW = re.compile(r"\s*[–—-]?\s*\bTOW\s*$")  # "Tip of the Week", without a date

_MD_LINK = re.compile(r"!?(?<!\\)\[((?:[^\]\\]|\\.)*)(?<!\\)\]\([^)]*\)")
_TAG_LIKE = re.compile(r"<[^>]*>")
_MD_MARKS = re.compile(r"(\*\*|__|\*|`)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")

_BODY_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and ![alt](src) → text
_BODY_URL = re.compile(r"<?https?://[^\s>)]+>?")
_BODY_MARKUP = re.compile(
    r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|[*_`~]{1,3}|<[^>]+>", re.M
)
# Runs of blanks but a lone space (which would be replaced by itself): the same result,
# a fifth of the time.
_BLANKS = re.compile(r"\t[ \t]*| [ \t]+")


def plain_text(markdown: str) -> str:
    """Markdown inline markup removed, on one line: link texts kept, emphasis marks and
    escapes dropped, nothing that looks like an HTML tag left (summaries and takeaways)."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = _MD_MARKS.sub("", text)
    text = html.unescape(_MD_ESCAPE.sub(r"\1", text))
    # Summaries and takeaways are shown as text in places that may not escape HTML.
    return one_line(_TAG_LIKE.sub("", text))


@lru_cache(maxsize=16_384)
def body_text(markdown: str) -> str:
    """The readable text of a tip's Markdown body, lines kept, for indexing and snippets.

    A few regular expressions rather than a Markdown renderer: rendering every tip to HTML
    and parsing it back would dominate indexing time, and snippets only need the words.
    Memoised: a build asks for each tip's body text four times (pages, both indexes).
    """
    text = _BODY_LINK.sub(r"\1", markdown)
    text = _BODY_URL.sub(" ", text)
    text = _BODY_MARKUP.sub("", text)
    return _BLANKS.sub(" ", text).strip()


def title_date_suffix(title: str) -> re.Match[str] | None:
    """The date at the end of a title ("Convey Compassion – 8/13/13 TOW"), if it has one."""
    match = TITLE_DATE.search(title)
    return match if match and match.start() > 0 else None


def has_title_date(title: str) -> bool:
    """True when a title still ends with its archive date or "TOW" (the date is `date:`)."""
    return title_date_suffix(title) is not None or TITLE_TOW.search(title) is not None
