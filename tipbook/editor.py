"""The editor's jobs on one tip: start it from the house template, and suggest its themes.

`new_tip` writes `content/tips/<YYYY>/<YYYY-MM-DD>-<slug>.md` with the front matter filled
in and a body skeleton in the house style; `check` (tipbook/check.py) then reports whatever
the editor left to do. `suggest_themes` explains the classifier's view of a tip.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tipbook.content import iter_tip_files, load_tip, readable_tips, save_tip, tip_path
from tipbook.errors import TipbookError, UsageError, display_path
from tipbook.model import (
    TITLE_MAX_LENGTH,
    TUESDAY,
    Series,
    Tip,
    current_date,
    next_tuesday,
    parse_tip_name,
    slugify,
)
from tipbook.nearest import ChapterMatch, ChapterSimilarity
from tipbook.taxonomy import Taxonomy, ThemeScore
from tipbook.text import PLACEHOLDER

# Every placeholder the template writes starts with this marker, so `check` finds them all.
SUMMARY_PLACEHOLDER = f"{PLACEHOLDER}: one or two plain sentences shown in lists and search."
TAKEAWAY_PLACEHOLDER = f"{PLACEHOLDER}: the closing one-line lesson, e.g. Become an empathy expert."
BODY_TEMPLATE = f"""\
{PLACEHOLDER}: Open with a short story or scenario: a customer, a moment, what happened. \
Two or three short paragraphs, in the first person, as if you were telling a colleague.

{PLACEHOLDER}: Say what the story teaches, then give the points to remember:

- {PLACEHOLDER}: the first point
- {PLACEHOLDER}: the second point
- {PLACEHOLDER}: the third point

{PLACEHOLDER}: Close with the takeaway line, one short sentence (the same as `takeaway:`).
"""


@dataclass
class NewTip:
    """What `new_tip` created: the file, the tip, and warnings worth showing the editor."""

    path: Path
    tip: Tip
    warnings: list[str] = field(default_factory=list)


def existing_tips(content_dir: Path) -> list[tuple[dt.date, str, Path]]:
    """(date, slug, path) of every tip file, read from the file names.

    File names are used instead of parsing every file: it is fast at thousands of tips and
    works even when another file is broken (`check` reports names that disagree with the
    front matter).
    """
    found = []
    for path in iter_tip_files(content_dir):
        named = parse_tip_name(path.name) if path.name.endswith(".md") else None
        if named is None:
            continue
        try:
            date = dt.date.fromisoformat(named[0])
        except ValueError:
            continue
        found.append((date, named[1], path))
    return found


def default_date(existing: list[tuple[dt.date, str, Path]], today: dt.date) -> dt.date:
    """The first Tuesday after the newest tip, but never in the past.

    Tips publish weekly on Tuesdays; when the archive's newest tip is older than a week,
    back-dating the new tip would publish it at once under an old date, so the first
    Tuesday from today on is used instead.
    """
    upcoming = today if today.weekday() == TUESDAY else next_tuesday(today)
    if not existing:
        return upcoming
    newest, _, path = max(existing, key=lambda found: found[0])
    try:
        return max(next_tuesday(newest), upcoming)
    except OverflowError:  # a tip dated in the last days of year 9999: no Tuesday follows
        raise TipbookError(
            f"no Tuesday follows the newest tip, {display_path(path)} "
            f"({newest.isoformat()}, a typo?): fix its date, or give {{date}} YYYY-MM-DD",
            options=("date",),
        ) from None


def series_option(name: str | None, part: int | None) -> Series | None:
    """The `--series NAME --part N` pair as a `Series`; one without the other is a usage error."""
    if name is None and part is None:
        return None
    if not name or not name.strip() or part is None or part < 1:
        raise UsageError(
            'give both {series} "Series name" and {part} N (1, 2, 3, …)', options=("series", "part")
        )
    return Series(" ".join(name.split()), part)


def new_tip(
    content_dir: Path,
    taxonomy: Taxonomy,
    title: str,
    date: dt.date | None = None,
    themes: list[str] | tuple[str, ...] = (),
    series: Series | None = None,
    today: dt.date | None = None,
) -> NewTip:
    """Create a draft tip from the house template; never overwrite or clash with a tip.

    Raises `UsageError` for a bad title or an unknown theme (naming the nearest valid id)
    and `TipbookError` when the date or the slug is already taken (naming that tip).
    """
    title = " ".join(title.split())
    if not title:
        raise UsageError('the title is empty: tipbook new "Your tip\'s title"')
    if len(title) > TITLE_MAX_LENGTH:
        raise UsageError(
            f"the title is {len(title)} characters long: shorten it to at most "
            f"{TITLE_MAX_LENGTH} (the summary and the text say the rest)"
        )
    for theme in themes:
        if theme not in taxonomy:
            raise UsageError(
                f"{taxonomy.unknown_theme_message(theme)}: `tipbook themes list` shows them all"
            )
    existing = existing_tips(content_dir)
    warnings = []
    today = today or current_date()
    if date is None:
        date = default_date(existing, today)
    elif date.weekday() != TUESDAY:
        warnings.append(
            f"{date.isoformat()} is a {date:%A}: weekly tips publish on Tuesdays"
            + (f" (the next one is {next_tuesday(date).isoformat()})" if date.year < 9999 else "")
        )
    if date < today:
        warnings.append(
            f"{date.isoformat()} is in the past: once `draft: true` is removed, the next build "
            "publishes the tip at once, among older tips"
        )
    slug = slugify(title)
    for other_date, other_slug, other_path in existing:
        if other_date == date:
            raise TipbookError(
                f"{date.isoformat()} already has a tip: {display_path(other_path)}; "
                "choose another day with {date} YYYY-MM-DD",
                options=("date",),
            )
        if other_slug == slug:
            raise TipbookError(
                f"the slug {slug!r} is taken by {display_path(other_path)}: choose another title"
            )
    if series is not None:
        _check_series_part(content_dir, existing, series)
    tip = Tip(
        title=title,
        date=date,
        slug=slug,
        themes=list(dict.fromkeys(themes)),
        summary=SUMMARY_PLACEHOLDER,
        takeaway=TAKEAWAY_PLACEHOLDER,
        series=series,
        draft=True,
        body=BODY_TEMPLATE,
    )
    path = tip_path(content_dir, tip)
    if path.exists():
        raise TipbookError(f"{display_path(path)} already exists: edit it instead")
    save_tip(content_dir, tip)
    return NewTip(path, tip, warnings)


def _check_series_part(
    content_dir: Path, existing: list[tuple[dt.date, str, Path]], series: Series
) -> None:
    """Refuse a series part another tip already is, suggesting the next free part.

    Only here are tip files parsed (to read their series): `new` without --series stays a
    walk over file names. Names compare as `check` compares them, ignoring case.
    """
    taken: dict[int, Path] = {}
    name = series.name.casefold()
    for path, tip in readable_tips(content_dir, [path for _, _, path in existing]):
        if tip.series and tip.series.name.casefold() == name:
            taken.setdefault(tip.series.part, path)
    if series.part in taken:
        free = next(part for part in range(1, len(taken) + 2) if part not in taken)
        after = max(taken) + 1
        hint = f"{after}" if free > max(taken) else f"{after} (or {free}, unused)"
        raise TipbookError(
            f"part {series.part} of {series.name!r} is already "
            f"{display_path(taken[series.part])}: the next free part is {{part}} {hint}",
            options=("part",),
        )


@dataclass
class ThemeSuggestion:
    """The classifier's scores for one tip, and the themes it would give it.

    `nearest` is set when no signal word places the tip: the chapter it is most like, with
    the words and tips behind it (suggested only for a tip in no chapter yet).
    """

    path: Path
    tip: Tip
    scores: list[ThemeScore]
    suggested: list[str]
    written: bool = False
    nearest: ChapterMatch | None = None
    # No signal word and no chapter near enough: the editor has to choose by hand.
    unplaced: bool = False

    @property
    def added(self) -> list[str]:
        return [theme for theme in self.suggested if theme not in self.tip.themes]


def suggest_themes(
    path: Path, taxonomy: Taxonomy, content_dir: Path, write: bool = False
) -> ThemeSuggestion:
    """Score a tip against every theme; with `write`, add the suggested themes to its file.

    Themes already in the file are kept (an editor may have chosen one the signals miss);
    `write` only adds, and keeps the file's canonical place and format via `save_tip`.
    When no signal word fires, the nearest chapter (learnt from the other tips in
    `content_dir`) is shown, and suggested when the file lists no theme: an editor's own
    non-empty `themes` always win.
    """
    tip = load_tip(path)
    # The template's own TODO lines are not the tip's words: leave them out of the scores.
    body = "\n".join(line for line in tip.body.splitlines() if PLACEHOLDER not in line)
    scores = taxonomy.score(tip.title, body)
    suggested = taxonomy.classify(tip.title, body)
    nearest = None
    if not suggested:
        chapters = ChapterSimilarity(taxonomy, _other_tips(content_dir, path))
        nearest = chapters.nearest(tip.with_changes(body=body))
        if nearest is not None and not tip.themes:
            suggested = [nearest.theme]
    unplaced = not suggested and not tip.themes
    result = ThemeSuggestion(path, tip, scores, suggested, nearest=nearest, unplaced=unplaced)
    if write and result.added:
        if tip_path(content_dir, tip).resolve() != path.resolve():
            raise TipbookError(
                f"{display_path(path)} is not where its date and slug put it "
                f"({tip.relative_path}): run `tipbook check` and fix its name first"
            )
        chosen = set(tip.themes) | set(suggested)
        known = [theme for theme in taxonomy.ids if theme in chosen]
        unknown = [theme for theme in tip.themes if theme not in taxonomy]
        save_tip(content_dir, tip.with_changes(themes=known + unknown))
        result.written = True
    return result


def _other_tips(content_dir: Path, path: Path) -> list[Tip]:
    """Every readable tip below `content_dir` except the one at `path`."""
    me = path.resolve()
    others = [other for other in iter_tip_files(content_dir) if other.resolve() != me]
    return [tip for _, tip in readable_tips(content_dir, others)]


def theme_counts(content_dir: Path, taxonomy: Taxonomy) -> Counter[str]:
    """How many tips list each theme (tips that cannot be read are skipped: see `check`)."""
    tally = theme_tally(content_dir, taxonomy)
    return tally.published + tally.scheduled + tally.drafts


@dataclass
class ThemeTally:
    """Tips per theme, apart by state: on the site, dated after today, drafts."""

    published: Counter[str] = field(default_factory=Counter)
    scheduled: Counter[str] = field(default_factory=Counter)
    drafts: Counter[str] = field(default_factory=Counter)


def theme_tally(content_dir: Path, taxonomy: Taxonomy, today: dt.date | None = None) -> ThemeTally:
    """How many tips list each theme, published, scheduled (not a draft, dated after
    `today`) and drafts apart: a chapter shows only the first (unreadable tips: skipped)."""
    today = today or current_date()
    tally = ThemeTally()
    for _, tip in readable_tips(content_dir):
        counts = (
            tally.drafts if tip.draft else tally.scheduled if tip.date > today else tally.published
        )
        counts.update(theme for theme in set(tip.themes) if theme in taxonomy)
    return tally
