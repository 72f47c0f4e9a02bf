"""The search index: built, updated incrementally, rebuilt when damaged, safe for readers."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from search_corpus import TIPS, by_title, write_corpus

from benchmarks.generate import generate_corpus
from search.indexer import CURRENT_FILE, MANIFEST_FILE, current_generation, update_index
from search.query import SearchOptions, TipSearcher, search_tips
from tipbook.config import load_config
from tipbook.content import save_tip


@pytest.fixture
def content(tmp_path: Path) -> Path:
    content_dir = tmp_path / "content"
    write_corpus(content_dir)
    return content_dir


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / ".tipbook" / "index"


def ids(index_dir: Path, query: str) -> list[str]:
    return [hit.id for hit in search_tips(index_dir, query, SearchOptions(limit=50)).hits]


def test_first_update_builds_everything(content: Path, index_dir: Path) -> None:
    report = update_index(content, index_dir)
    assert report.rebuilt and "no search index" in report.reason
    assert (report.added, report.total, report.problems) == (len(TIPS), len(TIPS), [])
    generation = current_generation(index_dir)
    assert (index_dir / CURRENT_FILE).read_text().strip() == generation.name
    manifest = json.loads((generation / MANIFEST_FILE).read_text())
    assert len(manifest["files"]) == len(TIPS)
    assert all(key.startswith("content/tips/") for key in manifest["files"])


def test_unchanged_content_writes_nothing(content: Path, index_dir: Path) -> None:
    update_index(content, index_dir)
    generation = current_generation(index_dir)
    files_before = sorted(p.name for p in generation.iterdir())
    report = update_index(content, index_dir)
    assert not report.rebuilt
    assert (report.changed, report.unchanged, report.total) == (0, len(TIPS), len(TIPS))
    assert current_generation(index_dir) == generation
    assert sorted(p.name for p in generation.iterdir()) == files_before


def test_a_touched_file_is_hashed_not_reindexed(content: Path, index_dir: Path) -> None:
    update_index(content, index_dir)
    path = next((content / "tips").rglob("*.md"))
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    report = update_index(content, index_dir)
    assert (report.changed, report.unchanged) == (0, len(TIPS))


def test_edits_additions_and_removals_are_applied(content: Path, index_dir: Path) -> None:
    update_index(content, index_dir)
    compassion = by_title("Convey Compassion in Customer Service")
    path, _ = save_tip(content, compassion.with_changes(body="Wombats deserve compassion too."))
    new_tip = by_title("Apply Selfless Service").with_changes(
        title="Greet Every Visitor", slug="greet-every-visitor", body="Greet with a smile."
    )
    save_tip(content, new_tip)
    removed, _ = save_tip(content, by_title("Re-Invigorate Your Clients"))
    removed.unlink()

    report = update_index(content, index_dir)
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert report.total == len(TIPS)
    assert ids(index_dir, "wombats") == [compassion.id]
    assert compassion.id not in ids(index_dir, '"eye contact"')
    assert ids(index_dir, "greet") == [new_tip.id]
    assert ids(index_dir, "enthusiasm") == []


def test_invalid_files_are_reported_and_left_out(content: Path, index_dir: Path) -> None:
    bad = content / "tips" / "2020" / "2020-01-07-broken.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\ntitle: Broken\ndate: not-a-date\n---\nWombats.\n", encoding="utf-8")
    report = update_index(content, index_dir)
    assert report.total == len(TIPS)
    assert len(report.problems) == 1
    assert "2020-01-07-broken.md" in report.problems[0].path
    assert "date" in str(report.problems[0])
    # Reported again on every update until fixed, then indexed.
    assert len(update_index(content, index_dir).problems) == 1
    bad.write_text("---\ntitle: Broken\ndate: 2020-01-07\n---\nWombats.\n", encoding="utf-8")
    report = update_index(content, index_dir)
    assert (report.added, report.problems) == (1, [])
    assert ids(index_dir, "wombats") == ["2020-01-07-broken"]


def test_a_tip_that_becomes_invalid_leaves_the_index(content: Path, index_dir: Path) -> None:
    update_index(content, index_dir)
    path, _ = save_tip(content, by_title("Re-Invigorate Your Clients"))
    path.write_text("no front matter at all\n", encoding="utf-8")
    report = update_index(content, index_dir)
    assert len(report.problems) == 1
    assert report.total == len(TIPS) - 1
    assert ids(index_dir, "enthusiasm") == []


def test_rebuild_switches_generation_and_keeps_the_previous(content: Path, index_dir: Path) -> None:
    update_index(content, index_dir)
    first = current_generation(index_dir)
    report = update_index(content, index_dir, rebuild=True)
    assert report.rebuilt and report.reason == "rebuild requested"
    second = current_generation(index_dir)
    assert second != first and first.is_dir()  # a reader may still use the previous one
    update_index(content, index_dir, rebuild=True)
    assert not first.exists()
    assert len(list(index_dir.glob("gen-*"))) == 2
    assert len(ids(index_dir, "empathy")) >= 3


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("toc", "damaged"),
        ("manifest-version", "another version"),
        ("manifest-garbage", "manifest"),
        ("current", "damaged"),
    ],
)
def test_damaged_or_outdated_index_is_rebuilt(
    content: Path, index_dir: Path, damage: str, reason: str
) -> None:
    update_index(content, index_dir)
    generation = current_generation(index_dir)
    if damage == "toc":
        for toc in generation.glob("*.toc"):
            toc.write_bytes(b"\x00garbage" * 10)
    elif damage == "manifest-version":
        manifest = json.loads((generation / MANIFEST_FILE).read_text())
        manifest["schema"] = -1
        (generation / MANIFEST_FILE).write_text(json.dumps(manifest))
    elif damage == "manifest-garbage":
        (generation / MANIFEST_FILE).write_text("{not json")
    else:
        (index_dir / CURRENT_FILE).write_text("gen-404\n")
    report = update_index(content, index_dir)
    assert report.rebuilt
    assert reason in report.reason
    assert report.total == len(TIPS)
    assert by_title("Re-Invigorate Your Clients").id in ids(index_dir, "enthusiasm")


def test_readers_follow_updates_and_rebuilds(content: Path, index_dir: Path) -> None:
    update_index(content, index_dir)
    searcher = TipSearcher(index_dir)
    try:
        assert searcher.search("wombats").total == 0
        save_tip(content, by_title("Apply Selfless Service").with_changes(body="Wombats!"))
        update_index(content, index_dir)
        assert searcher.search("wombats").total == 1
        update_index(content, index_dir, rebuild=True)
        assert searcher.search("wombats").total == 1
    finally:
        searcher.close()


def test_concurrent_updates_and_searches_stay_consistent(content: Path, index_dir: Path) -> None:
    update_index(content, index_dir)
    errors: list[BaseException] = []
    totals: list[int] = []

    def work(rebuild: bool) -> None:
        try:
            totals.append(update_index(content, index_dir, rebuild=rebuild).total)
            totals.append(search_tips(index_dir, "customer", SearchOptions(limit=1)).total)
        except BaseException as error:  # collected: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i % 3 == 0,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(totals) == 12
    assert all(total >= 4 for total in totals)
    assert update_index(content, index_dir).total == len(TIPS)


def test_update_index_takes_the_configuration(tmp_path: Path, content: Path) -> None:
    (tmp_path / "tipbook.yml").write_text("index_dir: build/idx\n", encoding="utf-8")
    config = load_config(tmp_path / "tipbook.yml")
    report = update_index(config)
    assert report.index_dir == tmp_path / "build" / "idx"
    assert report.total == len(TIPS)


def test_a_manifest_older_than_the_index_causes_no_duplicates(
    content: Path, index_dir: Path
) -> None:
    update_index(content, index_dir)
    manifest_file = current_generation(index_dir) / MANIFEST_FILE
    before = manifest_file.read_text()
    new_tip = by_title("Apply Selfless Service").with_changes(
        title="Greet Every Visitor", slug="greet-every-visitor", body="Greet with a smile."
    )
    save_tip(content, new_tip)
    update_index(content, index_dir)
    manifest_file.write_text(before)  # as if the process died between commit and manifest
    report = update_index(content, index_dir)
    assert report.added == 1  # seen as new again…
    assert report.total == len(TIPS) + 1  # …but replaced, not added twice
    assert ids(index_dir, "greet") == [new_tip.id]


def test_an_unwritable_index_folder_is_a_clear_error(content: Path, tmp_path: Path) -> None:
    from tipbook.errors import TipbookError

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    with pytest.raises(TipbookError, match="cannot write the search index"):
        update_index(content, blocker / "index")


def test_a_searcher_kept_open_follows_deletes_and_re_adds(tmp_path: Path) -> None:
    """A long-lived searcher (`tipbook serve`, the preview) after a tip is held back (bad
    front matter), fixed, and deleted: Whoosh's `Searcher.refresh()` kept the deleted
    version found, so the fixed tip was found twice and a deleted one stayed."""
    generate_corpus(tmp_path / "content", 5)
    tip = sorted((tmp_path / "content").rglob("tips/**/*.md"))[2]
    text = tip.read_text(encoding="utf-8").replace("\n\n", "\n\nzzuniqueword here.\n\n", 1)
    tip.write_text(text, encoding="utf-8")
    update_index(tmp_path / "content", tmp_path / "index")
    searcher = TipSearcher(tmp_path / "index")
    try:
        found = []
        for content in (text.replace("---\ntitle", "---\ntitle: [broken", 1), text, None):
            if content is None:
                tip.unlink()
            else:
                tip.write_text(content, encoding="utf-8")
            update_index(tmp_path / "content", tmp_path / "index")
            found.append(searcher.search("zzuniqueword", include_unpublished=True).total)
        assert found == [0, 1, 0]
    finally:
        searcher.close()
