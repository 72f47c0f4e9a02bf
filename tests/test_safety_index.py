"""The search index keeps its promise when a rebuild is killed: the half-built generation
is cleaned by the next run, and the generation readers may still hold is never deleted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from site_corpus import REPO_ROOT

from benchmarks.generate import generate_corpus
from search.indexer import PREVIOUS_FILE, current_generation, update_index
from search.query import TipSearcher

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def generations(index_dir: Path) -> set[str]:
    return {p.name for p in index_dir.glob("gen-*")}


def kill_a_rebuild(root: Path, index_dir: Path) -> str:
    """Start `tipbook index --rebuild`, SIGKILL it once its new generation folder exists;
    return that folder's name."""
    before = generations(index_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "tipbook", "--config", str(root / "tipbook.yml")]
        + ["index", "--rebuild"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not generations(index_dir) - before:
        assert process.poll() is None and time.monotonic() < deadline, "no rebuild started"
        time.sleep(0.002)
    time.sleep(0.2)  # a few tips in
    assert process.poll() is None, "the rebuild finished before it could be killed"
    process.kill()
    process.wait(timeout=30)
    (partial,) = generations(index_dir) - before
    return partial


def test_a_killed_rebuild_is_cleaned_and_readers_keep_their_generation(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    generate_corpus(content, 400)
    (tmp_path / "tipbook.yml").write_text(
        "content_dir: content\nindex_dir: index\ncache_dir: cache\n", encoding="utf-8"
    )
    index_dir = tmp_path / "index"
    update_index(content, index_dir)
    first = current_generation(index_dir).name
    update_index(content, index_dir, rebuild=True)
    second = current_generation(index_dir).name
    assert (index_dir / PREVIOUS_FILE).read_text().strip() == first

    # A reader opens the live generation, then a rebuild is killed half-way.
    reader = TipSearcher(index_dir)
    try:
        total = reader.search("customer").total
        partial = kill_a_rebuild(tmp_path, index_dir)
        assert generations(index_dir) == {first, second, partial}
        assert current_generation(index_dir).name == second

        # The next run (a plain update) cleans the half generation, keeps the others.
        update_index(content, index_dir)
        assert generations(index_dir) == {first, second}

        # A finished rebuild: the generation the reader holds becomes the previous one
        # and stays; the one before goes.
        update_index(content, index_dir, rebuild=True)
        third = current_generation(index_dir).name
        assert generations(index_dir) == {second, third}
        assert reader.search("customer").total == total
    finally:
        reader.close()


def test_tip_files_linked_from_outside_content_are_not_indexed(tmp_path: Path) -> None:
    from search_corpus import write_corpus

    content = tmp_path / "content"
    write_corpus(content)
    outside = tmp_path / "outside"
    outside.mkdir()
    leaked = next(content.rglob("*.md")).read_text().replace("\n---\n", "\n---\n\nzanzibar\n", 1)
    (outside / "secret.md").write_text(leaked)
    year = next((content / "tips").iterdir())
    (year / "2020-01-07-secret.md").symlink_to(outside / "secret.md")
    (year / "2020-01-14-loop.md").symlink_to("2020-01-14-loop.md")
    (year / "2020-01-21-inside.md").symlink_to(next(year.glob("*.md")).name)
    update_index(content, tmp_path / "index")
    searcher = TipSearcher(tmp_path / "index")
    try:
        assert searcher.search("zanzibar").total == 0
    finally:
        searcher.close()
