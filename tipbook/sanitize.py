"""The one gate between content and a published page: only safe HTML and escaped text pass.

Everything a page shows comes from content (tips, `themes.yml`, hand-written pages) or the
web (scraped tips), so all of it is untrusted. The site lets it through here only:

- `body`: a page's rendered HTML (Markdown output, raw HTML in it and tipbook's own page
  furniture) goes through an allowlist sanitiser, nh3 (the Rust `ammonia` crate): what tips
  need (paragraphs, emphasis, lists, headings, quotes, tables, images with `alt`, links to
  http, https, mailto or relative URLs) and the classes of tipbook's and Material's markup;
  everything else (scripts, event handlers, `style` but for table alignment, `javascript:`
  and `data:` URLs, iframes, SVG, forms) is dropped. An allowlist, not a blocklist: a new
  trick is dropped because it is not on the list. nh3 parses as a browser does (html5ever),
  so entities (`java&#x73;cript:`), tags split over lines and malformed markup are seen as
  the browser would see them.
- `text`: a front-matter value (title, summary, tag, series name…) as HTML text: escaped,
  and marked safe (`Markup`) so Material's templates, which print titles and descriptions
  as HTML, print it as it is and never escape it twice.
- `title_html`: a title MkDocs took from a rendered heading (HTML already): only its text.
- `search_entry`: an entry of Material's search index (`title`, `text`, `tags` are HTML to
  Material's search, which shows them with `innerHTML`).
- `xml_text`: text for the Atom feed (characters XML cannot hold removed; ElementTree
  escapes the rest).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, MutableMapping
from pathlib import Path
from typing import Any

import nh3
from markupsafe import Markup

from tipbook.text import WEB_SCHEMES

# What a tip's Markdown renders to, plus the few elements tipbook's furniture uses.
BODY_TAGS = frozenset(
    {
        *("p", "br", "hr", "div", "span", "blockquote", "pre", "code", "kbd", "samp"),
        *("em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup"),
        *("abbr", "cite", "q", "dfn", "time", "label"),
        *("h1", "h2", "h3", "h4", "h5", "h6"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"),
        *("a", "img", "figure", "figcaption"),
        "nav",  # tipbook's series and related links, named landmarks
    }
)
# Removed with everything inside them (the others lose their tags and keep their text).
DROPPED_WITH_CONTENT = frozenset(
    {
        *("script", "style", "template", "noscript", "noembed", "noframes", "xmp", "title"),
        *("iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math"),
        *("textarea", "select", "option", "button", "form", "input"),
    }
)
BODY_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "ol": {"start"},
    # Screen readers name the takeaway callout and the series/related navigation by these.
    "div": {"aria-label"},
    "nav": {"aria-label"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    # Headings keep their ids: the table of contents and `#anchor` links point at them.
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
# `style` survives only as table-cell alignment (what Python-Markdown's tables write).
STYLE_PROPERTIES = frozenset({"text-align"})
_ALIGNMENT = re.compile(r"\s*text-align\s*:\s*(left|right|center|justify)\s*;?\s*", re.IGNORECASE)
# Material's own elements have ids starting with `__` (`__config`, its settings as JSON;
# `__search`, `__drawer`, `__nav_1`…) and its script finds them with `querySelector`: the
# first match in the page. Page content comes before `__config`, so a heading with that id
# (even a plain `## __config`, whose anchor the TOC makes that) would hand Material its
# settings or stop its script. Content keeps no id of that form.
RESERVED_ID_PREFIX = "__"
URL_SCHEMES = frozenset({*WEB_SCHEMES, "mailto"})  # and relative URLs (no scheme)
# Attributes allowed with these exact values only.
# Material's search skips blocks marked `data-search-exclude`: tipbook's furniture (see
# pages.NO_SEARCH). The home page's search prompt is a label that opens the search box.
BODY_ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "div": {"data-search-exclude": {""}, "role": {"note"}},
    "nav": {"data-search-exclude": {""}},
    "p": {"data-search-exclude": {""}},
    "ul": {"data-search-exclude": {""}},
    "span": {"data-search-exclude": {""}},
    "label": {"data-search-exclude": {""}, "for": {"__search"}},
}
ADMONITION_KINDS = frozenset(
    {
        *("note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important"),
        *("success", "check", "done", "question", "help", "faq", "warning", "caution"),
        *("attention", "failure", "fail", "missing", "danger", "error", "bug", "example"),
        *("quote", "cite"),
    }
)
# Classes: Material's admonitions, cards, buttons and tags, and tipbook's own (`tb-…`).
BODY_CLASSES: dict[str, set[str]] = {
    "div": {
        "admonition",
        *ADMONITION_KINDS,
        *("grid", "cards", "tb-cards", "tb-meta", "tb-after", "tb-week"),
        *("tb-excerpt", "tb-draft", "tb-series"),
    },
    "p": {"admonition-title", "tb-heading", "tb-lead", "tb-count", "tb-eyebrow"},
    "nav": {"admonition", *ADMONITION_KINDS, "tb-series", "tb-related-nav"},
    "a": {"md-button", "md-button--primary", "tb-chip", "tb-tag", "tb-original"}
    | {"tb-part-prev", "tb-part-next", "tb-series-all"},
    "span": {"tb-summary", "tb-draft-badge", "tb-date", "tb-count", "md-tag", "md-tag-shadow"},
    "ul": {"tb-list", "tb-related", "tb-archive"},
    "time": {"tb-date"},
    "label": {"tb-search"},
}
# On every link: with no `target` allowed, no page can reach its opener anyway; this keeps
# it so if a template ever opens links elsewhere.
LINK_REL = "noopener"
# The HTML Material's search keeps in an entry's text (its parser drops everything else).
SEARCH_TAGS = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup", "mark"})


def attribute_value(tag: str, name: str, value: str) -> str | None:
    """What nh3's tables cannot say: no reserved ids; `style` only as a cell's alignment."""
    if name == "id" and value.startswith(RESERVED_ID_PREFIX):
        return None
    if name == "style":
        alignment = _ALIGNMENT.fullmatch(value)
        return f"text-align:{alignment.group(1).lower()}" if alignment else None
    return value


# What `check` asks before a tip is published (tipbook.body_rules): the policy above as
# answers about one tag, attribute or URL, so that no rule restates it.

# Attributes whose value is a URL (checked against URL_SCHEMES).
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
# Why `attribute_value` drops a value of an attribute the allowlist otherwise keeps.
_DROPPED_VALUE_REASONS = {
    "id": f"ids starting with {RESERVED_ID_PREFIX} are the theme's own",
    "style": "only text-align: left, right, center or justify is kept",
}
_ALL_ATTRIBUTES = frozenset().union(*BODY_ATTRIBUTES.values())
_ALL_CLASSES = frozenset().union(*BODY_CLASSES.values())


def keeps_tag(tag: str) -> bool:
    """True when the body keeps `<tag>` (the others lose their tags or their content)."""
    return tag in BODY_TAGS


def drops_with_content(tag: str) -> bool:
    """True when `<tag>` is removed with everything inside it."""
    return tag in DROPPED_WITH_CONTENT


def keeps_attribute(tag: str, name: str) -> bool:
    """True when the body may keep `name=` on `<tag>` (for some value)."""
    return (
        name == "class"
        or name in BODY_ATTRIBUTES.get(tag, ())
        or name in BODY_ATTRIBUTE_VALUES.get(tag, {})
    )


def dropped_value_reason(tag: str, name: str, value: str) -> str | None:
    """Why the body drops `name=value` on `<tag>` though it keeps `name=`; None if kept."""
    if name not in BODY_ATTRIBUTES.get(tag, ()) or attribute_value(tag, name, value) is not None:
        return None
    return _DROPPED_VALUE_REASONS.get(name, "value not allowed")


def keeps_attribute_anywhere(name: str) -> bool:
    """True when some tag keeps `name=` (an attribute list does not say its tag)."""
    return name in _ALL_ATTRIBUTES


def keeps_class_anywhere(name: str) -> bool:
    """True when some tag keeps `class="name"`."""
    return name in _ALL_CLASSES


def url_scheme(url: str) -> str:
    """A URL's scheme as a browser reads it: entities decoded, control characters and
    spaces ignored (`java&#x73;cript:` and `java\tscript:` are javascript:); "" if none."""
    cleaned = "".join(ch for ch in html.unescape(url) if ch > " ")
    scheme, colon, _ = cleaned.partition(":")
    if not colon or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return ""
    return scheme.lower()


def keeps_url(url: str) -> bool:
    """True when a link or image to `url` survives: a kept scheme, or none (relative)."""
    scheme = url_scheme(url)
    return not scheme or scheme in URL_SCHEMES


_BODY_OPTIONS: dict[str, Any] = {
    "tags": set(BODY_TAGS),
    "clean_content_tags": set(DROPPED_WITH_CONTENT),
    "attributes": BODY_ATTRIBUTES,
    "tag_attribute_values": BODY_ATTRIBUTE_VALUES,
    "allowed_classes": BODY_CLASSES,
    "filter_style_properties": set(STYLE_PROPERTIES),
    "url_schemes": set(URL_SCHEMES),
    "link_rel": LINK_REL,
    "strip_comments": True,
}
_BODY = nh3.Cleaner(**_BODY_OPTIONS)
# The Python callback costs about as much as the whole clean: it runs only on what the fast
# pass left with an attribute it judges (nh3's output writes attributes `name="value"`,
# entities decoded, so this finds every one).
_BODY_VALUES = nh3.Cleaner(attribute_filter=attribute_value, **_BODY_OPTIONS)
_JUDGED_ATTRIBUTE = re.compile(r' (?:id="__|style=")')


def _clean_body(html_text: str) -> str:
    cleaned = _BODY.clean(html_text)
    return _BODY_VALUES.clean(cleaned) if _JUDGED_ATTRIBUTE.search(cleaned) else cleaned


_SEARCH = nh3.Cleaner(
    tags=set(SEARCH_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={},
    link_rel=None,
)
_TEXT_ONLY = nh3.Cleaner(
    tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), attributes={}, link_rel=None
)
# C0 controls but tab, newline and carriage return, and the two non-characters XML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def body(html_text: str, keep: re.Pattern[str] | None = None) -> str:
    """A page's HTML with everything outside the allowlist removed.

    `keep` (a pattern with one group) matches placeholders to keep as they are, such as
    the comments tipbook replaces with its page furniture after the search index is made.
    The HTML between them is sanitised piece by piece, so no markup can open before a
    placeholder and close after it (an unclosed tag or quote cannot swallow one).
    """
    if keep is None or not keep.search(html_text):
        return _clean_body(html_text)
    pieces = keep.split(html_text)
    pieces[::2] = [_clean_body(piece) for piece in pieces[::2]]
    return "".join(pieces)


def escape(value: str) -> str:
    """A plain-text value as HTML text, for element content or a quoted attribute (the
    generated lists call this tens of thousands of times: kept to a plain `str`)."""
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return html.escape(value, quote=True)


def text(value: object) -> Markup:
    """A plain-text value (a front-matter field) as safe HTML text, for any HTML context
    (element content, a quoted attribute, `<title>`), marked safe for the templates."""
    if isinstance(value, Markup):
        return value
    return Markup(escape(str(value)))


def title_html(value: object) -> Markup:
    """A title that is HTML already (MkDocs takes a page's title from its rendered first
    heading, entities and all): its text only, safe. Already safe values pass unchanged."""
    if isinstance(value, Markup):
        return value
    return Markup(_TEXT_ONLY.clean(_CONTROL.sub("", str(value))))


def xml_text(value: str) -> str:
    """Text an XML document can hold (ElementTree escapes `<`, `&`, quotes; not these)."""
    return _CONTROL.sub("", value)


def search_entry(entry: MutableMapping[str, Any]) -> None:
    """Make one search-index entry safe in place: title as text, text with only the markup
    Material's search keeps, tags as text."""
    entry["title"] = str(title_html(entry.get("title") or ""))
    entry["text"] = _SEARCH.clean(_CONTROL.sub("", str(entry.get("text") or "")))
    tags = entry.get("tags")
    if isinstance(tags, list):
        entry["tags"] = [str(title_html(tag)) for tag in tags]


def search_entries(entries: Iterable[MutableMapping[str, Any]]) -> None:
    for entry in entries:
        search_entry(entry)


def toc(items: Iterable[Any]) -> None:
    """Table-of-contents titles (HTML from the headings, printed as is by Material) made
    safe in place, children included. Headings with raw HTML or a `data-toc-label` reach the
    TOC without passing through the page body."""
    for item in items:
        item.title = str(title_html(item.title))
        toc(getattr(item, "children", None) or [])


# Files of content/ published as they are (MkDocs copies every file that is not a page):
# images, PDFs and plain text only. An `.html`, `.svg`, `.js` or `.xhtml` file would be
# served from the site's own address with its scripts, past this gate: it stops the build.
PUBLISHED_FILE_TYPES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".pdf", ".txt"}
)
PUBLISHED_FILE_NAMES = frozenset({"CNAME"})  # GitHub Pages' custom domain, as MkDocs documents


def unpublished_file(name: str) -> str | None:
    """Why a file of content/ that is not a page may not be published as it is (None: it
    may)."""
    suffix = Path(name).suffix.lower()
    if suffix in PUBLISHED_FILE_TYPES or Path(name).name in PUBLISHED_FILE_NAMES:
        return None
    kinds = ", ".join(sorted(PUBLISHED_FILE_TYPES))
    return (
        f"a {suffix or 'file without extension'} file would be published as it is, past the "
        f"site's HTML sanitiser: the site publishes tips and pages (.md) and files of these "
        f"types only ({kinds}); remove it or move it out of the content folder"
    )


# Front-matter keys a hand-written page may set, as Material reads them; every other key
# (`template`, `location`, …) is dropped: a page must not pick a template that prints a
# value into a script.
PAGE_META_KEYS = frozenset({"title", "description", "author", "tags", "hide", "search"})
_TEXT_META_KEYS = frozenset({"title", "description", "author"})


def page_meta(meta: MutableMapping[str, Any]) -> dict[str, Any]:
    """A page's own front matter as the site may use it: known keys only, text escaped,
    each of the type Material expects or dropped. (MkDocs' YAML loader allows aliases: a
    few lines can stand for billions of values, and turning such a value into text never
    ends. Only plain text, lists of text and the search switches pass.)"""
    safe: dict[str, Any] = {}
    for key, value in meta.items():
        if key not in PAGE_META_KEYS:
            continue
        if key in _TEXT_META_KEYS:
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                safe[key] = text(value)
        elif key in ("tags", "hide"):
            words = (
                [word for word in value if isinstance(word, str)] if isinstance(value, list) else []
            )
            safe[key] = [str(text(word)) for word in words] if key == "tags" else words
        elif key == "search" and isinstance(value, dict):
            safe[key] = {
                name: setting
                for name, setting in value.items()
                if name in ("exclude", "boost") and isinstance(setting, (bool, int, float))
            }
    return safe
