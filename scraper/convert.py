"""Turn an article's HTML into clean, safe Markdown (with markdownify).

Scraped HTML is untrusted. Before conversion the fragment is sanitised: dangerous elements
(`script`, `iframe`, `style`, `object`, forms, …) go with their content, every attribute but
a link's `href` goes (so no `on*` handler survives), links that are not http(s)/mailto
(`javascript:`, `data:`, …) become plain text, relative links become absolute. Text lines
that start with `•` (how many tips write bullets) become real list items. Images are dropped
(they would be hot-linked from the old site) unless the scraper downloaded them: those become
`![alt](local path)` (`keep_images`).

The Markdown written cannot smuggle markup either: a link's URL is percent-encoded (a `)`,
space, quote or `<` cannot end `[text](url)` early), and text that Markdown would read as
markup stays text (`<`, `[`, `]`, `{` of an attribute list, `\\`, character references).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement
from markdownify import MarkdownConverter

from tipbook.sanitize import URL_SCHEMES  # the scraper writes only links the site keeps

# Removed together with everything inside them.
DANGEROUS_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "link",
    "meta",
    "base",
    "svg",
    "math",
    "canvas",
    "img",
    "picture",
    "source",
    "video",
    "audio",
    "track",
    "map",
    "area",
    "head",
    "title",
]
BULLET_CHARS = "•●▪◦·"
_BULLET_START = re.compile(rf"^[\s\u00a0]*[{BULLET_CHARS}][\s\u00a0]*")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# What may stay as it is in a URL written into Markdown: RFC 3986's unreserved and reserved
# characters but the ones Markdown reads (`(`, `)`, `[`, `]`, `'`, `*`, `!`) and `%` (an
# existing escape). Everything else (space, `"`, `<`, `>`, backslash, non-ASCII…) is %-encoded.
_URL_SAFE = "/:?#@$&+,;=%~-._"
_CHAR_REFERENCE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # `&lt;`, `&#x73;`: would be decoded


def sanitize(root: Tag, base_url: str, origin_map: dict[str, str] | None = None) -> None:
    """Strip everything unsafe from `root` in place and make links absolute."""
    for tag in root.find_all(DANGEROUS_TAGS):
        tag.decompose()
    for tag in root.find_all(True):
        href = tag.get("href") if tag.name == "a" else None
        tag.attrs = {}
        if tag.name != "a":
            continue
        url = safe_url(str(href), base_url, origin_map) if href else None
        if url is None:
            tag.unwrap()  # keep the words, drop the unsafe or empty link
        else:
            tag.attrs["href"] = markdown_url(url)


def safe_url(href: str, base_url: str, origin_map: dict[str, str] | None = None) -> str | None:
    """`href` made absolute, or None when its scheme is not http(s)/mailto."""
    cleaned = "".join(ch for ch in href.strip() if ch >= " ")  # "java\tscript:" tricks
    if not cleaned or cleaned.startswith("#"):
        return None
    absolute = urljoin(base_url, cleaned)
    parts = urlsplit(absolute)
    if parts.scheme.lower() not in URL_SCHEMES:
        return None
    if parts.query and "utm_" in parts.query:
        query = "&".join(q for q in parts.query.split("&") if not q.lower().startswith("utm_"))
        absolute = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
        parts = urlsplit(absolute)
    if origin_map:
        here = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if here in origin_map:
            target = urlsplit(origin_map[here])
            absolute = urlunsplit(
                (target.scheme, target.netloc, parts.path, parts.query, parts.fragment)
            )
    return absolute


def markdown_url(url: str) -> str:
    """`url` with every character Markdown or HTML could read as syntax percent-encoded
    (the same address to a browser): `[text](url)` then always ends where it should."""
    return quote(url, safe=_URL_SAFE)


def markdown_text(text: str) -> str:
    """Scraped text as Markdown that renders as that text: never as HTML, a link, an
    attribute list (`{: onclick=…}`) or a character reference."""
    text = text.replace("\u00a0", " ").replace("\\", "\\\\")
    text = _CHAR_REFERENCE.sub("&amp;", text).replace("<", "&lt;")
    for char in "[]{}":
        text = text.replace(char, "\\" + char)
    return text


def bullets_to_lists(root: Tag, soup: BeautifulSoup) -> None:
    """Make `•` text lines real lists: `<p>• a<br>• b</p>` and `<p>• a</p><p>• b</p>`."""
    for paragraph in list(root.find_all(["p", "div"])):
        if paragraph.decomposed or paragraph.find(["p", "div", "ul", "ol", "table"]):
            continue
        lines = _split_lines(paragraph)
        texts = ["".join(_text(n) for n in line).strip(" \u00a0\n\t") for line in lines]
        filled = [(line, text) for line, text in zip(lines, texts, strict=True) if text]
        if not filled or not all(_BULLET_START.match(text) for _, text in filled):
            continue
        ul = soup.new_tag("ul")
        for line, _ in filled:
            li = soup.new_tag("li")
            for node in line:
                li.append(node.extract())
            _strip_bullet(li)
            ul.append(li)
        paragraph.replace_with(ul)
    _merge_adjacent_lists(root)


def _split_lines(paragraph: Tag) -> list[list[PageElement]]:
    lines: list[list[PageElement]] = [[]]
    for node in list(paragraph.children):
        if isinstance(node, Tag) and node.name == "br":
            lines.append([])
        else:
            lines[-1].append(node)
    return lines


def _text(node: object) -> str:
    if isinstance(node, NavigableString):
        return str(node)
    if isinstance(node, Tag):
        return node.get_text()
    return ""


def _strip_bullet(li: Tag) -> None:
    for string in li.find_all(string=True):
        if not string.strip(" \u00a0\n\t"):
            string.replace_with("")
            continue
        string.replace_with(_BULLET_START.sub("", str(string), count=1))
        return


def _merge_adjacent_lists(root: Tag) -> None:
    for ul in list(root.find_all("ul")):
        if ul.decomposed:
            continue
        following = ul.next_sibling
        while following is not None:
            if isinstance(following, NavigableString) and not following.strip():
                following = following.next_sibling
                continue
            if isinstance(following, Tag) and following.name == "ul" and not following.attrs:
                nxt = following.next_sibling
                for li in list(following.find_all("li", recursive=False)):
                    ul.append(li.extract())
                following.decompose()
                following = nxt
                continue
            break


class _Converter(MarkdownConverter):
    """markdownify with our house options (ATX headings, `-` bullets, `*` emphasis)."""

    def __init__(self) -> None:
        super().__init__(
            heading_style="ATX",
            bullets="-",
            strong_em_symbol="*",
            escape_underscores=False,
            escape_misc=False,
        )


def html_to_markdown(
    fragment: str,
    base_url: str,
    origin_map: dict[str, str] | None = None,
    images: dict[str, str] | None = None,
) -> str:
    """Clean Markdown for an HTML fragment; links absolute against `base_url`; `images`
    maps the `src` of each downloaded image to its local path (the rest are dropped)."""
    soup = BeautifulSoup(f"<div id='tipbook-root'>{fragment}</div>", "lxml")
    root = soup.find("div", id="tipbook-root")
    assert isinstance(root, Tag)
    kept_images = keep_images(root, images or {})
    sanitize(root, base_url, origin_map)
    for string in root.find_all(string=True):
        text = str(string)
        # Text that looks like markup must stay text: Markdown would pass `<tag>` through
        # as HTML, turn `[x](javascript:…)` into a link and `{: onclick=…}` into attributes.
        cleaned = markdown_text(text)
        if cleaned != text:
            string.replace_with(cleaned)
    for paragraph in root.find_all("p"):
        if not paragraph.get_text(strip=True):
            paragraph.decompose()
    bullets_to_lists(root, soup)
    markdown = _Converter().convert_soup(root)
    return tidy_markdown(restore_images(markdown, kept_images))


# Private-use characters, taken out of the post's own text first: a mark cannot be forged.
_IMAGE_MARK = "\ue000{}\ue001"
_ALT_UNSAFE = str.maketrans({"[": "(", "]": ")", "\\": "/", "<": "‹", ">": "›", "`": "'"})


def keep_images(root: Tag, images: dict[str, str]) -> list[str]:
    """Put a mark where each downloaded image is (sanitising drops every `<img>`); return the
    Markdown of each, `![alt](path)`, for `restore_images`. Figures become paragraphs, so an
    image stands on its own line with its caption after it."""
    for string in root.find_all(string=True):
        if "\ue000" in string or "\ue001" in string:
            string.replace_with(str(string).replace("\ue000", "").replace("\ue001", ""))
    kept: list[str] = []
    for img in root.find_all("img"):
        local = images.get(str(img.get("src") or ""))
        if local is None:
            continue
        alt = " ".join(str(img.get("alt") or "").split()).translate(_ALT_UNSAFE)
        img.replace_with(NavigableString(_IMAGE_MARK.format(len(kept))))
        kept.append(f"![{alt}]({local})")
    for figure in root.find_all(["figure", "figcaption"]):
        figure.name = "p"
    return kept


def restore_images(markdown: str, kept: list[str]) -> str:
    for number, image in enumerate(kept):
        markdown = markdown.replace(_IMAGE_MARK.format(number), image)
    return markdown.replace("\ue000", "").replace("\ue001", "")


def tidy_markdown(markdown: str) -> str:
    """Single spaces inside lines, no trailing spaces, at most one blank line in a row."""
    lines = []
    for line in markdown.replace("\r\n", "\n").split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        lines.append(" " * indent + _SPACES.sub(" ", line.strip()))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
