"""The rules on a tip's body: raw HTML the site's sanitiser drops, attribute lists, an HTML
comment never closed, and links that point nowhere or to a tip not yet published.

What the site keeps is asked of `tipbook.sanitize` (the one place its policy is), never
restated here. Each rule's id and level are in `tipbook.rules`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from tipbook import rules, sanitize
from tipbook.errors import display_path
from tipbook.model import Tip, parse_tip_name
from tipbook.validate import Located, TipIndex

if TYPE_CHECKING:  # tipbook.tip_rules runs these rules: no import at run time
    from tipbook.tip_rules import AddFinding, TipFile

# Links are found with regular expressions, line by line, because findings need the line
# number and Markdown renderers do not report where a link came from.
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
_REF_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_HREF = re.compile(r"\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
# Raw HTML in Markdown is passed through, so this is the editor's only warning before the
# site's sanitiser removes it. Which tags it removes is the sanitiser's to say; which of
# those are errors (never legitimate in a tip: scripts, styles, embeds, forms) is this
# rule's (`dropped-tag`; any other is `unkept-tag`, a warning).
_ERROR_TAGS = ("script", "iframe", "style", "object", "embed", "form")
assert all(sanitize.drops_with_content(tag) for tag in _ERROR_TAGS)
_DROPPED_TAG = re.compile(rf"<\s*({'|'.join(_ERROR_TAGS)})\b", re.IGNORECASE)
# Any other raw tag, read up to its `>` (on a later line when it is split over lines), and
# its attributes: the site's sanitiser (tipbook/sanitize.py) keeps only its allowlist.
_TAG_START = re.compile(r"<([A-Za-z][\w-]*)(?=[\s/>]|$)")  # not an autolink <https://…>
_ATTRIBUTE = re.compile(r"[\s/]([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
# Python-Markdown's attr_list: `{: #id .class key=value }` (the colon is optional).
_ATTR_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}")
_ATTR_LIST_KEY = re.compile(r"(?:^|\s)([^\s=#.][^\s=]*)(?==|\s|$)")
_ESCAPED = re.compile(r"\\[\\`*_{}\[\]()#+\-.!<>&|]")  # Python-Markdown's escapes
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*)>")  # `<scheme:…>`


def check_body(
    tip: Tip,
    file: TipFile,
    collection: TipIndex,
    content_dir: Path,
    site_url: str,
    today: dt.date,
    add: AddFinding,
) -> None:
    text = file.text
    if "<" not in text and "](" not in text and "]:" not in text and "{" not in text:
        return  # no HTML, no link and no attribute list anywhere in the file
    published = tip.is_published(today)
    # Backslash-escaped characters are text to Markdown (`\{: x }`, `\[a\](b)` are no
    # attribute list and no link): blanked out before looking for either.
    lines = [(n, _ESCAPED.sub("__", line) if "\\" in line else line) for n, line in file.body_lines]
    if "<" in text:
        check_raw_html(lines, add)
        check_unclosed_comment(lines, add)
    for number, line in lines:
        if "{" in line:
            check_attribute_lists(line, number, add)
        if "<" not in line and "](" not in line and "]:" not in line:
            continue  # most lines hold no HTML and no link: skip the regular expressions
        match = _DROPPED_TAG.search(line)
        if match:
            tag = match.group(1).lower()
            add(rules.DROPPED_TAG, "body", number, tag=tag)
        targets = [m.group(1) for m in _MD_LINK.finditer(line)]
        targets += [m.group(1) for m in _HREF.finditer(line)]
        targets += [m.group(1) for m in _AUTOLINK.finditer(line)]
        ref = _REF_LINK.match(line)
        if ref:
            targets.append(ref.group(1))
        for target in targets:
            found = link_problem(target, file, collection, content_dir, site_url)
            if found:
                rule, values = found
                add(rule, "body", number, **values)
                continue
            linked = _linked_tip(target, collection, site_url)
            if (
                published
                and linked is not None
                and linked.tip is not None
                and not linked.tip.is_published(today)
            ):
                add(rules.UNPUBLISHED_LINK, "body", number, other=linked.shown)


def check_raw_html(lines: list[tuple[int, str]], add: AddFinding) -> None:
    """Raw HTML the site's sanitiser drops: tags outside its allowlist, attributes it does
    not keep (event handlers are errors: never legitimate in a tip). A tag split over lines
    is read to its `>`; each finding names the line it is on."""
    pending = ""  # the tag still open at the end of the previous line
    for number, line in lines:
        rest = line
        if pending:
            end = rest.find(">")
            check_attributes(pending, rest if end < 0 else rest[:end], number, add)
            if end < 0:
                continue
            pending, rest = "", rest[end + 1 :]
        if "<" not in rest:
            continue
        for match in _TAG_START.finditer(rest):
            tag = match.group(1).lower()
            end = rest.find(">", match.end())
            if not sanitize.keeps_tag(tag) and not _DROPPED_TAG.match(match.group()):
                content = "and everything in it " if sanitize.drops_with_content(tag) else ""
                add(rules.UNKEPT_TAG, "body", number, tag=tag, content=content)
            check_attributes(tag, rest[match.end() : end if end >= 0 else None], number, add)
            if end < 0:
                pending = tag


def check_attributes(tag: str, text: str, number: int, add: AddFinding) -> None:
    for match in _ATTRIBUTE.finditer(" " + text):
        name = match.group(1).lower()
        unquoted = match.group(4)  # quoted URLs are checked with the other links
        if name.startswith("on"):
            add(rules.EVENT_HANDLER, "body", number, name=name)
        elif name in sanitize.URL_ATTRIBUTES and unquoted and not sanitize.keeps_url(unquoted):
            add(rules.DROPPED_LINK, "body", number, scheme=sanitize.url_scheme(unquoted))
        elif sanitize.keeps_tag(tag) and not sanitize.keeps_attribute(tag, name):
            add(rules.UNKEPT_ATTRIBUTE, "body", number, attribute=f"{name}=", tag=tag, reason="")
        elif sanitize.keeps_tag(tag):
            value = next((v for v in match.group(2, 3, 4) if v is not None), "")
            reason = sanitize.dropped_value_reason(tag, name, value)
            if reason:
                attribute = f"{name}={value!r}"
                add(
                    rules.UNKEPT_ATTRIBUTE,
                    "body",
                    number,
                    attribute=attribute,
                    tag=tag,
                    reason=f" ({reason})",
                )


def check_unclosed_comment(lines: list[tuple[int, str]], add: AddFinding) -> None:
    """An HTML comment `<!--` never closed by `-->` hides the rest of the tip on the site."""
    fence = ""
    opened: int | None = None
    for number, line in lines:
        stripped = line.lstrip()
        if opened is None and stripped.startswith(("```", "~~~")):
            fence = "" if fence and stripped.startswith(fence) else (fence or stripped[:3])
            continue
        if fence:
            continue  # code is shown as it is written
        rest = line
        while True:
            if opened is None:
                at = rest.find("<!--")
                if at < 0:
                    break
                opened, rest = number, rest[at + 4 :]
            else:
                at = rest.find("-->")
                if at < 0:
                    break
                opened, rest = None, rest[at + 3 :]
    if opened is not None:
        add(rules.UNCLOSED_COMMENT, "body", opened)


def check_attribute_lists(line: str, number: int, add: AddFinding) -> None:
    """`{: …}` attribute lists set HTML attributes: the site keeps heading ids, the classes
    of Material's and its own markup (`{ .md-button }`) and a few plain attributes."""
    for match in _ATTR_LIST.finditer(line):
        inside = match.group(1)
        if not (match.group().startswith("{:") or "=" in inside or inside[:1] in "#."):
            continue  # `{braces}` in a sentence: Python-Markdown leaves them as text
        keys = [key.lower() for key in _ATTR_LIST_KEY.findall(inside)]
        for key in keys:
            if key.startswith("on"):
                add(rules.EVENT_HANDLER, "body", number, name=key)
        classes = re.findall(r"(?:^|\s)\.([^\s}]+)", inside)
        # The id of `{: #id}` is kept (a heading's anchor), `{: id=x}` not.
        dropped = [k for k in keys if k == "id" or not sanitize.keeps_attribute_anywhere(k)]
        dropped += [f".{name}" for name in classes if not sanitize.keeps_class_anywhere(name)]
        if dropped:
            text, what = match.group(), ", ".join(dropped)
            add(rules.ATTRIBUTE_LIST, "body", number, text=text, dropped=what)


def _site_path(target: str, site_url: str) -> tuple[str, bool] | None:
    """The path of a link inside this site and whether it is relative; None for other sites."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if not site_url:
            return None
        base = urlsplit(site_url)
        origin = _origin(parts, base.scheme)
        if origin is None or origin != _origin(base, base.scheme):
            return None
        root = base.path.rstrip("/")
        if not parts.path.startswith(root + "/"):
            return None
        return parts.path[len(root) :], False
    if not parts.path:
        return None  # `#anchor` on the same page
    return parts.path, not parts.path.startswith("/")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(parts: SplitResult, scheme: str) -> tuple[str, str, int | None] | None:
    """Where a URL leads as a browser reads it: the scheme (a `//host` link takes the
    page's), the host without case or a trailing dot, and the port with its default."""
    scheme = (parts.scheme or scheme).lower()
    try:
        port = parts.port
    except ValueError:
        return None  # no port a browser would go to
    host = (parts.hostname or "").rstrip(".")
    return scheme, host, port if port is not None else _DEFAULT_PORTS.get(scheme)


def _tip_segment(path: str) -> tuple[str, str] | None:
    """(id, slug) when the link's last segment names a tip: `2024-01-02-slug[.md|/]`."""
    segments = [s for s in path.split("/") if s and s != "index.html"]
    if not segments:
        return None
    named = parse_tip_name(segments[-1])
    if named is None:
        return None
    return f"{named[0]}-{named[1]}", named[1]


def _linked_tip(target: str, collection: TipIndex, site_url: str) -> Located | None:
    located = _site_path(target, site_url)
    if located is None:
        return None
    named = _tip_segment(located[0])
    return collection.by_id.get(named[0]) if named else None


def link_problem(
    target: str, file: TipFile, collection: TipIndex, content_dir: Path, site_url: str
) -> tuple[rules.Rule, dict[str, object]] | None:
    """Why a link in a tip's body points nowhere (the rule and its message's values), or
    None when it is fine or not ours."""
    if not sanitize.keeps_url(target):
        return rules.DROPPED_LINK, {"scheme": sanitize.url_scheme(target)}
    located = _site_path(target, site_url)
    if located is None:
        return None
    path, relative = located
    named = _tip_segment(path)
    linked = collection.by_id.get(named[0]) if named else None
    if named and linked is None:
        # A wrong date with the right slug is the usual slip: point at the tip it meant.
        same_slug = collection.by_slug.get(named[1], [])
        meant = same_slug[0] if same_slug else None
    else:
        meant = linked
    if path.endswith(".md"):
        base = file.key.parent if relative else content_dir
        resolved = (base / PurePosixPath(path.lstrip("/"))).resolve()
        if resolved.is_file():
            return None
        if meant is not None:
            hint = _relative(meant.key, file.key.parent)
            fix = f"the tip is at {hint!r}"
        else:
            fix = f"no file {display_path(resolved)}"
        return rules.BROKEN_LINK, {"target": target, "fault": "points nowhere", "fix": fix}
    if named and linked is None:
        hint = (
            f"did you mean {meant.tip.id!r}?" if meant and meant.tip else "check the date and slug"
        )
        fault = f"points to tip {named[0]!r}, which does not exist"
        return rules.BROKEN_LINK, {"target": target, "fault": fault, "fix": hint}
    return None


def _relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()
