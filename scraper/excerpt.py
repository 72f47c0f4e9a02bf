"""WordPress's excerpt endings, in every common form, taken off an excerpt's text.

Themes end an excerpt their own way: core's " [&hellip;]", "… Continue reading “Title”" (the
title often only in a screen-reader span), "Read more", "Read More »", "(more…)", "Keep
reading", a bare "…"; feeds add Yoast's "The post X appeared first on Y." None of it is the
tip's text. A trailing ellipsis goes too: the pipeline marks a cut excerpt with " …" itself.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Tag

from tipbook.model import one_line

# The link phrases themes use, then what may follow them: the title (quoted or not), arrows.
_MORE_PHRASE = (
    r"(?:continue\s+reading|read\s+more|keep\s+reading|read\s+the\s+rest(?:\s+of\s+this\s+entry)?"
    r"|read\s+full\s+(?:post|article|story)|view\s+(?:full\s+)?post|more)"
)
_ARROWS = r"[\s.…:»›→>\-–—]*"
_PHRASE = re.compile(rf"\b{_MORE_PHRASE}\b", re.I)
_LINK_WORDS = {"continue", "read", "keep", "view"}
_BARE_TAIL = re.compile(rf"{_ARROWS}")
_ANY_TAIL = re.compile(rf"\s*[:\-–—]?\s*[\"“‘']?[^.!?]{{0,120}}?[\"”’']?{_ARROWS}")
_SENTENCE_END = re.compile(r"(?:[.!?…\]\"”)]|&hellip;)\s*$")
_APPEARED = re.compile(r"\s*The post .{1,300}? appeared first on .{1,200}?\.?\s*$", re.S)
_ELLIPSIS_END = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.|&hellip;|&#8230;)\s*\]|…|\.\.\.)\s*$")
_PAREN_MORE = re.compile(r"\s*\(\s*more\s*(?:…|\.\.\.)?\s*\)\s*$", re.I)
_MORE_LINK_CLASSES = ("more-link", "read-more", "wp-block-post-excerpt__more-link")


def strip_excerpt_ending(text: str, title: str = "") -> str:
    """`text` without its "Continue reading …", "[…]" and feed-footer endings."""
    text = one_line(html.unescape(text))
    for _ in range(4):  # endings stack: "… [&hellip;] Continue reading “Title” →"
        before = text
        text = _APPEARED.sub("", text)
        text = _strip_more_phrase(text, title)
        text = _PAREN_MORE.sub("", text)
        text = _ELLIPSIS_END.sub("", text)
        if text == before:
            break
    return text.strip()


def _strip_more_phrase(text: str, title: str) -> str:
    """`text` without a trailing "Continue reading …" / "Read more" link text.

    Tried from the rightmost phrase leftwards. After a sentence's end (or an ellipsis) the
    phrase may carry any short tail (the title, "→"); in mid-sentence only a bare link
    phrase ("… and care Read more") or one followed by the title is an ending: "We read
    more than we write." is text.
    """
    title_pattern = re.escape(one_line(title)) if title else None
    for found in reversed(list(_PHRASE.finditer(text))):
        remaining = text[: found.start()]
        if not remaining.strip():
            continue
        tail = text[found.end() :]
        bare = _BARE_TAIL.fullmatch(tail) is not None
        titled = title_pattern is not None and re.fullmatch(
            rf"\s*[:\-–—]?\s*[\"“‘']?{title_pattern}[\"”’']?{_ARROWS}", tail
        )
        after_sentence = _SENTENCE_END.search(remaining) is not None
        is_link_phrase = found.group(0).split()[0].lower() in _LINK_WORDS
        if after_sentence and (bare or titled or _ANY_TAIL.fullmatch(tail)):
            return remaining
        if is_link_phrase and (bare or titled):
            return remaining
    return text


def excerpt_text(node: Tag | BeautifulSoup, title: str = "") -> str:
    """The plain text of an excerpt's HTML, without "more" links and screen-reader spans."""
    for hidden in node.select(".screen-reader-text, .sr-only"):
        hidden.decompose()
    for link in node.select(", ".join(f"a.{c}" for c in _MORE_LINK_CLASSES)):
        link.decompose()
    return strip_excerpt_ending(node.get_text(" "), title)


def excerpt_from_html(fragment: str, title: str = "") -> str:
    """`excerpt_text` of an HTML fragment (a feed's description, the REST API's excerpt)."""
    return excerpt_text(BeautifulSoup(fragment or "", "lxml"), title)
