"""Write scraped tips into the content folder without ever losing an editor's work.

Each scraped tip records `scrape_hash`, the hash of its body and of the fields the scraper
fills, as scraped. A file that no longer matches its hash (or that has no hash: an editor
wrote it) was changed by an editor and is kept unless `force` is given. Writes go through
`tipbook.content.save_tip` (temp file + rename, unchanged files untouched, so mtimes stay).
A tip whose title, and so its file name, changed moves: the new file is written, then the
old one removed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from scraper.discover import url_key
from scraper.images import MEDIA_DIR
from tipbook.content import iter_tip_files, read_tip, save_tip, tip_path
from tipbook.model import SLUG_MAX_LENGTH, TIPS_DIR, Tip, normalize_body, tip_relative_path

HASH_LENGTH = 16


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"


def body_hash(body: str) -> str:
    """A short, stable hash of a tip body (in its normalised form)."""
    return hashlib.sha256(normalize_body(body).encode("utf-8")).hexdigest()[:HASH_LENGTH]


def scrape_fingerprint(tip: Tip) -> str:
    """The hash the scraper records: the body and every field it writes.

    So an editor's change to the text *or* to a field it fills (title, themes, summary, …)
    marks the file as the editor's. `draft` and unknown keys are the editor's anyway.
    """
    fields = {
        "title": tip.title,
        "date": tip.date.isoformat(),
        "slug": tip.slug,
        "themes": tip.themes,
        "tags": tip.tags,
        "summary": tip.summary,
        "takeaway": tip.takeaway,
        "series": tip.series.to_dict() if tip.series else None,
        "source": tip.source,
        "excerpt_only": tip.excerpt_only,
    }
    data = json.dumps(fields, sort_keys=True, ensure_ascii=False) + "\n" + normalize_body(tip.body)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def editor_changed(tip: Tip) -> bool:
    """True when the file differs from what the scraper last wrote (or it never wrote it)."""
    if not tip.scrape_hash:
        return True
    # Files from before fields were fingerprinted carry a hash of the body alone.
    return tip.scrape_hash not in (scrape_fingerprint(tip), body_hash(tip.body))


@dataclass
class ExistingTips:
    """The tips already in the content folder, found by source URL and by file."""

    by_key: dict[str, Path] = field(default_factory=dict)
    tips: dict[Path, Tip] = field(default_factory=dict)
    # Files that do not parse (an editor's half-done change): never overwritten.
    unreadable: set[Path] = field(default_factory=set)

    @classmethod
    def load(cls, content_dir: Path) -> ExistingTips:
        found = cls()
        for path in iter_tip_files(content_dir):
            _text, tip, _problems = read_tip(path, str(path))
            if tip is None:
                found.unreadable.add(path)
                continue
            found.add(path, tip)
        return found

    def add(self, path: Path, tip: Tip) -> None:
        self.tips[path] = tip
        if tip.source:
            self.by_key.setdefault(url_key(tip.source), path)

    def remove(self, path: Path) -> None:
        tip = self.tips.pop(path, None)
        if tip is not None and tip.source and self.by_key.get(url_key(tip.source)) == path:
            del self.by_key[url_key(tip.source)]

    def knows(self, url: str) -> bool:
        return url_key(url) in self.by_key

    def find(self, content_dir: Path, tip: Tip) -> tuple[str, tuple[Path, Tip] | None]:
        """The slug `tip` is to be saved under, and its existing file (by source URL, else
        at its path) or None. Only looks: the caller gives the tip its slug.

        A path that holds *another* source's tip is never this tip's, so the slug is then
        the next free one (`-2`, `-3`, …).
        """
        own = self.by_key.get(url_key(tip.source)) if tip.source else None
        slug, number = tip.slug, 1
        while True:
            candidate = content_dir.joinpath(*tip_relative_path(tip.date, slug).parts)
            other = self.tips.get(candidate)
            if candidate == own or candidate in self.unreadable or other is None:
                break
            if not (other.source and tip.source) or url_key(other.source) == url_key(tip.source):
                own = own or candidate  # an editor's file without source at this path
                break
            number += 1
            slug = f"{tip.slug[: SLUG_MAX_LENGTH - 4]}-{number}"
        return slug, ((own, self.tips[own]) if own is not None else None)


def write_tip(
    content_dir: Path, tip: Tip, existing: ExistingTips, force: bool = False
) -> tuple[Outcome, Path]:
    """Save a scraped tip; return what happened and the file it is in."""
    tip.slug, found = existing.find(content_dir, tip)
    target = tip_path(content_dir, tip)
    if target in existing.unreadable and not force:
        return Outcome.KEPT, target  # `tipbook check` tells the editor what is wrong
    if found is None:
        tip.scrape_hash = scrape_fingerprint(tip)
        path, _changed = save_tip(content_dir, tip)
        existing.add(path, tip)
        return Outcome.NEW, path
    old_path, old = found
    if not force and editor_changed(old):
        return Outcome.KEPT, old_path
    if tip.excerpt_only and not old.excerpt_only and not force:
        # The full post was had before; an excerpt now (the page vanished) must not replace it.
        return Outcome.UNCHANGED, old_path
    tip.draft = tip.draft or old.draft
    if old.themes and not force:
        # A re-scrape never moves a tip: the chapters it was filed in stay (a changed tag
        # or a better-scoring word would otherwise move it under its readers' feet).
        tip.themes = list(old.themes)
    tip.extra = {**old.extra, **tip.extra}
    tip.scrape_hash = scrape_fingerprint(tip)
    path, changed = save_tip(content_dir, tip)
    if path != old_path:
        old_path.unlink(missing_ok=True)
        existing.remove(old_path)
        changed = True
    existing.add(path, tip)
    return (Outcome.UPDATED if changed else Outcome.UNCHANGED), path


def remove_stale_temp_files(content_dir: Path) -> int:
    """Delete temp files a killed run left behind (`.<name>.md.*.tmp`, and an image's in
    content/media/); return how many."""
    count = 0
    for folder in (content_dir / TIPS_DIR, content_dir / MEDIA_DIR):
        for temp in folder.rglob(".*.tmp") if folder.is_dir() else ():
            temp.unlink(missing_ok=True)
            count += 1
    return count
