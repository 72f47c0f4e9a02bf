"""Reading and writing tip files: Markdown with YAML front matter.

The file format is canonical: `dumps_tip` always writes the same keys in the same order
through the YAML library (never by hand: titles with ": " or "#" must survive), so a
load → save round trip of any file tipbook wrote is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from tipbook import rules
from tipbook.errors import ContentError, Problem, display_path
from tipbook.files import NOT_A_FILE, read_file, write_text_atomic
from tipbook.model import TIPS_DIR, Series, Tip, is_valid_slug
from tipbook.yamlsafe import refuse_aliases

# Front-matter keys in the order they are written; anything else follows, as found.
KNOWN_KEYS = (
    "title",
    "date",
    "slug",
    "themes",
    "tags",
    "summary",
    "takeaway",
    "series",
    "source",
    "via",
    "excerpt_only",
    "draft",
    "scrape_hash",
)
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


class _Dumper(yaml.SafeDumper):
    """Safe YAML with block lists indented under their key, as editors write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _YAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler with libyaml's safe loader when PyYAML has it: the
    same documents and values, parsed several times faster than by the pure-Python loader."""

    def load(self, fm: str, **kwargs: object) -> Any:
        loader = kwargs.setdefault("Loader", getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        refuse_aliases(fm, loader)  # tipbook.yamlsafe: every YAML read refuses aliases
        fields = super().load(fm, **kwargs)
        if fields is not None and not isinstance(fields, dict):
            # python-frontmatter would drop a list or a bare word silently ("missing title").
            raise _NotFields(type(fields).__name__)
        return fields


class _NotFields(ValueError):
    """Front matter that is valid YAML but not `field: value` lines (a list, a bare word)."""


_FRONT_MATTER = _YAMLHandler()


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
    """Parse a tip file's text; return the tip (None when unusable) and every problem found."""
    problems: list[Problem] = []
    lines = field_lines(text)

    def problem(field: str, message: str, level: str = "error") -> None:
        problems.append(
            rules.FRONT_MATTER.problem(path, lines.get(field, 1), field, message, level)
        )

    if not text.strip():
        problem(
            "",
            'the file is empty: write the tip (`tipbook new "TITLE"` starts one from the '
            "template) or delete the file",
        )
        return None, problems
    if not text.lstrip().startswith("---"):
        problem("", "no front matter: start the file with a '---' line, the fields, then '---'")
        return None, problems
    if not _front_matter_closed(text):
        # Without its closing line the whole file would read as a body: say so, instead of
        # "missing title" and "date: None" about fields that are there.
        problem(
            "",
            "the front matter is never closed: add a line with only '---' after the last "
            "field, before the tip's text",
        )
        return None, problems
    try:
        # The handler only where python-frontmatter would pick YAML itself (it skips its
        # detection when given one), so a file without front matter reads as before.
        handler = _FRONT_MATTER if _FRONT_MATTER.detect(text.strip()) else None
        post = frontmatter.loads(text, handler=handler)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        problems.append(
            rules.FRONT_MATTER.problem(
                path,
                line,
                "",
                f"front matter is not valid YAML ({reason}): quote values that "
                "contain ': ' or start with a special character",
            )
        )
        return None, problems
    except _NotFields:
        problem(
            "",
            "the front matter is not `field: value` lines: write one field per line, "
            "e.g. `title: Your tip's title`, between the two '---' lines",
        )
        return None, problems
    except ValueError as error:
        # The YAML library builds dates itself and fails on impossible ones (2026-02-30).
        problem("date", f"not a real date ({error}): write an existing day as YYYY-MM-DD")
        return None, problems
    meta = dict(post.metadata)

    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problem("title", "missing title: add `title: Your tip's title`")
        title = ""

    date = _parse_date(meta.get("date"))
    if date is None:
        problem("date", f"{meta.get('date')!r} is not a date: write it as YYYY-MM-DD")

    slug = meta.get("slug", "")
    if not isinstance(slug, str) or (slug and not is_valid_slug(slug)):
        problem(
            "slug",
            f"{slug!r} is not a valid slug: use lowercase letters, digits and hyphens "
            "(at most 80 characters)",
        )
        slug = ""

    themes = _string_list(meta.get("themes", []), "themes", problem)
    tags = _string_list(meta.get("tags", []), "tags", problem)
    summary = _string(meta.get("summary", ""), "summary", problem)
    takeaway = _string(meta.get("takeaway", ""), "takeaway", problem)
    source = _string(meta.get("source", ""), "source", problem)
    if source and not source.startswith(("http://", "https://")):
        problem("source", f"{source!r} is not a web address: start it with https://")
    series = _parse_series(meta.get("series"), problem)
    via = _string(meta.get("via", ""), "via", problem)
    excerpt_only = _bool(meta.get("excerpt_only", False), "excerpt_only", problem)
    draft = _bool(meta.get("draft", False), "draft", problem)
    scrape_hash = _string(meta.get("scrape_hash", ""), "scrape_hash", problem)

    if date is None or (not title and not slug):
        return None, problems
    extra = {key: value for key, value in meta.items() if key not in KNOWN_KEYS}
    tip = Tip(
        title=title,
        date=date,
        slug=slug,
        themes=themes,
        tags=tags,
        summary=summary,
        takeaway=takeaway,
        series=series,
        source=source,
        via=via,
        excerpt_only=excerpt_only,
        draft=draft,
        scrape_hash=scrape_hash,
        body=post.content,
        extra=extra,
    )
    return tip, problems


def read_tip(path: Path, shown: str) -> tuple[str, Tip | None, list[Problem]]:
    """Read and parse one tip file, never raising: its text, the tip and every problem.

    `shown` is the path to print in problems (computed by callers that walk many files).
    """
    try:
        data = read_file(path)
    except IsADirectoryError:
        message = "a folder named like a tip file: rename it so its name does not end in .md"
        return "", None, [Problem(shown, 0, "error", "", message)]
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


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _string(value: object, name: str, problem: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    problem(name, f"expected text, found {type(value).__name__}: write `{name}: some text`")
    return ""


def _bool(value: object, name: str, problem: Any) -> bool:
    if isinstance(value, bool):
        return value
    problem(name, f"{value!r} is not true or false: write `{name}: true` or `{name}: false`")
    return False


def _string_list(value: object, name: str, problem: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problem(name, f"expected a list of words, e.g. `{name}: [empathy, caring]`")
        return []
    return [v.strip() for v in value if v.strip()]


def _parse_series(value: object, problem: Any) -> Series | None:
    if value is None:
        return None
    if isinstance(value, dict):
        name, part = value.get("name"), value.get("part")
        if isinstance(name, str) and name.strip() and isinstance(part, int) and part >= 1:
            return Series(name.strip(), part)
    problem(
        "series",
        "expected a name and a part number, e.g. `series: {name: Customer for Life, part: 3}`",
    )
    return None
