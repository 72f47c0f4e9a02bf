"""Series in the title shapes WordPress sites use, on top of `classify.detect_series`.

`classify.detect_series` reads "Name – The Third Step" and "Name, Part 2"; here also
"Name, Part 2: Subtitle", "Name (Part Two)", "Name – Part II", "Name (2 of 4)",
"Name [2/4]", "Name – Step 2", "Name, Pt. 3" and "Name: Second Installment". A shape must
name the series and give a number from 1 to 30 (or a word or roman numeral for one):
anything else ("5 Steps to…", "Step Up Your Service", "Part of the Team") is no series, never a
guessed one.
"""

from __future__ import annotations

import re

from scraper.classify import ORDINALS
from scraper.classify import detect_series as detect_base_series
from tipbook.model import Series, one_line

MAX_PART = 30
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$", re.I)
_NUMBER = rf"\d{{1,2}}|[ivx]{{1,5}}|{'|'.join(_WORDS)}|{'|'.join(ORDINALS)}"
_SEP = r"\s*(?:,|:|[–—-]|\(|\[)\s*"
# "Name, Part 2: Subtitle", "Name (Part Two)", "Name – Pt. 3", "Name – Step 2", "Name, Lesson 4"
_LABELLED = re.compile(
    rf"^(?P<name>.+?){_SEP}(?:the\s+)?(?:part|pt\.?|step|lesson|chapter|episode|installment)\s+"
    rf"(?P<num>{_NUMBER})\b\s*[)\]]?(?:\s*(?:[:–—-]|\s)\s*(?P<sub>.*))?$",
    re.I,
)
# "Name (2 of 4)", "Name [2/4]", "Name – 2 of 4"
_OF = re.compile(
    r"^(?P<name>.+?)\s*(?:[(\[]\s*|[,:–—-]\s*)(?P<num>\d{1,2})\s*(?:of|/)\s*(?P<total>\d{1,2})"
    r"\s*[)\]]?\s*$",
    re.I,
)
# "Name: Second Installment", "Name – Part the Third" is rare; "Name, the Second"
_ORDINAL_PART = re.compile(
    rf"^(?P<name>.+?){_SEP}(?:the\s+)?(?P<num>{'|'.join(ORDINALS)})\s+"
    r"(?:part|installment|lesson|chapter|episode)\s*[)\]]?\s*$",
    re.I,
)


def detect_series(title: str, text: str = "") -> Series | None:
    """The series `title` belongs to, or None; see the module docstring for the shapes."""
    found = detect_base_series(title, text)
    if found is not None:
        return found if 1 <= found.part <= MAX_PART else None
    title = one_line(title)
    for pattern in (_OF, _LABELLED, _ORDINAL_PART):
        match = pattern.match(title)
        if match is None:
            continue
        part = _part_number(match["num"])
        if part is None:
            continue
        if pattern is _OF and not (max(part, 2) <= int(match["total"]) <= MAX_PART):
            continue
        name = one_line(match["name"]).strip(" ,:;–—-([")
        if len(name) < 3 or not re.search(r"[A-Za-z]", name):
            continue
        return Series(name, part)
    return None


def _part_number(raw: str) -> int | None:
    word = raw.lower().rstrip(".")
    if word.isdigit():
        number = int(word)
    elif word in _WORDS:
        number = _WORDS[word]
    elif word in ORDINALS:
        number = ORDINALS[word]
    elif _ROMAN.match(word) and word:
        number = _roman(word)
    else:
        return None
    return number if 1 <= number <= MAX_PART else None


def _roman(word: str) -> int:
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for index, char in enumerate(word.lower()):
        value = values[char]
        following = values[word[index + 1].lower()] if index + 1 < len(word) else 0
        total += -value if value < following else value
    return total
