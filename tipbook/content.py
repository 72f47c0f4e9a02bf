"""Reading and writing tip files: Markdown with YAML front matter.

The file format is canonical: `dumps_tip` always writes the same keys in the same order
through the YAML library (never by hand: titles with ": " or "#" must survive), so a
load → save round trip of any file tipbook wrote is byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from tipbook import rules
from tipbook.errors import ContentError, Problem, display_path
from tipbook.files import NOT_A_FILE, read_file, write_text_atomic
from tipbook.model import TIPS_DIR, Tip
from tipbook.schemas import FRONT_MATTER_KEYS, read_front_matter
from tipbook.yamlsafe import Lines, load_yaml_located, yaml_error_line, yaml_error_reason

# Front-matter keys in the order they are written (the schema's); anything else follows.
KNOWN_KEYS = FRONT_MATTER_KEYS
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
# Where python-frontmatter's YAML handler splits front matter from the body.
_BOUNDARY = YAMLHandler.FM_BOUNDARY


class _Dumper(yaml.SafeDumper):
    """Safe YAML with block lists indented under their key, as editors write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _NotFields(ValueError):
    """Front matter that is valid YAML but not `field: value` lines (a list, a bare word)."""


def tip_to_metadata(tip: Tip) -> dict[str, Any]:
    """The front matter of a tip, in canonical key order; optional keys only when set."""
    meta: dict[str, Any] = {
        "title": tip.title,
        "date": tip.date,
        "slug": tip.slug,
        "themes": list(tip.themes),
        "tags": list(tip.tags),
        "summary": tip.summary,
    }
    if tip.takeaway:
        meta["takeaway"] = tip.takeaway
    if tip.series:
        meta["series"] = tip.series.to_dict()
    if tip.source:
        meta["source"] = tip.source
    if tip.via:
        meta["via"] = tip.via
    if tip.excerpt_only:
        meta["excerpt_only"] = True
    if tip.draft:
        meta["draft"] = True
    if tip.scrape_hash:
        meta["scrape_hash"] = tip.scrape_hash
    for key, value in tip.extra.items():
        meta.setdefault(key, value)
    return meta


def dumps_tip(tip: Tip) -> str:
    """The file text of a tip: `---`, YAML front matter, `---`, a blank line, the body."""
    front = yaml.dump(
        tip_to_metadata(tip),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # never fold long titles or summaries over several lines
    )
    body = f"\n{tip.body}\n" if tip.body else ""
    return f"---\n{front}---\n{body}"


def field_lines(text: str) -> dict[str, int]:
    """Line number (1-based) of each top-level front-matter key, for precise messages."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines()[1:], start=2):
        if line.strip() == "---":
            break
        match = _KEY_LINE.match(line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def _front_matter_closed(text: str) -> bool:
    """True when a second `---` line ends the front matter the first one opened."""
    lines = text.lstrip().splitlines()
    return any(line.rstrip() == "---" for line in lines[1:])


def parse_tip(text: str, path: str = "<tip>") -> tuple[Tip | None, list[Problem]]:
    """Parse a tip file's text; return the tip (None when unusable) and every problem found.

    The front matter's fields are read by their schema (`tipbook.schemas.FrontMatter`),
    each problem at the line of its YAML node.
    """
    opening = _unreadable_layout(text)
    if opening:
        return None, [rules.FRONT_MATTER.problem(path, 1, "", opening)]
    try:
        meta, lines, body = _split_front_matter(text)
    except yaml.constructor.ConstructorError as error:
        # Well-formed YAML that says something impossible (a key twice, 2026-02-30).
        line = yaml_error_line(error) + _first_line(text) - 1 if yaml_error_line(error) else 1
        message = f"front matter: {yaml_error_reason(error)}"
        return None, [rules.FRONT_MATTER.problem(path, line, "", message)]
    except yaml.YAMLError as error:
        message = (
            f"front matter is not valid YAML ({yaml_error_reason(error)}): quote values that "
            "contain ': ' or start with a special character"
        )
        line = yaml_error_line(error) + _first_line(text) - 1 if yaml_error_line(error) else 1
        return None, [rules.FRONT_MATTER.problem(path, line, "", message)]
    except _NotFields:
        message = (
            "the front matter is not `field: value` lines: write one field per line, "
            "e.g. `title: Your tip's title`, between the two '---' lines"
        )
        return None, [rules.FRONT_MATTER.problem(path, 1, "", message)]
    fields, errors = read_front_matter(meta, lines)
    problems = [
        rules.FRONT_MATTER.problem(path, e.line, str(e.where[0]), e.message) for e in errors
    ]
    if fields is None or (not fields.title and not fields.slug):
        return None, problems
    extra = {key: value for key, value in meta.items() if key not in KNOWN_KEYS}
    tip = Tip(**{name: getattr(fields, name) for name in KNOWN_KEYS}, body=body, extra=extra)
    return tip, problems


def _unreadable_layout(text: str) -> str:
    """Why a file is no tip at all (empty, no front matter, never closed), or ""."""
    if not text.strip():
        return (
            'the file is empty: write the tip (`tipbook new "TITLE"` starts one from the '
            "template) or delete the file"
        )
    if not text.lstrip().startswith("---"):
        return "no front matter: start the file with a '---' line, the fields, then '---'"
    if not _front_matter_closed(text):
        # Without its closing line the whole file would read as a body: say so, instead of
        # "missing title" and "date: None" about fields that are there.
        return (
            "the front matter is never closed: add a line with only '---' after the last "
            "field, before the tip's text"
        )
    return ""


def _first_line(text: str) -> int:
    """The file line of the opening `---` (blank lines may come before it)."""
    return text[: len(text) - len(text.lstrip())].count("\n") + 1


def _split_front_matter(text: str) -> tuple[dict[str, Any], Lines, str]:
    """The front matter's fields, the line of each, and the body, split where
    python-frontmatter splits them (its YAML handler's boundary, `---` lines) and read by
    `tipbook.yamlsafe` (aliases refused)."""
    stripped = text.strip()
    opening = _BOUNDARY.match(stripped)
    closing = _BOUNDARY.search(stripped, opening.end()) if opening else None
    if opening is None or closing is None:
        return {}, {}, stripped  # python-frontmatter reads such a file as all body
    meta, lines = load_yaml_located(stripped[opening.end() : closing.start()], _first_line(text))
    if meta is not None and not isinstance(meta, dict):
        # python-frontmatter would drop a list or a bare word silently ("missing title").
        raise _NotFields(type(meta).__name__)
    return meta or {}, lines, stripped[closing.end() :].strip()


def read_tip(path: Path, shown: str) -> tuple[str, Tip | None, list[Problem]]:
    """Read and parse one tip file, never raising: its text, the tip and every problem.

    `shown` is the path to print in problems (computed by callers that walk many files).
    """
    try:
        data = read_file(path)
    except IsADirectoryError:
        message = "a folder named like a tip file: rename it so its name does not end in .md"
        return "", None, [rules.NOT_A_FILE.problem(shown, 0, "", message)]
    except OSError as error:
        reason = error.strerror if error.strerror == NOT_A_FILE else error
        return "", None, [rules.UNREADABLE.problem(shown, 0, "", f"cannot read file: {reason}")]
    try:
        if b"\0" in data:
            raise UnicodeDecodeError("utf-8", data, data.index(b"\0"), len(data), "NUL byte")
        # As `read_text` reads it: universal newlines.
        # "utf-8-sig": Windows editors (Notepad) start UTF-8 files with a byte-order mark,
        # which would otherwise hide the opening '---' ("no front matter").
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        message = (
            "not a text file (binary, or not UTF-8): a tip is Markdown saved as UTF-8; "
            "save it as such, or move the file out of the tips folder"
        )
        return "", None, [rules.UNREADABLE.problem(shown, 0, "", message)]
    tip, problems = parse_tip(text, shown)
    return text, tip, problems


def load_tip(path: Path) -> Tip:
    """Load one tip file; raise `ContentError` naming the file and every problem."""
    _, tip, problems = read_tip(path, display_path(path))
    errors = [p for p in problems if p.is_error]
    if tip is None or errors:
        raise ContentError(errors or problems)
    return tip


def tip_path(content_dir: Path, tip: Tip) -> Path:
    """The file a tip belongs in; always inside `content_dir`."""
    return content_dir.joinpath(*tip.relative_path.parts)


def save_tip(content_dir: Path, tip: Tip) -> tuple[Path, bool]:
    """Write a tip to its canonical path atomically; return the path and whether it changed."""
    path = tip_path(content_dir, tip)
    return path, write_text_atomic(path, dumps_tip(tip))


def iter_tip_files(content_dir: Path) -> Iterator[Path]:
    """Every tip file below `content_dir/tips`, in a stable order."""
    tips_dir = content_dir / TIPS_DIR
    if not tips_dir.is_dir():
        return iter(())
    return iter(sorted(p for p in tips_dir.rglob("*.md") if not p.name.startswith(".")))


def readable_tips(
    content_dir: Path, paths: Iterable[Path] | None = None
) -> Iterator[tuple[Path, Tip]]:
    """(file, tip) of every tip file (or of those at `paths`) that reads and parses, in
    file order; the others are skipped (`tipbook check` names them and the fix)."""
    for path in paths if paths is not None else iter_tip_files(content_dir):
        _, tip, _ = read_tip(path, str(path))
        if tip is not None:
            yield path, tip


def load_tips(content_dir: Path, paths: Iterable[Path] | None = None) -> list[Tip]:
    """Load every tip (or those at `paths`), sorted by date then slug.

    Raises one `ContentError` listing the problems of every bad file, so a user fixes them
    all in one go instead of one per run.
    """
    tips: list[Tip] = []
    problems: list[Problem] = []
    for path in paths if paths is not None else iter_tip_files(content_dir):
        try:
            tips.append(load_tip(path))
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    tips.sort(key=lambda tip: (tip.date, tip.slug))
    return tips
