"""`tipbook check` and the build's gate: which tip files to judge, judged by every rule.

The rules are in `tipbook.tip_rules` (a tip's fields, date, placeholders; `check_file`
runs them all on one file), `tipbook.body_rules` (HTML and links), `tipbook.validate`
(themes, file names, duplicates across tips), `tipbook.symlinks` and `tipbook.synonyms`;
their ids and levels in `tipbook.rules`. Everything is collected, nothing stops at the
first problem, and the cross-tip checks use dictionaries, so checking stays linear in the
number of tips. The report is `tipbook.check_report`'s; the editor's changed files come
from git (`tipbook.git_changes`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tipbook import rules, sanitize
from tipbook.check_report import CheckReport
from tipbook.content import iter_tip_files
from tipbook.errors import Problem, display_path
from tipbook.files import write_bytes_atomic
from tipbook.model import TIPS_DIR, current_date
from tipbook.symlinks import refused_links
from tipbook.synonyms import SYNONYMS_FILE, load_synonyms
from tipbook.taxonomy import THEMES_FILE, Taxonomy
from tipbook.tip_rules import TipFile, check_file, parse_file
from tipbook.validate import TipIndex

__all__ = [
    "CheckReport",
    "ParseCache",
    "Verdict",
    "VerdictCache",
    "check_content",
    "judge_content",
]


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
    link_problems = list(refused.values()) + unpublished_files(content_dir, refused)
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
            parsed[key] = parse_file(path, key, cwd)
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


@dataclass
class VerdictCache:
    """A preview's findings between rebuilds: each file's, kept while the file is the same
    parsed file and nothing a finding about it can depend on changed.

    A file's findings depend on its own text, the taxonomy, the site URL, the day, and of
    the other tips only on what `TipIndex` indexes (ids, slugs, dates, titles, series
    parts, drafts, a refused slug: duplicates and links between tips) and on which files
    exist (links to `.md` files): `context` holds all of that for every file, so a body
    edit re-judges one file, and a change to any of it re-judges all. The caller empties it when a
    file other than a tip changes (a link to a hand-written page is looked up on disk).
    """

    context: tuple[object, ...] = ()
    problems: dict[Path, tuple[TipFile, list[Problem]]] = field(default_factory=dict)

    def judged(self, files: list[TipFile], context: tuple[object, ...]) -> None:
        """Start a judgement of `files` in `context`: forget what no longer holds."""
        if context != self.context:
            self.context, self.problems = context, {}
        present = {file.path for file in files}
        for gone in [path for path in self.problems if path not in present]:
            del self.problems[gone]


def _cross_tip_context(files: list[TipFile]) -> tuple[object, ...]:
    """What any file's findings may depend on of the other files (see `VerdictCache`)."""
    return tuple(
        # What reading a file found counts too (a refused `slug:` leaves the slug index).
        (file.key, file.shown, tuple((p.field, p.is_error) for p in file.problems))
        + (
            (tip.id, tip.slug, tip.date, tip.title, tip.series, tip.draft)
            if (tip := file.tip) is not None
            else ()
        )
        for file in files
    )


def judge_content(
    content_dir: Path,
    taxonomy: Taxonomy,
    site_url: str = "",
    today: dt.date | None = None,
    cache: ParseCache | None = None,
    verdicts: VerdictCache | None = None,
) -> list[Verdict]:
    """The gate every publisher passes tips through (`tipbook build`, the preview, the
    index): each tip file with `check`'s findings, made by the same rules as `check`, so
    what `check` calls an error is never published. `cache` keeps parsed files between a
    preview's rebuilds (only edited files are read again); `verdicts` (with `cache`) keeps
    their findings while nothing they depend on changed (`VerdictCache`)."""
    refused = refused_links(content_dir)
    cwd = Path.cwd().resolve()
    root = content_dir.resolve()
    files: list[TipFile] = []
    seen: set[Path] = set()
    for path in iter_tip_files(content_dir):
        if _is_refused(path, refused):
            continue
        if cache is None:
            files.append(parse_file(path, path.resolve(), cwd))
            continue
        seen.add(path)
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        hit = cache.get(path)
        if hit is None or hit[0] != stamp:
            # Resolved only when read: resolving every file costs more than the rest.
            hit = cache[path] = (stamp, parse_file(path, path.resolve(), cwd))
        files.append(hit[1])
    if cache is not None:
        for gone in set(cache) - seen:
            del cache[gone]
    collection = TipIndex(files)
    today = today or current_date()
    if verdicts is None or cache is None:
        return [
            Verdict(file, check_file(file, taxonomy, collection, root, site_url, today))
            for file in files
        ]
    context = (tuple(taxonomy.themes), site_url, today, root, _cross_tip_context(files))
    verdicts.judged(files, context)
    judged = []
    for file in files:
        kept = verdicts.problems.get(file.path)
        if kept is None or kept[0] is not file:  # new, or read again: edited
            kept = (file, check_file(file, taxonomy, collection, root, site_url, today))
            verdicts.problems[file.path] = kept
        judged.append(Verdict(file, kept[1]))
    return judged


def held_back_files(
    content_dir: Path,
    taxonomy: Taxonomy,
    site_url: str = "",
    today: dt.date | None = None,
    cache_file: Path | None = None,
) -> frozenset[str]:
    """The tip files the gate holds back (an error `check` finds), named as the search index
    names them (`content/tips/…`, below the content folder's parent): what `tipbook search`
    must not find, since `build` does not publish them.

    With `cache_file`, the answer is kept there with a fingerprint of everything it depends
    on (`_gate_fingerprint`): judging every tip costs seconds per thousand tips, a search
    from the command line or a script should not pay it while nothing changed."""
    today = today or current_date()
    if cache_file is None:
        return _held_back(content_dir, taxonomy, site_url, today)
    fingerprint = _gate_fingerprint(content_dir, site_url, today)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        kept = json.loads(cache_file.read_text(encoding="utf-8"))
        if kept["fingerprint"] == fingerprint:
            return frozenset(str(name) for name in kept["held"])
    held = _held_back(content_dir, taxonomy, site_url, today)
    record = {"fingerprint": fingerprint, "held": sorted(held)}
    with contextlib.suppress(OSError):  # a cache: a read-only checkout still searches
        write_bytes_atomic(cache_file, json.dumps(record).encode("utf-8"), durable=False)
    return held


def _gate_fingerprint(content_dir: Path, site_url: str, today: dt.date) -> str:
    """A digest of what the gate's answer depends on: every file below content/ (path, size,
    modification time, and where a link leads), the day (scheduled tips), the site address
    (links to it) and the rules' code. A walk of stat calls: milliseconds per 1,000 tips."""
    digest = hashlib.sha256(f"{today.isoformat()}\n{site_url}\n".encode())
    # Every module of this package (the rules, the sanitiser they ask, the taxonomy, the
    # text helpers…): a changed rule is a new answer, and naming a few would miss one.
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(f"{source.name} {source.stat().st_mtime_ns}\n".encode())
    for folder, folders, names in os.walk(content_dir):
        folders.sort()
        for name in sorted(names + folders):
            path = os.path.join(folder, name)
            try:
                own, seen = os.lstat(path), os.stat(path)
            except OSError:
                digest.update(f"{path} missing\n".encode())
                continue
            mine = (own.st_mode, own.st_size, own.st_mtime_ns, own.st_ctime_ns)
            target = (seen.st_ino, seen.st_size, seen.st_mtime_ns)  # where a link leads
            digest.update(f"{path} {mine} {target}\n".encode())
    return digest.hexdigest()


def _held_back(
    content_dir: Path, taxonomy: Taxonomy, site_url: str, today: dt.date
) -> frozenset[str]:
    held: set[str] = set()
    for verdict in judge_content(content_dir, taxonomy, site_url, today):
        if not verdict.passes:
            try:
                below = verdict.file.path.relative_to(content_dir).as_posix()
            except ValueError:
                continue  # outside the folder: the index never holds it
            held.add(f"{content_dir.name}/{below}")
    return frozenset(held)


def unpublished_files(content_dir: Path, refused: dict[Path, Problem]) -> list[Problem]:
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


def _is_refused(path: Path, refused: dict[Path, Problem]) -> bool:
    """True when `path` is, or is reached through, a refused symbolic link."""
    if not refused:
        return False
    real_parent = path.parent.resolve(strict=False)
    return real_parent / path.name in refused or any(p in refused for p in real_parent.parents)


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
