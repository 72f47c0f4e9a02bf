"""What a tip is about: summary, takeaway, series and themes, all explainable from its text.

- summary: the first real paragraph (or the archive excerpt), plain text, ≤ 300 characters;
- takeaway: the closing one-line lesson ("Become an empathy expert."), when the tip ends
  with one;
- series: from titles like "Customer for Life – The Third Step" or "…, Part 2";
- themes: the site's own tags mapped through `content/themes.yml`, plus the themes whose
  signal words the text holds (`Taxonomy.classify`); a tip neither places goes to its
  nearest chapter (`tipbook.nearest`). Each theme comes with its reason (`ThemeReason`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tipbook.model import Series, Tip, one_line
from tipbook.nearest import ChapterMatch, ChapterSimilarity
from tipbook.taxonomy import Taxonomy
from tipbook.text import SUMMARY_MAX, plain_text

SUMMARY_MIN_PARAGRAPH = 60  # shorter first paragraphs ("So how do you say I'm sorry?") skip
TAKEAWAY_MAX = 160
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}
_ORDINAL_WORDS = "|".join([*ORDINALS, "final", "last"])
_SERIES_STEP = re.compile(
    rf"^(?P<name>.+?)\s*[–—:-]\s*(?:the\s+)?(?P<ord>{_ORDINAL_WORDS}|\d+(?:st|nd|rd|th))\s+"
    r"(?:step|part|key|lesson|rule|habit|secret|way|installment)s?\b",
    re.I,
)
_SERIES_PART = re.compile(
    r"^(?P<name>.+?)\s*(?:,|[–—:-]|\()\s*part\s+(?P<num>\d+|[ivx]+|"
    rf"{'|'.join(['one', 'two', 'three', 'four', 'five', 'six'])})\)?\s*$",
    re.I,
)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_FINAL_PART = re.compile(rf"\b(?P<ord>{'|'.join(ORDINALS)})\s+and\s+(final|last)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?…][”\"’)]?(?=\s|$)")


def _blocks(markdown: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n\s*\n", markdown) if b.strip()]


def _is_paragraph(block: str) -> bool:
    return not re.match(r"^(#|>|[-*+]\s|\d+[.)]\s|```|\|)", block)


def shorten(text: str, limit: int = SUMMARY_MAX) -> str:
    """`text` cut to `limit` characters: at a sentence end when one is near, else a word + "…"."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1]].strip()
    cut = head.rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


def summarize(body: str, excerpt: str = "") -> str:
    """The first meaningful paragraph of `body` (else the excerpt), plain, ≤ 300 chars."""
    for block in _blocks(body):
        if not _is_paragraph(block):
            continue
        text = plain_text(block)
        if len(text) >= SUMMARY_MIN_PARAGRAPH:
            return shorten(text)
    if excerpt:
        return excerpt_summary(plain_text(excerpt))
    blocks = _blocks(body)
    return shorten(plain_text(blocks[0])) if blocks else ""


def excerpt_summary(excerpt: str) -> str:
    """An archive excerpt (cut mid-sentence) as a summary: its whole sentences, else "…"."""
    text = one_line(excerpt)
    ends = [m.end() for m in _SENTENCE_END.finditer(text[: SUMMARY_MAX - 1])]
    if ends and ends[-1] >= 60:
        return text[: ends[-1]].strip()
    if text.endswith((".", "!", "?", "…")) and len(text) <= SUMMARY_MAX:
        return text
    if len(text) <= SUMMARY_MAX - 2:
        return text + " …"
    return text[: SUMMARY_MAX - 2].rsplit(" ", 1)[0] + " …"


def find_takeaway(body: str) -> str:
    """The closing one-line lesson: a short last paragraph that is not a question."""
    blocks = _blocks(body)
    if len(blocks) < 2 or not _is_paragraph(blocks[-1]):
        return ""
    text = plain_text(blocks[-1])
    if not text or len(text) > TAKEAWAY_MAX or text.endswith(("?", ":", "…")):
        return ""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    return text if len(sentences) <= 2 else ""


def detect_series(title: str, text: str = "") -> Series | None:
    """The series a title belongs to, e.g. "Customer for Life – The Third Step" → part 3.

    "The Final Step" takes its number from the text ("the Fourth and Final Step"); without
    one the tip is not given a series rather than a guessed part.
    """
    match = _SERIES_STEP.match(title.strip())
    if match:
        word = match["ord"].lower()
        if word in ORDINALS:
            part = ORDINALS[word]
        elif word[0].isdigit():
            part = int(re.sub(r"\D", "", word))
        else:
            final = _FINAL_PART.search(text)
            if not final:
                return None
            part = ORDINALS[final["ord"].lower()]
        return Series(_series_name(match["name"]), part)
    match = _SERIES_PART.match(title.strip())
    if match:
        raw = match["num"].lower()
        part = int(raw) if raw.isdigit() else _ROMAN.get(raw) or _WORD_NUMBERS.get(raw, 0)
        if part >= 1:
            return Series(_series_name(match["name"]), part)
    return None


def _series_name(name: str) -> str:
    return one_line(name).strip(" ,:;–—-")


@dataclass(frozen=True)
class ThemeReason:
    """Why a tip has a theme: a site tag, the signal words found (word → count), or, when
    neither places the tip, the nearest chapter with the words and tips behind it."""

    theme: str
    tag: str = ""
    words: tuple[tuple[str, int], ...] = ()
    nearest: ChapterMatch | None = None

    def __str__(self) -> str:
        if self.nearest is not None:
            return str(self.nearest)
        if self.tag:
            return f"{self.theme}: site tag '{self.tag}'"
        found = ", ".join(f"{word}×{count}" for word, count in self.words)
        return f"{self.theme}: {found}"


def assign_themes(
    taxonomy: Taxonomy,
    tags: list[str],
    title: str,
    body: str,
    chapters: ChapterSimilarity | None = None,
) -> tuple[list[str], list[ThemeReason]]:
    """Themes from the site's tags plus the classifier, in taxonomy order, with reasons.

    With `chapters`, a tip that no tag and no signal word places gets its nearest chapter
    (when one is near enough), so it is not left out of every chapter.
    """
    reasons: dict[str, ThemeReason] = {}
    for tag in tags:
        for theme in taxonomy.themes_for_tags([tag]):
            reasons.setdefault(theme, ThemeReason(theme, tag=tag))
    text = plain_text(body)
    for score in taxonomy.score(title, text):
        if score.score and score.suggested and score.theme not in reasons:
            words = tuple(sorted(score.matches.items(), key=lambda item: (-item[1], item[0])))
            reasons[score.theme] = ThemeReason(score.theme, words=words)
    if not reasons and chapters is not None:
        # The date is not used: the chapters compare words only.
        match = chapters.nearest(Tip(title=title, date=dt.date.min, body=body))
        if match is not None:
            reasons[match.theme] = ThemeReason(match.theme, nearest=match)
    themes = [theme for theme in taxonomy.ids if theme in reasons]
    return themes, [reasons[t] for t in themes]
