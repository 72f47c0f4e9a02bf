"""`tipbook check`: every problem in the tips an editor should fix, as `path:line: level: …`.

Builds on `tipbook.validate` (parsing, themes, file names) and adds what an editor's week
needs: required fields, dates, duplicates across the collection (slug, date, title, series
part), placeholders left from `tipbook new`, links to other tips that point nowhere, raw
HTML the site would drop. Everything is collected, nothing stops at the first problem, and
the cross-tip checks use dictionaries, so checking stays linear in the number of tips.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

from tipbook import rules, sanitize
from tipbook.content import KNOWN_KEYS, field_lines, iter_tip_files, read_tip
from tipbook.errors import Problem, display_path
from tipbook.model import TIPS_DIR, TUESDAY, Tip, current_date, parse_tip_name
from tipbook.symlinks import refused_links
from tipbook.synonyms import SYNONYMS_FILE, load_synonyms
from tipbook.taxonomy import THEMES_FILE, Taxonomy
from tipbook.text import PLACEHOLDER_WORDS, SUMMARY_MAX, has_title_date
from tipbook.validate import Located, TipIndex, validate_tip

FAR_AHEAD = dt.timedelta(days=366)  # tips are written weeks ahead, not years
# Placeholders: the marker `tipbook new` writes, and the usual stand-ins for missing text.
_PLACEHOLDER_CASE = re.compile(rf"\b(?:{'|'.join(PLACEHOLDER_WORDS)})\b|(?i:lorem ipsum)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`]*`")
# Links are found with regular expressions, line by line, because findings need the line
# number and Markdown renderers do not report where a link came from.
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
_REF_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_HREF = re.compile(r"\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
# HTML the site removes from a tip (script/style/embeds and event handlers): raw HTML in
# Markdown is passed through, so this is the editor's only warning before it disappears.
_DROPPED_TAG = re.compile(r"<\s*(script|iframe|style|object|embed|form)\b", re.IGNORECASE)
# Any other raw tag, read up to its `>` (on a later line when it is split over lines), and
# its attributes: the site's sanitiser (tipbook/sanitize.py) keeps only its allowlist.
_TAG_START = re.compile(r"<([A-Za-z][\w-]*)(?=[\s/>]|$)")  # not an autolink <https://…>
_ATTRIBUTE = re.compile(r"[\s/]([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
# Python-Markdown's attr_list: `{: #id .class key=value }` (the colon is optional).
_ATTR_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}")
_ATTR_LIST_KEY = re.compile(r"(?:^|\s)([^\s=#.][^\s=]*)(?==|\s|$)")
_ESCAPED = re.compile(r"\\[\\`*_{}\[\]()#+\-.!<>&|]")  # Python-Markdown's escapes
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*)>")  # `<scheme:…>`
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})


@dataclass
class TipFile:
    """One parsed tip file with what the checks need to point at lines."""

    path: Path
    shown: str
    text: str
    tip: Tip | None
    problems: list[Problem]
    lines: dict[str, int]
    key: Path  # the resolved path: resolving is costly, so it is done once per file

    @property
    def body_lines(self) -> list[tuple[int, str]]:
        """(file line number, line) of the body outside code, computed once."""
        if self._body is None:
            self._body = list(_body_lines(self.text))
        return self._body

    _body: list[tuple[int, str]] | None = None


@dataclass
class CheckReport:
    """Every finding of one `check` run, and how many files were checked.

    `own` holds the shown paths of the editor's own tips among those checked: drafts, tips
    dated after today, and files new or changed in git (see `changed_files`).
    """

    checked: int
    problems: list[Problem] = field(default_factory=list)
    own: set[str] = field(default_factory=set)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }


def check_content(
    content_dir: Path,
    taxonomy: Taxonomy,
    paths: list[Path] | None = None,
    site_url: str = "",
    today: dt.date | None = None,
    changed: Iterable[Path] = (),
) -> CheckReport:
    """Check the tips at `paths` (files or folders; default: every tip) against the collection.

    Duplicates and links are judged against every tip in `content_dir`, but only the
    files asked for get findings. `changed` (files new or changed in git) marks, with
    drafts and scheduled tips, the editor's own tips in `report.own`.
    """
    # Links that leave content/, loop or lead nowhere are errors, and never read.
    refused = refused_links(content_dir)
    link_problems = list(refused.values()) + _unpublished_files(content_dir, refused)
    link_problems += load_synonyms(content_dir)[1]  # the synonym sets, checked with the tips
    everything = [p for p in iter_tip_files(content_dir) if not _is_refused(p, refused)]
    targets = _expand(paths, content_dir) if paths is not None else everything
    targets = [p for p in targets if not _is_refused(p, refused)]
    parsed: dict[Path, TipFile] = {}
    cwd = Path.cwd().resolve()
    root = content_dir.resolve()
    target_keys = []
    for number, path in enumerate([*everything, *targets]):
        key = path.resolve()
        if key not in parsed:
            parsed[key] = _parse(path, key, cwd)
        if paths is None or number >= len(everything):
            target_keys.append(key)
    collection = TipIndex(parsed.values())
    today = today or current_date()
    problems: list[Problem] = []
    checked = 0
    changed_keys = {path.resolve() for path in changed}
    own: set[str] = set()
    for key in dict.fromkeys(target_keys):
        checked += 1
        file = parsed[key]
        problems += check_file(file, taxonomy, collection, root, site_url, today)
        tip = file.tip
        if key in changed_keys or (tip is not None and not tip.is_published(today)):
            own.add(file.shown)
    return CheckReport(checked, sorted(set(problems + link_problems)), own)


@dataclass(frozen=True)
class Verdict:
    """One tip file as the gate judged it: the file and every finding of `check` about it."""

    file: TipFile
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def passes(self) -> bool:
        """True when the tip may be published: it was read and `check` finds no error."""
        return self.file.tip is not None and not self.errors


# A preview's parsed files between rebuilds: file → ((mtime, size), parsed file).
ParseCache = dict[Path, tuple[tuple[int, int], TipFile]]


def judge_content(
    content_dir: Path,
    taxonomy: Taxonomy,
    site_url: str = "",
    today: dt.date | None = None,
    cache: ParseCache | None = None,
) -> list[Verdict]:
    """The gate every publisher passes tips through (`tipbook build`, the preview, the
    index): each tip file with `check`'s findings, made by the same rules as `check`, so
    what `check` calls an error is never published. `cache` keeps parsed files between a
    preview's rebuilds (only edited files are read again); the cross-tip rules run anew."""
    refused = refused_links(content_dir)
    cwd = Path.cwd().resolve()
    root = content_dir.resolve()
    files: list[TipFile] = []
    seen: set[Path] = set()
    for path in iter_tip_files(content_dir):
        if _is_refused(path, refused):
            continue
        key = path.resolve()
        if cache is None:
            files.append(_parse(path, key, cwd))
            continue
        seen.add(path)
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        hit = cache.get(path)
        if hit is None or hit[0] != stamp:
            hit = cache[path] = (stamp, _parse(path, key, cwd))
        files.append(hit[1])
    if cache is not None:
        for gone in set(cache) - seen:
            del cache[gone]
    collection = TipIndex(files)
    today = today or current_date()
    return [
        Verdict(file, check_file(file, taxonomy, collection, root, site_url, today))
        for file in files
    ]


def held_back_files(
    content_dir: Path, taxonomy: Taxonomy, site_url: str = "", today: dt.date | None = None
) -> frozenset[str]:
    """The tip files the gate holds back (an error `check` finds), named as the search index
    names them (`content/tips/…`, below the content folder's parent): what `tipbook search`
    must not find, since `build` does not publish them."""
    held: set[str] = set()
    for verdict in judge_content(content_dir, taxonomy, site_url, today):
        if not verdict.passes:
            try:
                below = verdict.file.path.relative_to(content_dir).as_posix()
            except ValueError:
                continue  # outside the folder: the index never holds it
            held.add(f"{content_dir.name}/{below}")
    return frozenset(held)


def _unpublished_files(content_dir: Path, refused: dict[Path, Problem]) -> list[Problem]:
    """Files the build refuses to copy as they are (`.html`, `.svg`, `.js`…): an error here
    too. As MkDocs, hidden files and folders are left out, and so are `themes.yml` and
    `synonyms.yml`."""
    problems = []
    for folder, folders, names in os.walk(content_dir):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in names:
            path = Path(folder, name)
            if name.startswith(".") or name.endswith(".md") or _is_refused(path, refused):
                continue
            if path.parent == content_dir and name in (THEMES_FILE, SYNONYMS_FILE):
                continue
            reason = sanitize.unpublished_file(name)
            if reason:
                problems.append(rules.UNPUBLISHED_FILE.problem(display_path(path), 0, "", reason))
    return problems


# Folding: a warning repeated on at least this many tips that are not the editor's own is
# shown as one line with a count (the archive's old tips would otherwise bury the new one).
FOLD_AT = 3


@dataclass(frozen=True)
class FoldedFindings:
    """One rule's warnings on many tips, shown as one line with the count and the fix."""

    level: str
    field: str
    message: str  # the first finding's message, which says how to fix it
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        what = f"{self.field}: {self.message}" if self.field else self.message
        alike = "" if all(p.message == self.message for p in self.problems) else " (and alike)"
        return (
            f"{len(self.problems)} other tips: {self.level}: {what}{alike} "
            "[`tipbook check --all` lists them]"
        )


def rule_of(problem: Problem) -> tuple[str, str, str]:
    """What makes findings "the same warning": level, field and the rule they break."""
    return problem.level, problem.field, problem.rule


def arrange(
    report: CheckReport, fold: bool = True
) -> tuple[list[Problem], list[Problem], list[FoldedFindings]]:
    """The findings in the order an editor reads them: (own tips' findings, the others'
    findings, folded warnings). Own tips come first, errors before warnings; warnings that
    repeat on `FOLD_AT` or more other tips are folded into one `FoldedFindings` per rule."""
    own = [p for p in report.problems if p.path in report.own]
    others = [p for p in report.problems if p.path not in report.own]
    own.sort(key=lambda p: (not p.is_error, p))
    others.sort(key=lambda p: (not p.is_error, p))
    if not fold:
        return own, others, []
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for problem in others:
        if not problem.is_error:
            groups.setdefault(rule_of(problem), []).append(problem)
    folded = []
    for (level, name, _), members in groups.items():
        if len({p.path for p in members}) < FOLD_AT:
            continue
        folded.append(FoldedFindings(level, name, members[0].message, tuple(members)))
    hidden = {p for group in folded for p in group.problems}
    return own, [p for p in others if p not in hidden], folded


def changed_files(content_dir: Path) -> list[Path]:
    """Tip files new or changed against git (untracked, modified, staged, renamed), when
    `content_dir` is in a git work tree; [] otherwise or when git is not installed."""
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None or not content_dir.is_dir():
        return []
    try:
        top = subprocess.run(
            [git, "rev-parse", "--show-toplevel"],
            cwd=content_dir,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        status = subprocess.run(
            [git, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."],
            cwd=content_dir,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []  # not a repository (or git failed): no tip counts as changed
    entries = status.split("\0")
    files: list[Path] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        code, name = entry[:2], entry[3:]
        if code[0] in "RC":
            index += 1  # a rename's second field is the old name
        if "D" in code and code[0] != "R":
            continue
        if name.endswith(".md"):
            files.append(Path(top) / name)
    return files


def _is_refused(path: Path, refused: dict[Path, Problem]) -> bool:
    """True when `path` is, or is reached through, a refused symbolic link."""
    if not refused:
        return False
    real_parent = path.parent.resolve(strict=False)
    return real_parent / path.name in refused or any(p in refused for p in real_parent.parents)


def check_file(
    file: TipFile,
    taxonomy: Taxonomy,
    collection: TipIndex,
    content_dir: Path,
    site_url: str = "",
    today: dt.date | None = None,
) -> list[Problem]:
    """Every finding about one file."""
    problems = list(file.problems)
    tip = file.tip
    if tip is None:
        return problems
    lines = file.lines
    shown = file.shown

    def add(
        rule: rules.Rule,
        name: str,
        message: str,
        line: int | None = None,
        level: str | None = None,
    ) -> None:
        problems.append(rule.problem(shown, line or lines.get(name, 1), name, message, level))

    # With the text, each unknown theme is pointed at its own list item.
    problems += validate_tip(tip, shown, taxonomy, lines, file.text)
    _check_fields(tip, file, add)
    today = today or current_date()
    _check_date(tip, file, content_dir, today, add)
    _check_placeholders(tip, file, add)
    problems += collection.duplicates(file, lines)
    _check_body(tip, file, collection, content_dir, site_url, today, add)
    return problems


class _Add(Protocol):
    """How the checks below report a finding about the file being checked."""

    def __call__(
        self,
        rule: rules.Rule,
        name: str,
        message: str,
        line: int | None = None,
        level: str | None = None,
    ) -> None: ...


def _expand(paths: list[Path], content_dir: Path) -> list[Path]:
    """Files as given; folders as the Markdown files below them that are tips.

    Inside the content folder only `tips/` holds tips (`pages/` holds the site's own
    pages), so `tipbook check content` checks the tips and nothing else.
    """
    tips_dir = (content_dir / TIPS_DIR).resolve()
    content = content_dir.resolve()
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for found in sorted(path.rglob("*.md")):
            if found.name.startswith("."):
                continue
            key = found.resolve()
            if key.is_relative_to(tips_dir) or not key.is_relative_to(content):
                files.append(found)
    return files


def _parse(path: Path, key: Path, cwd: Path) -> TipFile:
    # As `display_path` shows it, without resolving the path a second time.
    shown = str(key.relative_to(cwd)) if key.is_relative_to(cwd) else str(key)
    text, tip, problems = read_tip(path, shown)
    return TipFile(path, shown, text, tip, problems, field_lines(text), key)


def _check_fields(tip: Tip, file: TipFile, add: _Add) -> None:
    lines = file.lines

    def near(*keys: str) -> int:
        """The line of the first key present: where a missing field belongs."""
        return next((lines[key] for key in keys if key in lines), 1)

    if "slug" not in lines:
        add(
            rules.MISSING_SLUG,
            "slug",
            f"missing slug: add `slug: {tip.slug}` (it names the file and the URL)",
            line=near("date", "title"),
        )
    if has_title_date(tip.title):
        add(
            rules.TITLE_DATE,
            "title",
            "the title ends with a date or 'TOW': remove it (the date is in `date:`)",
        )
    if "themes" not in lines or not tip.themes:
        add(
            rules.NO_THEMES,
            "themes",
            "no themes: the tip appears in no chapter; add some, or let "
            "`tipbook themes suggest FILE --write` add the classifier's",
        )
    if not tip.summary:
        add(
            rules.MISSING_SUMMARY,
            "summary",
            "missing summary: add `summary:` with one or two plain sentences for lists "
            "and search results",
            line=near("summary", "tags", "themes", "slug", "date"),
        )
    elif len(tip.summary) > SUMMARY_MAX:
        add(
            rules.LONG_SUMMARY,
            "summary",
            f"summary has {len(tip.summary)} characters: keep it to {SUMMARY_MAX} or fewer",
        )
    if not tip.takeaway and not tip.excerpt_only:
        # An excerpt-only archive tip has no closing line to take the lesson from.
        add(
            rules.MISSING_TAKEAWAY,
            "takeaway",
            "missing takeaway: add `takeaway:` with the closing one-line lesson "
            "(the site shows it as a callout)",
            line=near("takeaway", "summary", "tags", "themes", "slug", "date"),
        )
    for key in lines:
        if key in KNOWN_KEYS:
            continue
        close = difflib.get_close_matches(key.lower(), KNOWN_KEYS, n=1, cutoff=0.7)
        if close:
            add(
                rules.UNKNOWN_FIELD,
                key,
                f"unknown field {key!r} (did you mean {close[0]!r}?): rename it",
            )


def _check_date(tip: Tip, file: TipFile, content_dir: Path, today: dt.date, add: _Add) -> None:
    if tip.date > today + FAR_AHEAD:
        add(
            rules.FAR_AHEAD,
            "date",
            f"{tip.date.isoformat()} is more than a year ahead: a typo? (the tip stays off the "
            "site until then)",
        )
    if tip.date.weekday() != TUESDAY and not tip.source:
        # Archive tips keep the date they were published on; new ones go out on Tuesdays.
        add(
            rules.NOT_TUESDAY,
            "date",
            f"{tip.date.isoformat()} is a {tip.date:%A}: tips publish on Tuesdays",
        )
    try:
        relative = file.key.relative_to(content_dir)
    except ValueError:
        return
    parts = relative.parts
    if len(parts) == 3 and parts[0] == "tips" and parts[1] != f"{tip.date.year:04d}":
        add(
            rules.YEAR_FOLDER,
            "date",
            f"the file is in tips/{parts[1]}/: move it to tips/{tip.date.year:04d}/",
        )


def _check_placeholders(tip: Tip, file: TipFile, add: _Add) -> None:
    # A draft may hold placeholders; anything that would be published must not.
    level = "warning" if tip.draft else "error"
    fix = "replace it before removing `draft: true`" if tip.draft else "replace it with your text"
    for name in ("title", "summary", "takeaway"):
        if _PLACEHOLDER_CASE.search(getattr(tip, name)):
            add(rules.PLACEHOLDER, name, f"placeholder left in {name}: {fix}", level=level)
    text = file.text
    if not any(word in text for word in PLACEHOLDER_WORDS) and "lorem ipsum" not in text.lower():
        return  # plain substring tests spare a regular expression per line in nearly every tip
    for number, line in file.body_lines:
        if _PLACEHOLDER_CASE.search(line):
            text = line.strip()
            shown = text if len(text) <= 60 else text[:57] + "…"
            add(
                rules.PLACEHOLDER,
                "body",
                f"placeholder left in the text ({shown!r}): {fix}",
                number,
                level,
            )


def _body_lines(text: str) -> Iterator[tuple[int, str]]:
    """(file line number, line) of the body, outside fenced code blocks."""
    lines = text.splitlines()
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if closing is None:
        return
    fenced = False
    for index in range(closing + 1, len(lines)):
        line = lines[index]
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield index + 1, _CODE_SPAN.sub("", line) if "`" in line else line


def _check_body(
    tip: Tip,
    file: TipFile,
    collection: TipIndex,
    content_dir: Path,
    site_url: str,
    today: dt.date,
    add: _Add,
) -> None:
    text = file.text
    if "<" not in text and "](" not in text and "]:" not in text and "{" not in text:
        return  # no HTML, no link and no attribute list anywhere in the file
    published = tip.is_published(today)
    # Backslash-escaped characters are text to Markdown (`\{: x }`, `\[a\](b)` are no
    # attribute list and no link): blanked out before looking for either.
    lines = [(n, _ESCAPED.sub("__", line) if "\\" in line else line) for n, line in file.body_lines]
    if "<" in text:
        _check_raw_html(lines, add)
        _check_unclosed_comment(lines, add)
    for number, line in lines:
        if "{" in line:
            _check_attribute_lists(line, number, add)
        if "<" not in line and "](" not in line and "]:" not in line:
            continue  # most lines hold no HTML and no link: skip the regular expressions
        match = _DROPPED_TAG.search(line)
        if match:
            tag = match.group(1).lower()
            add(
                rules.DROPPED_TAG,
                "body",
                f"raw <{tag}> is dropped by the site: remove it (link to the page instead)",
                number,
            )
        targets = [m.group(1) for m in _MD_LINK.finditer(line)]
        targets += [m.group(1) for m in _HREF.finditer(line)]
        targets += [m.group(1) for m in _AUTOLINK.finditer(line)]
        ref = _REF_LINK.match(line)
        if ref:
            targets.append(ref.group(1))
        for target in targets:
            found = _link_problem(target, file, collection, content_dir, site_url)
            if found:
                add(found[0], "body", found[1], number)
                continue
            linked = _linked_tip(target, collection, site_url)
            if (
                published
                and linked is not None
                and linked.tip is not None
                and not linked.tip.is_published(today)
            ):
                add(
                    rules.UNPUBLISHED_LINK,
                    "body",
                    f"links to {linked.shown}, which is not published yet (draft or future "
                    "date): the link is broken until it is",
                    number,
                )


def _check_raw_html(lines: list[tuple[int, str]], add: _Add) -> None:
    """Raw HTML the site's sanitiser drops: tags outside its allowlist, attributes it does
    not keep (event handlers are errors: never legitimate in a tip). A tag split over lines
    is read to its `>`; each finding names the line it is on."""
    pending = ""  # the tag still open at the end of the previous line
    for number, line in lines:
        rest = line
        if pending:
            end = rest.find(">")
            _check_attributes(pending, rest if end < 0 else rest[:end], number, add)
            if end < 0:
                continue
            pending, rest = "", rest[end + 1 :]
        if "<" not in rest:
            continue
        for match in _TAG_START.finditer(rest):
            tag = match.group(1).lower()
            end = rest.find(">", match.end())
            if tag not in sanitize.BODY_TAGS and not _DROPPED_TAG.match(match.group()):
                kept = "and everything in it" if tag in sanitize.DROPPED_WITH_CONTENT else ""
                add(
                    rules.UNKEPT_TAG,
                    "body",
                    f"raw <{tag}> {kept + ' ' if kept else ''}is dropped by the site: remove it",
                    number,
                )
            _check_attributes(tag, rest[match.end() : end if end >= 0 else None], number, add)
            if end < 0:
                pending = tag


def _check_attributes(tag: str, text: str, number: int, add: _Add) -> None:
    kept = sanitize.BODY_ATTRIBUTES.get(tag, set()) | {"class"}
    kept |= set(sanitize.BODY_ATTRIBUTE_VALUES.get(tag, {}))
    for match in _ATTRIBUTE.finditer(" " + text):
        name = match.group(1).lower()
        unquoted = match.group(4)  # quoted URLs are checked with the other links
        if name.startswith("on"):
            add(
                rules.EVENT_HANDLER,
                "body",
                f"the {name}= attribute is dropped by the site: remove it",
                number,
            )
        elif name in _URL_ATTRIBUTES and unquoted and _scheme(unquoted) not in _KEPT_SCHEMES:
            scheme = _scheme(unquoted)
            add(
                rules.DROPPED_LINK,
                "body",
                f"a {scheme}: link is dropped by the site: link to a web page instead",
                number,
            )
        elif tag in sanitize.BODY_TAGS and name not in kept:
            add(
                rules.UNKEPT_ATTRIBUTE,
                "body",
                f"the {name}= attribute of <{tag}> is dropped by the site: remove it",
                number,
            )
        elif tag in sanitize.BODY_TAGS and name in sanitize.BODY_ATTRIBUTES.get(tag, ()):
            value = next((v for v in match.group(2, 3, 4) if v is not None), "")
            if sanitize.attribute_value(tag, name, value) is None:
                add(
                    rules.UNKEPT_ATTRIBUTE,
                    "body",
                    f"the {name}={value!r} attribute of <{tag}> is dropped by the site "
                    f"({_DROPPED_VALUE.get(name, 'value not allowed')}): remove it",
                    number,
                )


# Why the sanitiser drops a value of an attribute it otherwise keeps.
_DROPPED_VALUE = {
    "id": "ids starting with __ are the theme's own",
    "style": "only text-align: left, right, center or justify is kept",
}


_KEPT_SCHEMES = frozenset({"", *sanitize.URL_SCHEMES})  # "": a relative URL


def _scheme(url: str) -> str:
    """A URL's scheme as a browser reads it: entities decoded, control characters and
    spaces ignored (`java&#x73;cript:` and `java\tscript:` are javascript:); "" if none."""
    cleaned = "".join(ch for ch in html.unescape(url) if ch > " ")
    scheme, colon, _ = cleaned.partition(":")
    if not colon or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return ""
    return scheme.lower()


def _check_unclosed_comment(lines: list[tuple[int, str]], add: _Add) -> None:
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
        add(
            rules.UNCLOSED_COMMENT,
            "body",
            "an HTML comment `<!--` is never closed with `-->`: the site hides everything after it",
            opened,
        )


def _check_attribute_lists(line: str, number: int, add: _Add) -> None:
    """`{: …}` attribute lists set HTML attributes: the site keeps heading ids, the classes
    of Material's and its own markup (`{ .md-button }`) and a few plain attributes."""
    for match in _ATTR_LIST.finditer(line):
        inside = match.group(1)
        if not (match.group().startswith("{:") or "=" in inside or inside[:1] in "#."):
            continue  # `{braces}` in a sentence: Python-Markdown leaves them as text
        keys = [key.lower() for key in _ATTR_LIST_KEY.findall(inside)]
        for key in keys:
            if key.startswith("on"):
                add(
                    rules.EVENT_HANDLER,
                    "body",
                    f"the {key}= attribute is dropped by the site: remove it",
                    number,
                )
        classes = re.findall(r"(?:^|\s)\.([^\s}]+)", inside)
        dropped = [k for k in keys if k not in _KEPT_ATTRIBUTES]
        dropped += [f".{name}" for name in classes if name not in _KEPT_CLASSES]
        if dropped:
            add(
                rules.ATTRIBUTE_LIST,
                "body",
                f"the attribute list {match.group()} sets HTML attributes the site drops "
                f"({', '.join(dropped)}): remove them",
                number,
            )


_KEPT_ATTRIBUTES = frozenset().union(*sanitize.BODY_ATTRIBUTES.values()) - {"id"}
_KEPT_CLASSES = frozenset().union(*sanitize.BODY_CLASSES.values())


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


def _link_problem(
    target: str, file: TipFile, collection: TipIndex, content_dir: Path, site_url: str
) -> tuple[rules.Rule, str] | None:
    """Why a link in a tip's body points nowhere (the rule and the message), or None when
    it is fine or not ours."""
    scheme = _scheme(target)
    if scheme and scheme not in sanitize.URL_SCHEMES:
        return (
            rules.DROPPED_LINK,
            f"a {scheme}: link is dropped by the site: link to a web page instead",
        )
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
            return rules.BROKEN_LINK, f"link {target!r} points nowhere: the tip is at {hint!r}"
        return (
            rules.BROKEN_LINK,
            f"link {target!r} points nowhere: no file {display_path(resolved)}",
        )
    if named and linked is None:
        hint = (
            f"did you mean {meant.tip.id!r}?" if meant and meant.tip else "check the date and slug"
        )
        return (
            rules.BROKEN_LINK,
            f"link {target!r} points to tip {named[0]!r}, which does not exist: {hint}",
        )
    return None


def _relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()
