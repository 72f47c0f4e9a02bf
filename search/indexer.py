"""Keeping the Whoosh index in step with `content/`: incremental by default, safe to read.

Layout of the index folder (default `.tipbook/index`):

    CURRENT            the name of the live generation folder, replaced atomically
    PREVIOUS           the one live before it (kept: readers may still hold it)
    gen-<n>/           a Whoosh index plus `tipbook.json`: schema version and, per tip
                       file, (mtime, size, hash) as of the last update

An update compares every tip file's mtime and size with `tipbook.json` (one `stat` per
file, no reading), hashes only files that look different, and writes only tips added,
changed or removed, through Whoosh's own commit (readers keep the generation they opened).
A rebuild writes a new generation folder next to the live one and then points `CURRENT` at
it, so a reader never sees a half-built index. A missing, corrupt or version-mismatched
index is rebuilt, with the reason in the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import whoosh
from whoosh import index as whoosh_index
from whoosh.index import LockError

from search import PUBLISHED_INDEX
from search.concepts import ConceptWords, load_concepts
from search.schema import SCHEMA_VERSION, build_schema, index_terms, weighted_terms
from search.vectors import tip_vector
from search.whoosh_internals import toc_doc_count
from tipbook import rules
from tipbook.content import parse_tip
from tipbook.errors import Problem, TipbookError, display_path
from tipbook.files import read_file, write_text_atomic
from tipbook.model import TIPS_DIR, Tip, tip_url
from tipbook.synonyms import SYNONYMS_FILE
from tipbook.taxonomy import THEMES_FILE
from tipbook.text import body_text

CURRENT_FILE = "CURRENT"
PREVIOUS_FILE = "PREVIOUS"  # the generation live before CURRENT: readers may still hold it
MANIFEST_FILE = "tipbook.json"
LOCK_FILE = ".update.lock"
LOCK_WAIT = 30.0  # seconds an update waits for another process's update to finish
WRITER_MEMORY_MB = 128


class IndexUnavailable(TipbookError):
    """There is no usable index (never built, or damaged); `tipbook index` makes one."""


@dataclass
class IndexReport:
    """What one `update_index` did."""

    index_dir: Path
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    total: int = 0  # tips in the index afterwards
    rebuilt: bool = False
    reason: str = ""  # why the index was rebuilt ("" when it was not)
    problems: list[Problem] = field(default_factory=list)  # tip files left out
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed

    def to_dict(self) -> dict[str, Any]:
        return {
            "index_dir": str(self.index_dir),
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "total": self.total,
            "rebuilt": self.rebuilt,
            "reason": self.reason,
            "problems": [p.to_dict() for p in self.problems],
            "seconds": round(self.seconds, 3),
        }


def update_index(
    content_dir: Any, index_dir: Path | None = None, rebuild: bool = False, wait: float = LOCK_WAIT
) -> IndexReport:
    """Bring the index up to date with the tips in `content_dir`; return what changed.

    Accepts a `Config` in place of the two folders (`update_index(config)`). Only tip files
    added, changed or removed since the last update are written; `rebuild=True` starts over.
    Waits up to `wait` seconds for another process's update, then raises `TipbookError`.
    """
    if index_dir is None:
        content_dir, index_dir = content_dir.content_dir, content_dir.index_dir
    content_dir, index_dir = Path(content_dir), Path(index_dir)
    started = time.perf_counter()
    report = IndexReport(index_dir=index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with _update_lock(index_dir, wait):
            _remove_old_generations(index_dir)  # e.g. a killed rebuild's half generation
            files = _scan(content_dir)
            concepts = _Concepts(*load_concepts(content_dir))
            reason = "rebuild requested" if rebuild else ""
            current = None
            if not reason:
                try:
                    current = _open_current(index_dir)
                except IndexUnavailable as error:
                    reason = str(error)
            if current is not None and current.manifest.get("synonyms", "") != concepts.digest:
                # Every tip's added synonyms may change: index them all again.
                current, reason = None, f"{SYNONYMS_FILE} or {THEMES_FILE} changed"
            if current is None:
                report.rebuilt, report.reason = True, reason
                _rebuild(index_dir, files, report, concepts)
            else:
                _update(current, files, report, concepts)
    except OSError as error:
        raise TipbookError(
            f"cannot write the search index in {display_path(index_dir)} "
            f"({error.strerror or error}): check the folder's permissions and free space, "
            "or set index_dir in tipbook.yml"
        ) from None
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Generation:
    """One generation folder: its Whoosh index and manifest."""

    path: Path
    index: Any
    manifest: dict[str, Any]

    @property
    def trusted(self) -> bool:
        """True when the manifest was written after the index's last commit."""
        return bool(self.manifest.get("generation") == self.index.latest_generation())


@dataclass(frozen=True)
class _Concepts:
    """The synonym sets an index is written with, and their file's digest."""

    words: ConceptWords
    digest: str


@dataclass(frozen=True)
class _File:
    path: str
    rel: str  # below the content folder's parent, POSIX: `content/tips/2013/....md`
    url: str  # site-relative page URL: `/tips/2013/.../`
    mtime_ns: int
    size: int


def current_generation(index_dir: Path) -> Path:
    """The live generation folder; `IndexUnavailable` when there is none."""
    try:
        name = (index_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexUnavailable(
            f"no search index in {display_path(index_dir)}: run `tipbook index`"
        ) from None
    except OSError as error:
        raise IndexUnavailable(f"cannot read {display_path(index_dir)}: {error}") from None
    if not name.startswith("gen-") or "/" in name or not (index_dir / name).is_dir():
        raise IndexUnavailable(
            f"the search index in {display_path(index_dir)} is damaged "
            f"({CURRENT_FILE} names {name!r}): run `tipbook index --rebuild`"
        )
    return index_dir / name


def open_index(index_dir: Path) -> Any:
    """Open the live index for searching; `IndexUnavailable` (with the fix) when unusable."""
    return _open_current(Path(index_dir)).index


def _open_current(index_dir: Path) -> _Generation:
    path = current_generation(index_dir)
    shown = display_path(index_dir)
    try:
        manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexUnavailable(f"the search index in {shown} has no readable manifest") from None
    if manifest.get("schema") != SCHEMA_VERSION or manifest.get("whoosh") != _whoosh_version():
        raise IndexUnavailable(
            f"the search index in {shown} was written by another version "
            f"(schema {manifest.get('schema')}, Whoosh {manifest.get('whoosh')})"
        )
    try:
        index = whoosh_index.open_dir(str(path))
        _doc_count(index)  # reads the table of contents: a damaged one fails here
    except Exception as error:  # Whoosh raises many kinds on damaged files
        raise IndexUnavailable(
            f"the search index in {shown} is damaged ({type(error).__name__}: {error})"
        ) from None
    return _Generation(path, index, manifest)


def _doc_count(index: Any) -> int:
    """Tips in the index (see `toc_doc_count`: far cheaper than `Index.doc_count()`)."""
    return toc_doc_count(index)


def _scan(content_dir: Path) -> dict[str, _File]:
    """Every tip file with its stat: the only per-file cost of an update with no changes.

    The same files as `tipbook.content.iter_tip_files` (every `*.md` below `tips/` but
    hidden ones), walked with `os.scandir` and plain strings: pathlib's per-path objects
    made this scan most of a one-tip update at 10,000 tips.
    """
    files: dict[str, _File] = {}
    top = os.path.join(str(content_dir), TIPS_DIR)
    rel_top = f"{content_dir.name}/{TIPS_DIR}"
    pending = [(top, rel_top, TIPS_DIR)]  # the folder, below content's parent, below content
    while pending:
        folder, rel_folder, src_folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # no tips folder yet, or removed while we looked
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, f"{rel_folder}/{name}", f"{src_folder}/{name}"))
            elif name.endswith(".md") and not name.startswith("."):
                if entry.is_symlink() and not _links_inside(entry.path, content_dir):
                    continue  # only content/ is published (`tipbook check` names the link)
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                rel = f"{rel_folder}/{name}"
                url = "/" + tip_url(f"{src_folder}/{name}")
                files[rel] = _File(entry.path, rel, url, stat.st_mtime_ns, stat.st_size)
    return files


def _links_inside(path: str, content_dir: Path) -> bool:
    """True when the symbolic link at `path` leads to a file inside `content_dir`."""
    try:
        target = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):  # broken, or a loop
        return False
    return target.is_relative_to(content_dir.resolve())


def _update(
    current: _Generation, files: dict[str, _File], report: IndexReport, concepts: _Concepts
) -> None:
    known: dict[str, list[Any]] = current.manifest.get("files", {})
    manifest_dirty = False
    to_write: list[tuple[_File, bytes, str]] = []
    for rel, info in files.items():
        entry = known.get(rel)
        if entry and entry[0] == info.mtime_ns and entry[1] == info.size:
            report.unchanged += 1
            continue
        data = _read(info, report)
        if data is None:
            continue
        digest = _digest(data)
        if entry and entry[2] == digest:
            # Touched, not changed: remember the new mtime so it is not hashed again.
            known[rel] = [info.mtime_ns, info.size, digest]
            manifest_dirty = True
            report.unchanged += 1
            continue
        to_write.append((info, data, digest))
    removed = [rel for rel in known if rel not in files]

    if to_write or removed:
        writer = _writer(current.index)
        try:
            for rel in removed:
                writer.delete_by_term("path", rel)
                del known[rel]
                report.removed += 1
            for info, data, digest in to_write:
                doc = _document(info, data, digest, report, concepts.words)
                if doc is None:
                    # Now invalid: drop the old version rather than search stale text.
                    writer.delete_by_term("path", info.rel)
                    known.pop(info.rel, None)
                    continue
                if info.rel in known:
                    report.updated += 1
                    writer.update_document(**doc)
                elif current.trusted:
                    # New: nothing to replace, so skip opening every segment to look.
                    report.added += 1
                    writer.add_document(**doc)
                else:  # the manifest may predate the last commit: replace to be safe
                    report.added += 1
                    writer.update_document(**doc)
                known[info.rel] = [info.mtime_ns, info.size, digest]
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        manifest_dirty = True
    report.total = _doc_count(current.index)
    if manifest_dirty:
        current.manifest["files"] = known
        _write_manifest(current.path, known, current.index.latest_generation(), concepts.digest)


def _rebuild(
    index_dir: Path, files: dict[str, _File], report: IndexReport, concepts: _Concepts
) -> None:
    """Build a whole new generation beside the live one, then switch `CURRENT` to it."""
    path = index_dir / f"gen-{time.time_ns()}"
    path.mkdir()
    try:
        index = whoosh_index.create_in(str(path), build_schema())
        writer = index.writer(limitmb=WRITER_MEMORY_MB)
        known: dict[str, list[Any]] = {}
        try:
            for info in files.values():
                data = _read(info, report)
                if data is None:
                    continue
                digest = _digest(data)
                doc = _document(info, data, digest, report, concepts.words)
                if doc is not None:
                    writer.add_document(**doc)
                    known[info.rel] = [info.mtime_ns, info.size, digest]
                    report.added += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        report.total = len(known)
        _write_manifest(path, known, index.latest_generation(), concepts.digest)
        previous = _pointer(index_dir, CURRENT_FILE)
        if previous:
            write_text_atomic(index_dir / PREVIOUS_FILE, previous + "\n")
        write_text_atomic(index_dir / CURRENT_FILE, path.name + "\n")
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    _remove_old_generations(index_dir)


def write_published_index(
    site_dir: Path, tips: Iterable[tuple[Tip, str]], content_dir: Path | None = None
) -> int:
    """Write the search index of a build's tips, (tip, file below content/) each, into
    `site_dir`'s `PUBLISHED_INDEX`; returns how many. Only what the build published goes
    in, so suggestions, facets and counts know no draft or held-back tip. `content_dir`'s
    synonym sets and chapters are indexed with each tip, as `update_index` does."""
    concepts, digest = load_concepts(content_dir) if content_dir is not None else (None, "")
    index_dir = Path(site_dir) / PUBLISHED_INDEX
    shutil.rmtree(index_dir, ignore_errors=True)  # a preview's previous build
    index_dir.mkdir(parents=True)
    path = index_dir / f"gen-{time.time_ns()}"
    path.mkdir()
    index = whoosh_index.create_in(str(path), build_schema())
    writer = index.writer(limitmb=WRITER_MEMORY_MB)
    count = 0
    try:
        for tip, src_uri in tips:
            writer.add_document(
                **tip_document(tip, src_uri, "/" + tip_url(src_uri), concepts=concepts)
            )
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    _write_manifest(path, {}, index.latest_generation(), digest)
    write_text_atomic(index_dir / CURRENT_FILE, path.name + "\n")
    return count


def _pointer(index_dir: Path, name: str) -> str:
    """The generation a pointer file names ('' when none)."""
    try:
        text = (index_dir / name).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return text if text.startswith("gen-") and "/" not in text else ""


def _remove_old_generations(index_dir: Path) -> None:
    """Delete every generation folder but the live one and the one live before it.

    Called under the update lock, the only place generations are made: any other folder
    is an older generation or a rebuild that was killed or failed half-way (never live).
    The previous generation (named in `PREVIOUS`) stays, whatever its name or age: a reader
    that opened it just before the switch may still be reading its files. Older ones go:
    the searchers follow `CURRENT` at their next search, and one still reading an older
    generation keeps the files it has open (POSIX deletes them when closed).
    """
    keep = {_pointer(index_dir, CURRENT_FILE), _pointer(index_dir, PREVIOUS_FILE)} - {""}
    if not keep:
        return  # no live generation: nothing can tell a half one from a whole one
    for path in index_dir.glob("gen-*"):
        if path.name not in keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _writer(index: Any) -> Any:
    """A Whoosh writer; waits a little if something outside tipbook holds the write lock."""
    try:
        return index.writer(limitmb=WRITER_MEMORY_MB, timeout=LOCK_WAIT)
    except LockError:
        raise TipbookError(
            f"the search index in {display_path(Path(index.storage.folder).parent)} is locked "
            "by another writer: try again when it has finished"
        ) from None


def _read(info: _File, report: IndexReport) -> bytes | None:
    try:
        return read_file(Path(info.path))  # never blocks on a named pipe
    except OSError as error:
        report.problems.append(
            rules.UNREADABLE.problem(display_path(Path(info.path)), 0, "", f"cannot read: {error}")
        )
        return None


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _document(
    info: _File, data: bytes, digest: str, report: IndexReport, concepts: ConceptWords
) -> dict[str, Any] | None:
    """The index fields of one tip file; None (with the problems noted) when unusable."""
    shown = display_path(Path(info.path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        report.problems.append(rules.UNREADABLE.problem(shown, 0, "", f"not UTF-8 text: {error}"))
        return None
    tip, problems = parse_tip(text, shown)
    errors = [p for p in problems if p.is_error]
    if tip is None or errors:
        report.problems.extend(errors or problems)
        return None
    return tip_document(tip, info.rel, info.url, digest, concepts)


def tip_document(
    tip: Tip, path: str, url: str, digest: str = "", concepts: ConceptWords | None = None
) -> dict[str, Any]:
    """The Whoosh document of a tip (field name → value), with its chapters' titles and the
    synonyms it lacks of each set it has a word of (`search.concepts`)."""
    body = body_text(tip.body)
    added = concepts.added_words(tip) if concepts else []
    doc: dict[str, Any] = {
        "id": tip.id,
        "path": path,
        "url": url,
        # Text fields as their terms (`index_terms`): Whoosh indexes a list as given.
        "title": list(index_terms(tip.title)),
        "_stored_title": tip.title,
        "content": weighted_terms(
            tip.title,
            tip.summary,
            tip.takeaway,
            body,
            [*dict.fromkeys([*tip.themes, *tip.tags]), *added],
        ),
        "summary": tip.summary,
        "takeaway": tip.takeaway,
        "body": body,
        "themes": ",".join(tip.themes),
        "tags": ",".join(tip.tags),
        "date": dt.datetime.combine(tip.date, dt.time()),
        "draft": tip.draft,
        "hash": digest,
        "vector": tip_vector(tip.title, tip.summary, tip.takeaway, body),
    }
    if tip.series:
        doc["series"] = tip.series.name
        doc["series_part"] = tip.series.part
    return doc


def _write_manifest(
    path: Path, files: dict[str, list[Any]], generation: int, synonyms: str
) -> None:
    manifest = {
        "schema": SCHEMA_VERSION,
        "synonyms": synonyms,  # the digest of the synonym sets the tips were indexed with
        "whoosh": _whoosh_version(),
        "generation": generation,  # the commit this manifest describes
        "files": files,
    }
    write_text_atomic(path / MANIFEST_FILE, json.dumps(manifest, separators=(",", ":")))


def _whoosh_version() -> str:
    return str(whoosh.versionstring())


@contextlib.contextmanager
def _update_lock(index_dir: Path, wait: float) -> Iterator[None]:
    """Serialise updates between processes (and threads): one writer at a time."""
    try:
        import fcntl
    except ImportError:  # not POSIX: Whoosh's own write lock still guards the index
        yield
        return
    with open(index_dir / LOCK_FILE, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TipbookError(
                        f"another tipbook process has been updating {display_path(index_dir)} "
                        f"for over {wait:.0f} s: try again when it has finished"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
