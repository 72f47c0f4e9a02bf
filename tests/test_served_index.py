"""The served search index of a build, written by a forked process while the pages render
(`tipbook.site.served_index`): the same index as one written in the build's own process,
its failure the build's failure, and no fork while another thread runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from search_corpus import TIPS, write_corpus

from search import PUBLISHED_INDEX
from search.indexer import open_index
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


def in_one_thread(tmp_path: Path, body: str) -> dict[str, object]:
    """Run `body` in a new Python process, the only thread in it (pytest-xdist's worker runs
    threads of its own, where the job rightly never forks); its `result` dict comes back."""
    script = (
        textwrap.dedent(
            f"""
        import json, os, sys
        from pathlib import Path
        from search_corpus import TIPS, write_corpus
        from tipbook.site.served_index import ServedIndexJob
        from tipbook.errors import TipbookError
        tmp_path = Path({str(tmp_path)!r})
        content = tmp_path / "content"
        paths = write_corpus(content)
        tips = list(zip(TIPS, [p.relative_to(content).as_posix() for p in paths], strict=True))
        result = {{}}
        """
        )
        + textwrap.dedent(body)
        + "\nprint(json.dumps(result))\n"
    )
    tests = Path(__file__).parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), str(tests.parent)])}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def test_a_forked_writer_writes_the_same_index(tmp_path: Path) -> None:
    result = in_one_thread(
        tmp_path,
        """
        job = ServedIndexJob()
        job.start(tmp_path / "forked", tips, content, fork=True)
        result["forked"] = job.pid != 0  # a child process writes it
        job.finish()
        """,
    )
    assert result["forked"]
    _, tips = published(tmp_path / "again")
    here = ServedIndexJob()
    here.start(tmp_path / "here", tips, tmp_path / "again" / "content", fork=False)
    assert not here.pid
    here.finish()
    assert len(stored(tmp_path / "forked")) == len(TIPS)
    assert stored(tmp_path / "forked") == stored(tmp_path / "here")


def test_a_failed_writer_fails_the_build_with_its_reason(tmp_path: Path) -> None:
    result = in_one_thread(
        tmp_path,
        """
        site = tmp_path / "site"
        site.write_text("a file where the site folder should be", encoding="utf-8")
        job = ServedIndexJob()
        job.start(site, tips, content, fork=True)
        result["forked"] = job.pid != 0
        try:
            job.finish()
        except TipbookError as error:
            result["error"] = str(error)
        """,
    )
    assert result["forked"]
    assert str(result.get("error", "")).startswith("writing the search index of the site failed: ")


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
    result = in_one_thread(
        tmp_path,
        """
        job = ServedIndexJob()
        job.start(tmp_path / "site", tips, content, fork=True)
        pid = job.pid
        result["forked"] = pid != 0
        job.cancel()
        result["cleared"] = not job.pid
        try:
            os.waitpid(pid, 0)
            result["reaped"] = False
        except ChildProcessError:  # reaped: no process left behind
            result["reaped"] = True
        job.finish()  # nothing left to wait for
        """,
    )
    assert result == {"forked": True, "cleared": True, "reaped": True}
