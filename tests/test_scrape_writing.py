"""Writing tips: outcomes, editors' files kept, moves, temp files, hostile titles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scraper.write import (
    ExistingTips,
    Outcome,
    body_hash,
    editor_changed,
    remove_stale_temp_files,
    scrape_fingerprint,
    write_tip,
)
from tipbook.content import iter_tip_files, load_tip
from tipbook.model import Tip

SOURCE = "https://cssamerica.com/listen-first-3-5-19/"


def tip(**changes: object) -> Tip:
    values: dict[str, object] = {
        "title": "Listen First",
        "date": dt.date(2019, 3, 5),
        "summary": "Listen before you answer.",
        "source": SOURCE,
        "body": "Listen before you answer.\n\nListen first.",
    }
    values.update(changes)
    return Tip(**values)  # type: ignore[arg-type]


def write(content: Path, new: Tip, force: bool = False) -> tuple[Outcome, Path]:
    return write_tip(content, new, ExistingTips.load(content), force)


def test_new_unchanged_updated(tmp_path: Path) -> None:
    outcome, path = write(tmp_path, tip())
    assert outcome is Outcome.NEW
    assert path == tmp_path / "tips" / "2019" / "2019-03-05-listen-first.md"
    saved = load_tip(path)
    assert saved.scrape_hash == scrape_fingerprint(saved) and not editor_changed(saved)
    mtime = path.stat().st_mtime_ns

    assert write(tmp_path, tip())[0] is Outcome.UNCHANGED
    assert path.stat().st_mtime_ns == mtime

    assert write(tmp_path, tip(body="Listen before you answer.\n\nListen well."))[0] is (
        Outcome.UPDATED
    )
    assert load_tip(path).body.endswith("Listen well.")


def test_an_editor_change_is_kept_unless_forced(tmp_path: Path) -> None:
    _, path = write(tmp_path, tip())
    text = path.read_text(encoding="utf-8").replace("Listen first.", "Listen first, always.")
    path.write_text(text, encoding="utf-8")

    assert write(tmp_path, tip())[0] is Outcome.KEPT
    assert path.read_text(encoding="utf-8") == text
    assert write(tmp_path, tip(), force=True)[0] is Outcome.UPDATED
    assert load_tip(path).body.endswith("Listen first.")


def test_an_editor_change_to_a_field_is_kept_too(tmp_path: Path) -> None:
    _, path = write(tmp_path, tip(themes=["communication"]))
    text = path.read_text(encoding="utf-8").replace("  - communication", "  - teamwork")
    path.write_text(text, encoding="utf-8")
    assert write(tmp_path, tip(themes=["communication"]))[0] is Outcome.KEPT
    assert load_tip(path).themes == ["teamwork"]


def test_files_with_a_body_only_hash_still_update(tmp_path: Path) -> None:
    _, path = write(tmp_path, tip())
    old = load_tip(path)
    text = path.read_text(encoding="utf-8").replace(old.scrape_hash, body_hash(old.body))
    path.write_text(text, encoding="utf-8")  # as written by the first scraper version
    assert not editor_changed(load_tip(path))
    assert write(tmp_path, tip(summary="Listen, then answer."))[0] is Outcome.UPDATED


def test_a_file_without_scrape_hash_belongs_to_an_editor(tmp_path: Path) -> None:
    _, path = write(tmp_path, tip())
    text = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("scrape_hash")
    )  # fmt: skip
    path.write_text(text + "\n", encoding="utf-8")
    assert write(tmp_path, tip())[0] is Outcome.KEPT


def test_editor_fields_survive_an_update(tmp_path: Path) -> None:
    _, path = write(tmp_path, tip())
    text = path.read_text(encoding="utf-8").replace("---\n\n", "draft: true\nowner: ana\n---\n\n")
    path.write_text(text, encoding="utf-8")
    write(tmp_path, tip(body="Listen before you answer.\n\nListen well."))
    saved = load_tip(path)
    assert saved.draft and saved.extra == {"owner": "ana"}


def test_a_retitled_tip_moves_instead_of_duplicating(tmp_path: Path) -> None:
    _, old = write(tmp_path, tip())
    outcome, new = write(tmp_path, tip(title="Listen First, Always"))
    assert outcome is Outcome.UPDATED and not old.exists()
    assert list(iter_tip_files(tmp_path)) == [new]


def test_two_tips_with_one_date_and_title_both_survive(tmp_path: Path) -> None:
    existing = ExistingTips.load(tmp_path)
    first = write_tip(tmp_path, tip(title="Holiday Poem"), existing)
    second = write_tip(tmp_path, tip(title="Holiday Poem", source=SOURCE + "again/"), existing)
    assert first == (Outcome.NEW, tmp_path / "tips" / "2019" / "2019-03-05-holiday-poem.md")
    assert second == (Outcome.NEW, tmp_path / "tips" / "2019" / "2019-03-05-holiday-poem-2.md")
    assert write(tmp_path, tip(title="Holiday Poem", source=SOURCE + "again/"))[0] is (
        Outcome.UNCHANGED
    )


def test_an_excerpt_does_not_replace_the_full_tip(tmp_path: Path) -> None:
    _, path = write(tmp_path, tip())
    before = path.read_bytes()
    outcome, _ = write(tmp_path, tip(body="Listen before …", excerpt_only=True))
    assert outcome is Outcome.UNCHANGED and path.read_bytes() == before


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    _, path = write(tmp_path, tip())
    stale = path.parent / f".{path.name}.abc123.tmp"
    stale.write_text("half a fi", encoding="utf-8")
    image = tmp_path / "media" / "hands-0123456789ab.png"
    image.parent.mkdir()
    image.write_bytes(b"\x89PNG")
    half_image = image.parent / f".{image.name}.x1y2.tmp"  # killed while writing an image
    half_image.write_bytes(b"\x89P")
    assert remove_stale_temp_files(tmp_path) == 2
    assert not stale.exists() and path.exists()
    assert not half_image.exists() and image.exists()


def test_the_door_is_written_after_the_source_and_read_back(tmp_path: Path) -> None:
    from tipbook.content import dumps_tip, parse_tip

    scraped = tip(via="rest")
    text = dumps_tip(scraped)
    keys = [line.split(":")[0] for line in text.splitlines()[1:] if ": " in line]
    assert keys[keys.index("source") + 1] == "via"
    loaded, problems = parse_tip(text)
    assert not problems and loaded == scraped and dumps_tip(loaded) == text
    assert "via" not in dumps_tip(tip())  # written only when known


def test_a_tip_read_through_another_door_is_updated_not_kept(tmp_path: Path) -> None:
    existing = ExistingTips()
    write_tip(tmp_path, tip(via="html"), existing)
    outcome, path = write_tip(tmp_path, tip(via="rest"), existing)
    assert outcome == Outcome.UPDATED  # the scraper's own change, not an editor's
    assert load_tip(path).via == "rest"
