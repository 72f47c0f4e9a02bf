"""The served search index of a build, written by a forked process while the pages render
(`tipbook.site.served_index`): the same index as one written in the build's own process,
its failure the build's failure, and no fork while another thread runs."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from search_corpus import TIPS, write_corpus

from search import PUBLISHED_INDEX
from search.indexer import open_index
from tipbook.errors import TipbookError
from tipbook.model import Tip
from tipbook.site.served_index import ServedIndexJob


def published(tmp_path: Path) -> tuple[Path, list[tuple[Tip, str]]]:
    content = tmp_path / "content"
    paths = write_corpus(content)
    files = [path.relative_to(content).as_posix() for path in paths]
    return content, list(zip(TIPS, files, strict=True))


def stored(site: Path) -> list[dict[str, object]]:
    with open_index(site / PUBLISHED_INDEX).searcher() as searcher:
        return sorted((dict(fields) for fields in searcher.all_stored_fields()), key=str)


def test_a_forked_writer_writes_the_same_index(tmp_path: Path) -> None:
    content, tips = published(tmp_path)
    forked, here = tmp_path / "forked", tmp_path / "here"
    job = ServedIndexJob()
    job.start(forked, tips, content, fork=True)
    assert job.pid  # a child process writes it
    job.finish()
    other = ServedIndexJob()
    other.start(here, tips, content, fork=False)
    assert not other.pid
    other.finish()
    assert len(stored(forked)) == len(TIPS)
    assert stored(forked) == stored(here)


def test_a_failed_writer_fails_the_build_with_its_reason(tmp_path: Path) -> None:
    content, tips = published(tmp_path)
    site = tmp_path / "site"
    site.write_text("a file where the site folder should be", encoding="utf-8")
    job = ServedIndexJob()
    job.start(site, tips, content, fork=True)
    assert job.pid
    with pytest.raises(TipbookError, match="writing the search index of the site failed: .*"):
        job.finish()


def test_no_fork_while_another_thread_runs(tmp_path: Path) -> None:
    content, tips = published(tmp_path)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        job = ServedIndexJob()
        job.start(tmp_path / "site", tips, content, fork=True)
        assert not job.pid  # written in this process, at finish
        job.finish()
    finally:
        release.set()
        other.join()
    assert len(stored(tmp_path / "site")) == len(TIPS)


def test_a_cancelled_writer_is_gone(tmp_path: Path) -> None:
    content, tips = published(tmp_path)
    job = ServedIndexJob()
    job.start(tmp_path / "site", tips, content, fork=True)
    pid = job.pid
    job.cancel()
    assert not job.pid
    with pytest.raises(ChildProcessError):  # reaped: no process left behind
        os.waitpid(pid, 0)
    job.finish()  # nothing left to wait for
