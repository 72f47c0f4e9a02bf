"""What staff could not find: the served box's unanswered queries logged (no addresses, off
by a setting, bounded, never in the site) and `tipbook search --report` over them."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from search_corpus import write_corpus

import search.querylog
from search.indexer import write_published_index
from search.querylog import QueryLog, unanswered
from tipbook.cli import main
from tipbook.config import load_config
from tipbook.content import iter_tip_files, load_tip
from tipbook.errors import TipbookError
from tipbook.server import make_server, serve


@pytest.fixture
def project(tmp_path: Path, repo_root: Path) -> Path:
    write_corpus(tmp_path / "content")
    shutil.copy(repo_root / "content" / "themes.yml", tmp_path / "content" / "themes.yml")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>Home</h1>", encoding="utf-8")
    # The index a build publishes beside its pages, which `tipbook serve` answers from.
    content = tmp_path / "content"
    write_published_index(
        tmp_path / "site",
        (
            (load_tip(path), path.relative_to(content).as_posix())
            for path in iter_tip_files(content)
        ),
        content,
    )
    return tmp_path


def write_config(project: Path, extra: str = "") -> Path:
    path = project / "tipbook.yml"
    path.write_text(
        "content_dir: content\nindex_dir: .tipbook/index\nsite_dir: site\n"
        "query_log: .tipbook/queries.jsonl\n" + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def running(project: Path) -> Iterator[str]:
    server = serve(load_config(write_config(project)), "127.0.0.1", 0)
    server.quiet = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


def test_served_queries_that_find_nothing_are_logged_without_who_asked(
    running: str, project: Path
) -> None:
    for query in ["xylophone", "xylophone", "Empthy  Superpowr", "empathy", "xylo"]:
        assert httpx.get(f"{running}/api/search", params={"q": query}).status_code == 200
    # The box says a result of "empathy" was opened (a beacon: POST, no body needed); once
    # per search answered, and never for what nobody searched (a script posting beacons).
    opened = httpx.post(f"{running}/api/opened", params={"q": "Empathy"})
    assert opened.status_code == 200 and opened.json() == {"logged": True}
    for query in ["Empathy", "marmalade"]:
        opened = httpx.post(f"{running}/api/opened", params={"q": query})
        assert opened.status_code == 200 and opened.json() == {"logged": False}
    assert httpx.post(f"{running}/api/opened").status_code == 400
    assert httpx.post(f"{running}/api/search", params={"q": "x"}).status_code == 405
    lines = (project / ".tipbook" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["q"] for e in entries] == [
        "xylophone", "xylophone", "empthy superpowr", "empathy", "xylo", "empathy"
    ]  # fmt: skip
    assert entries[2]["corrected"] == "empathy superpower"
    assert entries[3]["total"] > 0 and entries[5]["opened"] == 1
    allowed = {"day", "q", "total", "corrected", "opened"}
    assert all(set(e) <= allowed for e in entries)  # no address, no time, no result
    assert "127.0.0.1" not in "".join(lines)

    runner = CliRunner()
    config = str(project / "tipbook.yml")
    result = runner.invoke(main, ["--config", config, "search", "--report", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["query"], r["count"]) for r in rows] == [("xylophone", 2), ("empthy superpowr", 1)]
    assert "typo" in rows[1]["advice"]
    result = runner.invoke(main, ["--config", config, "search", "--report"])
    assert "xylophone" in result.stdout and "synonyms.yml" in result.stdout


def test_the_report_offers_the_nearest_chapter(project: Path) -> None:
    QueryLog(project / "q.jsonl").record("my blunder upset an irate customer", 0)
    (project / "tipbook.yml").write_text(
        "content_dir: content\nsite_dir: site\nquery_log: q.jsonl\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        main, ["--config", str(project / "tipbook.yml"), "search", "--report", "--json"]
    )
    [row] = json.loads(result.stdout)
    assert row["query"] == "my blunder upset an irate customer"
    assert row["chapter"] == "apology" and "nearest chapter" in row["advice"]


def test_logging_is_off_by_a_setting(project: Path) -> None:
    server = serve(
        load_config(write_config(project, "serve:\n  log_queries: false\n")), "127.0.0.1", 0
    )
    assert server.service is not None and server.service.query_log is None
    server.server_close()
    with pytest.raises(TipbookError, match="inside the site folder"):
        make_server(
            project / "site", port=0, content_dir=project / "content",
            index_dir=project / "index", query_log=project / "site" / "q.jsonl",
        )  # fmt: skip


def test_the_log_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search.querylog, "MAX_BYTES", 400)
    log = QueryLog(tmp_path / "q.jsonl")
    for number in range(40):
        log.record(f"query number {number}", 0)
    assert (tmp_path / "q.jsonl").stat().st_size <= 400
    assert (tmp_path / "q.jsonl.1").stat().st_size <= 400
    found = {u.query for u in unanswered(tmp_path / "q.jsonl", top=100)}
    assert "query number 39" in found and "query number 10" not in found  # the oldest went


def test_the_report_lists_queries_nobody_opened_with_a_synonym_set(project: Path) -> None:
    log = QueryLog(project / "q.jsonl")
    for query, total in [("irate caller", 3), ("irate caller", 3), ("empathy", 5)]:
        log.record(query, total)
    log.record_opened("empathy")
    log.record("mistakes", 0)
    (project / "tipbook.yml").write_text(
        "content_dir: content\nsite_dir: site\nquery_log: q.jsonl\n", encoding="utf-8"
    )
    config = str(project / "tipbook.yml")
    result = CliRunner().invoke(main, ["--config", config, "search", "report", "--json"])
    rows = json.loads(result.stdout)
    assert [(r["query"], r["count"], r["found"]) for r in rows] == [
        ("irate caller", 2, 3),
        ("mistakes", 1, 0),
    ]  # fmt: skip ("empathy" was opened: it answered)
    assert "none opened" in rows[0]["advice"]
    assert "errors" in rows[1]["synonyms"]  # related words (search.expansion's table)
    text = CliRunner().invoke(main, ["--config", config, "search", "report"]).stdout
    assert "nobody opened" in text and "a synonym set to consider: [mistakes, " in text


def test_an_address_or_a_long_number_typed_into_the_box_is_not_kept(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "queries.jsonl")
    log.record("refund for jane.doe@example.com order 0044 20 7946 0018", 0)
    log.record("call +1 (555) 123-4567 back", 2)
    log.record_opened("call +1 (555) 123-4567 back")
    kept = (tmp_path / "queries.jsonl").read_text(encoding="utf-8")
    assert "example.com" not in kept and "7946" not in kept and "555" not in kept
    entries = [json.loads(line) for line in kept.splitlines()]
    assert [entry["q"] for entry in entries] == [
        "refund for [redacted] order [redacted]",
        "call [redacted] back",
        "call [redacted] back",
    ]
