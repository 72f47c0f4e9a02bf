"""`tipbook scrape` end to end: summary, exit codes, clear errors, kill and resume."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from mirror_fixtures import REAL_SITE, THEMES_FILE, MirrorSite

from benchmarks.mirror.build import CATEGORY
from benchmarks.mirror.server import Fault
from tipbook.cli import main
from tipbook.content import iter_tip_files, load_tip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tipbook.yml with its own content and cache folders, no delay, one retry."""
    (tmp_path / "content").mkdir()
    shutil.copy(THEMES_FILE, tmp_path / "content" / "themes.yml")
    (tmp_path / "tipbook.yml").write_text(
        "content_dir: content\ncache_dir: cache\nscrape:\n  delay: 0\n  retries: 1\n  timeout: 5\n",
        encoding="utf-8",
    )
    return tmp_path


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(project / "tipbook.yml"), "scrape", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/tag/empathy/"


def test_scrape_writes_every_tip_and_prints_a_summary(
    mirror_site: MirrorSite, project: Path
) -> None:
    code, output = run(project, *mirror_site.all_urls, "--source-base", REAL_SITE, "-v")
    assert code == 0, output
    assert len(list(iter_tip_files(project / "content"))) == 40
    lines = output.splitlines()
    header = next(line for line in lines if "excerpt-only" in line)
    assert header.split() == ["new", "┃", "updated", "┃", "unchanged", "┃", "kept", "┃"] + [
        "excerpt-only",
        "┃",
        "failed",
    ]
    values = lines[lines.index(header) + 2].replace("│", " ").split()
    assert values == ["40", "0", "0", "0", "29", "0"]
    assert any(line.startswith("page 1: http://127.0.0.1") for line in lines)  # plain lines
    assert "theme retention: re-invigorate×5" in output  # -v explains themes
    assert "Traceback" not in output


def test_a_bad_url_is_a_usage_error(project: Path) -> None:
    code, output = run(project, "cssamerica.com/tag/empathy")
    assert code == 2
    assert "'cssamerica.com/tag/empathy' is not a web address" in output
    assert "Traceback" not in output


def test_an_unreachable_url_is_one_clear_message(project: Path) -> None:
    url = closed_port_url()
    code, output = run(project, url)
    assert code == 1
    assert f"failed {url}: cannot connect" in output.replace("\n", " ")
    assert "Traceback" not in output


def test_a_failed_page_exits_1_and_the_rest_is_written(
    mirror_site: MirrorSite, project: Path
) -> None:
    page2 = f"/category/{CATEGORY}/page/2/"
    mirror_site.server.fail(page2, Fault(status=500), Fault(status=500))
    code, output = run(
        project,
        mirror_site.url(f"/category/{CATEGORY}/"),
        "--source-base",
        REAL_SITE,
        "--via",
        "html",  # the theme's pages, page by page
    )
    assert code == 1
    assert f"failed {mirror_site.url(page2)}: HTTP 500 after 2 tries" in output
    # Page 1: three posts and the ten widget tips, one of which is among the posts.
    assert len(list(iter_tip_files(project / "content"))) == 12


def test_offline_with_an_empty_cache_fails_clearly(mirror_site: MirrorSite, project: Path) -> None:
    code, output = run(project, mirror_site.url("/tag/caring/"), "--offline")
    assert code == 1
    assert "not in the cache (no earlier run fetched it): run without --offline" in output
    assert mirror_site.server.requests == []


def test_killed_mid_run_leaves_no_partial_file_and_resumes(
    mirror_site: MirrorSite, project: Path
) -> None:
    content = project / "content"
    command = [
        str(Path(sys.executable).with_name("tipbook")),
        "--config",
        str(project / "tipbook.yml"),
        "scrape",
        *mirror_site.all_urls,
        "--source-base",
        REAL_SITE,
        "--delay",
        "0.05",
        "--concurrency",
        "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(list(iter_tip_files(content))) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    written = list(iter_tip_files(content))
    assert 5 <= len(written) < 40, "the run was not interrupted mid-way"
    for path in written:
        load_tip(path)  # every file present is complete and valid

    code, output = run(project, *mirror_site.all_urls, "--source-base", REAL_SITE)

    assert code == 0, output
    assert len(list(iter_tip_files(content))) == 40
    assert not list(content.rglob("*.tmp"))  # temp files of the killed run are cleaned up
    for path in iter_tip_files(content):
        load_tip(path)


def test_no_url_crawls_the_configured_start_urls_and_offline_asks_nothing(
    mirror_site: MirrorSite, project: Path
) -> None:
    config = project / "tipbook.yml"
    urls = "".join(f"\n    - {url}" for url in mirror_site.start_urls)
    config.write_text(config.read_text(encoding="utf-8") + f"  start_urls:{urls}\n", "utf-8")

    code, output = run(project, "--source-base", REAL_SITE)
    assert code == 0, output
    assert len(list(iter_tip_files(project / "content"))) == 39  # all but the external article

    mirror_site.server.clear_log()
    code, output = run(project, "--source-base", REAL_SITE, "--offline")
    assert code == 0, output
    assert mirror_site.server.requests == []
    assert "0 request(s)" in output


def test_the_readme_command_table_lists_every_scrape_option(repo_root: Path) -> None:
    from tipbook.commands.scrape import command

    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `tipbook scrape "))
    options = [opt for param in command.params for opt in param.opts if opt.startswith("-")]
    missing = [opt for opt in options if f"[{opt}" not in row and f"{opt}]" not in row]
    assert missing == ["--verbose"] or not missing, missing  # `-v` stands for it
    for door in ("rest", "feed", "html"):
        assert door in row.split("--via", 1)[1].split("]", 1)[0]


def test_an_unknown_door_is_a_usage_error(project: Path) -> None:
    code, output = run(project, "--via", "ftp", "https://example.org/tag/x/")
    assert code == 2
    assert "'ftp' is not one of" in output


def test_plan_of_an_unreachable_site_exits_1_with_the_reason(project: Path) -> None:
    url = closed_port_url()
    code, output = run(project, "--plan", url)
    assert code == 1
    assert url in output and "cannot read it" in output and "cannot connect" in output
    assert "Traceback" not in output
