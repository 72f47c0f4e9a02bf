"""A build replaces the site whole or not at all, and publishes only content/.

Real `tipbook build` processes on generated tips (the build made to fork its worker even for
a few), killed with SIGKILL at several points: the site must stay the old one byte for
byte, no worker may outlive its build, and the next build cleans what they left. Each point
is reached by watching the build, and the build is stopped (SIGSTOP) the moment it is
reached, so the kill finds it there however fast the machine: no big corpus to make the
build outlast a sleep.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from site_corpus import REPO_ROOT

from benchmarks.generate import generate_corpus
from tipbook import publish
from tipbook.cli import main
from tipbook.config import load_config
from tipbook.errors import TipbookError
from tipbook.site import build_site

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc"),
]
TIPS = 60  # the builds to kill: enough pages for the worker to be mid-render when stopped
# `tipbook build` as the command line runs it, forking its render worker whatever the number
# of pages (below `MIN_PAGES` a build renders in one process).
FORKING_BUILD = (
    "from tipbook.site import parallel; parallel.MIN_PAGES = 1\n"
    "from tipbook.cli import main; main()"
)


def make_project(root: Path, tips: int) -> Path:
    generate_corpus(root / "content", tips)
    shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "overrides", root / "overrides")
    (root / "tipbook.yml").write_text(
        "site_name: Safety Handbook\ncontent_dir: content\nsite_dir: site\n"
        "cache_dir: .tipbook/cache\nindex_dir: .tipbook/index\n",
        encoding="utf-8",
    )
    return root


def tree_hash(site: Path) -> str:
    """One digest of every path and every file's bytes below `site`."""
    digest = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        digest.update(path.relative_to(site).as_posix().encode() + b"\0")
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def start_build(project: Path, *options: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TIPBOOK_BUILD_PROCESSES": "2", "PYTHONPATH": str(REPO_ROOT)}
    config = str(project / "tipbook.yml")
    return subprocess.Popen(
        [sys.executable, "-c", FORKING_BUILD, "--config", config, "build", *options],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def is_pagefind(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"pagefind" in cmdline.read()
    except OSError:
        return False


def wait_for_worker(process: subprocess.Popen[str], timeout: float = 60.0) -> int:
    """The forked MkDocs worker (the build also runs Pagefind, the static search indexer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        found = [pid for pid in children(process.pid) if not is_pagefind(pid)]
        if found:
            # A child between fork and exec still looks like Python: Pagefind's shows what
            # it is a moment later, the worker stays a fork.
            time.sleep(0.05)
            found = [pid for pid in found if alive(pid) and not is_pagefind(pid)]
        if found:
            return found[0]
        time.sleep(0.005)
    raise AssertionError("the build never forked its worker")


def stop(process: subprocess.Popen[str]) -> None:
    """Freeze the build's main process where it is (it alone publishes: stopped, it cannot
    finish); its children run on. Fails the test if the build had already ended."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGSTOP)
    if process.poll() is not None:
        pytest.fail("the build finished before it could be stopped")


def staging_dirs(project: Path) -> list[Path]:
    return sorted(project.glob(".site.building-*"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The old site: any site will do, so a small one.
    root = make_project(tmp_path_factory.mktemp("killed"), 12)
    done = start_build(root)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    # The builds to kill: long enough to be killed at each point, and forking their worker.
    generate_corpus(root / "content", TIPS)
    # The next builds would publish a different site: an edited tip.
    tip = sorted((root / "content" / "tips").rglob("*.md"))[-1]
    tip.write_text(tip.read_text(encoding="utf-8") + "\nA sentence the old site lacks.\n")
    return root


@pytest.mark.parametrize("point", ["early", "at-fork", "fork+0.2s", "fork+0.6s", "late"])
def test_killing_the_build_keeps_the_old_site(project: Path, point: str) -> None:
    site = project / "site"
    before = tree_hash(site)
    left = set(staging_dirs(project))  # by earlier kills: the build cleans them first
    process = start_build(project)
    if point == "early":  # its own build folder exists; no worker yet
        deadline = time.monotonic() + 60
        while not set(staging_dirs(project)) - left and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.002)
        stop(process)
        worker = None
    elif point == "late":
        # Just before the swap: the worker has finished (its pages are all written), the
        # main process is finishing its own.
        worker = wait_for_worker(process)
        while alive(worker) and process.poll() is None:
            time.sleep(0.001)
        stop(process)
    else:
        worker = wait_for_worker(process)
        stop(process)  # the worker renders on for `pause`; the build cannot finish
        time.sleep({"at-fork": 0.0, "fork+0.2s": 0.2, "fork+0.6s": 0.6}[point])
    family = children(process.pid)  # the worker, Pagefind: every process of the build
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 1
    while any(alive(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not [pid for pid in family if alive(pid)], "a process outlived its build"
    if worker is not None:
        assert not alive(worker), "the worker outlived its build"
    assert tree_hash(site) == before
    assert "A sentence the old site lacks" not in "".join(
        p.read_text(encoding="utf-8") for p in site.glob("tips/*/*/index.html")
    )


def test_killing_the_worker_fails_the_build_and_keeps_the_old_site(project: Path) -> None:
    site = project / "site"
    before = tree_hash(site)
    process = start_build(project)
    worker = wait_for_worker(process)
    stop(process)  # so the worker is killed mid-render, before the build could finish
    os.kill(worker, signal.SIGKILL)
    os.kill(process.pid, signal.SIGCONT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "killed by signal 9" in err and "Traceback" not in err
    assert tree_hash(site) == before


def test_the_next_build_cleans_the_leftovers_and_publishes(project: Path) -> None:
    # Whatever the kills above left (they ran first in this module), plus one by hand.
    (project / ".site.building-by-hand").mkdir(exist_ok=True)
    (project / ".site.building-by-hand" / "index.html").write_text("half")
    assert staging_dirs(project)
    process = start_build(project)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "A sentence the old site lacks" in "".join(
        p.read_text(encoding="utf-8") for p in (project / "site").glob("tips/*/*/index.html")
    )
    # The old site is deleted in the background: give it a moment.
    deadline = time.monotonic() + 30
    while staging_dirs(project) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert staging_dirs(project) == []


def test_killing_the_build_while_pagefind_runs_takes_pagefind_along(project: Path) -> None:
    """Pagefind (the static search indexer) is a child of the build: SIGKILL of the build
    must not leave it running on as an orphan."""
    process = start_build(project)
    deadline = time.monotonic() + 120
    helpers: list[int] = []
    while not helpers and process.poll() is None:
        assert time.monotonic() < deadline, "Pagefind never started"
        helpers = [pid for pid in children(process.pid) if is_pagefind(pid)]
        time.sleep(0.002)
    stop(process)  # Pagefind runs on, as it would if the build were killed now
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 2
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not [pid for pid in helpers if alive(pid)], "Pagefind outlived its build"


def test_no_helper_program_is_started_with_a_preexec_fn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind is started from a thread, where Python documents `preexec_fn` as unsafe:
    it dies with the build through a wrapper program (`setpriv --pdeathsig`) instead."""
    root = make_project(tmp_path, 12)
    started: list[tuple[list[str], object]] = []
    real_popen = subprocess.Popen

    class RecordingPopen(real_popen):  # type: ignore[misc,valid-type]
        def __init__(self, args: list[str], *rest: object, **options: object) -> None:
            started.append(([str(a) for a in args], options.get("preexec_fn")))
            super().__init__(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", RecordingPopen)
    build_site(load_config(root / "tipbook.yml"))
    publish.wait_for_deletions()
    pagefind = [args for args, _ in started if any("pagefind" in a for a in args)]
    assert pagefind, "the build never ran Pagefind"
    assert [preexec for _, preexec in started] == [None] * len(started)
    wrapper = [shutil.which("setpriv"), "--pdeathsig", "KILL"]
    if wrapper[0]:
        assert all(args[:3] == wrapper for args in pagefind)


BESIDE_A_THREAD = """
import os, threading
from tipbook.site import parallel

os.environ["TIPBOOK_BUILD_PROCESSES"] = "2"
assert parallel.should_fork(10_000) and parallel.may_fork(), "one thread: a build may fork"
answers = []
thread = threading.Thread(target=lambda: answers.append(parallel.should_fork(10_000)))
thread.start()
thread.join()
assert answers == [False], "a build in another thread forked"
release = threading.Event()
bystander = threading.Thread(target=release.wait)
bystander.start()
try:
    assert not parallel.should_fork(10_000), "the main thread forked beside a live thread"
    assert not parallel.may_fork()
finally:
    release.set()
    bystander.join()
assert parallel.may_fork()
print("HELD")
"""


def test_a_build_beside_another_thread_never_forks() -> None:
    """`tipbook serve`'s scheduled rebuild runs in a thread beside the server's, and a program
    may call `build_site` from its main thread while its own threads run: a fork in either
    would copy locks those threads hold, so such a build renders in one process. Asked in
    a fresh process: this one keeps the session's threads (Playwright's, loopback servers)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", BESIDE_A_THREAD], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "HELD" in done.stdout, done.stderr[-2000:]


def test_a_failing_build_keeps_the_old_site(tmp_path: Path) -> None:
    root = make_project(tmp_path, 12)
    config = load_config(root / "tipbook.yml")
    site = build_site(config).site_dir
    (site / ".git").mkdir()  # hidden entries of the site stay, as with MkDocs
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    before = tree_hash(site)
    tip = sorted(config.content_dir.rglob("*.md"))[0]
    tip.write_text(tip.read_text().replace("date: ", "date: 2024-02-30 #", 1))
    process = start_build(root, "--strict")  # without it, the tip is held back
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert tip.name in err and "date" in err and "Traceback" not in err
    assert tree_hash(site) == before
    # Fixed, it builds: the new site replaces the old one and keeps its hidden entries.
    tip.write_text(tip.read_text().replace("date: 2024-02-30 #", "date: ", 1))
    build_site(config)
    publish.wait_for_deletions()
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (site / "index.html").is_file() and staging_dirs(root) == []


def test_the_site_folder_is_swapped_not_emptied(tmp_path: Path) -> None:
    """The folder `site/` is replaced in one step: a handle opened on the old site keeps
    seeing the old site whole (the old code deleted its files as the build started)."""
    root = make_project(tmp_path, 12)
    config = load_config(root / "tipbook.yml")
    site = build_site(config).site_dir
    old = os.open(site, os.O_RDONLY)
    try:
        names = sorted(os.listdir(old))
        new = build_site(config).site_dir
        assert new == site and sorted(os.listdir(site)) == names
        assert os.stat(site).st_ino != os.fstat(old).st_ino
    finally:
        os.close(old)
    publish.wait_for_deletions()


def test_a_site_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path, 3)
    (root / "site").write_text("not a folder")
    with pytest.raises(TipbookError, match="is not a folder"):
        build_site(load_config(root / "tipbook.yml"))
    assert (root / "site").read_text() == "not a folder"


# --- only content/ is published ----------------------------------------------------------


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`tipbook --config project/tipbook.yml ARGS` run in this process from the project's
    folder (click's runner: no interpreter to start, tipbook already imported), as a
    finished process: its exit code, stdout and stderr, where an exception the command let
    escape shows as the traceback Python would print."""
    with contextlib.chdir(project):
        result = CliRunner().invoke(main, ["--config", str(project / "tipbook.yml"), *args])
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, stderr)


@pytest.fixture()
def small_project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "project", 12)
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "shadow.md").write_text("# root:SECRET-HASH\n")
    (secret / "notes.txt").write_text("SECRET-HASH\n")
    return root


LINKS = {
    # name: (where the link is, below content/; what it points to; what the message says)
    "folder out": ("leak", "{outside}", "outside content/"),
    "file out": ("tips/2025/shadow.md", "{outside}/shadow.md", "outside content/"),
    "parent loop": ("tips/2025/loop", "..", "loops back on itself"),
    "self loop": ("tips/self.md", "self.md", "loops back on itself"),
    "mutual loop": ("pages/b/to-a", "../a", "loops back on itself"),
    "dangling": ("pages/gone.md", "nowhere.md", "does not exist"),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", sorted(LINKS))
def test_links_out_of_content_or_looping_are_refused(small_project: Path, case: str) -> None:
    where, target, says = LINKS[case]
    content = small_project / "content"
    link = content / where
    link.parent.mkdir(parents=True, exist_ok=True)
    if case == "mutual loop":
        (content / "pages" / "a").mkdir(parents=True)
        (content / "pages" / "a" / "to-b").symlink_to("../b")
    link.symlink_to(target.format(outside=small_project.parent / "outside"))
    checked = run_cli(small_project, "check")
    assert checked.returncode == 1
    shown = f"content/{where}"
    assert f"{shown}: error: a symbolic link" in checked.stdout and says in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr

    built = run_cli(small_project, "build")
    assert built.returncode == 1
    assert shown in built.stderr and says in built.stderr and "Traceback" not in built.stderr
    assert not (small_project / "site").exists()  # nothing published
    for folder in staging_dirs(small_project):  # nor copied, even half-way
        assert not any("SECRET" in p.read_text(errors="replace") for p in folder.rglob("*.*"))


@pytest.mark.timeout(120)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize(
    "where", ["tips/2025/2025-01-07-a-pipe.md", "pages/pipe.md", "images/pipe.png", "link.md"]
)
def test_a_named_pipe_in_content_is_refused_not_waited_for(small_project: Path, where: str) -> None:
    """A FIFO named like a tip (or a page, an image, or linked to) blocked check, index,
    search, themes and build on its first read, forever; now each names it and goes on."""
    content = small_project / "content"
    pipe = content / where
    pipe.parent.mkdir(parents=True, exist_ok=True)
    if where == "link.md":
        os.mkfifo(small_project / "content" / "pipe")
        pipe.symlink_to("pipe")
    else:
        os.mkfifo(pipe)
    says = "not an ordinary file (a named pipe, device or socket)"
    checked = run_cli(small_project, "check")  # a read that waits fails at the timeout
    assert checked.returncode == 1 and f"content/{where}: error:" in checked.stdout
    assert says in checked.stdout and "Traceback" not in checked.stderr
    built = run_cli(small_project, "build")
    assert built.returncode == 1 and says in built.stderr and "Traceback" not in built.stderr
    for command in (["index"], ["search", "customer"], ["themes", "list"]):
        ran = run_cli(small_project, *command)
        assert "Traceback" not in ran.stderr, command
        if where.startswith("tips/") and command != ["themes", "list"]:
            assert "not an ordinary file" in ran.stderr, command  # left out of the index


def test_files_that_would_run_script_on_the_site_are_not_published(small_project: Path) -> None:
    """MkDocs copies every file of content/ that is not a page: `evil.html` or an SVG with
    `onload` was published as it was and ran its script from the site's own address (seen
    in Chromium), past the gate. Only images and PDFs are copied; the rest stops the build."""
    content = small_project / "content"
    hostile = {
        "evil.html": "<script>alert(1)</script>",
        "tips/2025/chart.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(2)"/>',
        "pages/widget.js": "alert(3)",
    }
    for where, text in hostile.items():
        (content / where).parent.mkdir(parents=True, exist_ok=True)
        (content / where).write_text(text)
    (content / ".notes.html").write_text("<script>hidden files are not published</script>")
    checked = run_cli(small_project, "check")
    built = run_cli(small_project, "build")
    assert checked.returncode == 1 and built.returncode == 1
    for where in hostile:
        assert f"content/{where}: error: a .{where.rsplit('.', 1)[1]} file" in checked.stdout
        assert f"content/{where}: error:" in built.stderr
    assert ".notes.html" not in checked.stdout + built.stderr
    assert not (small_project / "site").exists()
    for where in hostile:
        (content / where).unlink()
    (content / "tips" / "2025" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (content / "CNAME").write_text("handbook.example.com\n")
    built = run_cli(small_project, "build")
    assert built.returncode == 0, built.stderr
    assert (small_project / "site" / "tips" / "2025" / "chart.png").is_file()
    assert (small_project / "site" / "CNAME").is_file()


def test_links_inside_content_still_build(small_project: Path) -> None:
    content = small_project / "content"
    (content / "pages").mkdir(exist_ok=True)
    (content / "pages" / "guide.md").write_text("# Guide\n\nHow we write tips.\n")
    (content / "pages" / "handbook.md").symlink_to("guide.md")
    assert "symbolic link" not in run_cli(small_project, "check").stdout
    built = run_cli(small_project, "build")
    assert built.returncode == 0, built.stderr
    assert "How we write tips" in (small_project / "site/pages/handbook/index.html").read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_exchange_is_atomic_on_linux(tmp_path: Path) -> None:
    """The swap this machine uses is the one-step exchange, not the two-rename fallback."""
    old, new = tmp_path / "site", tmp_path / ".site.building-x"
    old.mkdir()
    new.mkdir()
    (old / "index.html").write_text("old")
    (new / "index.html").write_text("new")
    assert publish.exchange(new, old)
    assert (old / "index.html").read_text() == "new"
    assert (new / "index.html").read_text() == "old"


def test_the_published_site_is_as_readable_as_a_folder_made_by_mkdir(tmp_path: Path) -> None:
    """The staging folder came from `mkdtemp` (mode 0700) and was published as it was: a
    web server running as another user could read nothing of the site. A new site gets
    the umask's mode; a rebuilt one keeps the mode its folder had."""
    root = make_project(tmp_path, 3)
    config = load_config(root / "tipbook.yml")
    umask = os.umask(0o022)
    try:
        site = build_site(config).site_dir
        assert stat.S_IMODE(site.stat().st_mode) == 0o755
        site.chmod(0o750)
        build_site(config)
        assert stat.S_IMODE(site.stat().st_mode) == 0o750
        # A site made read-only: the build still writes its new folder (a copy of 0555 left
        # the build unable to write into it), then the old one is deleted all the same.
        site.chmod(0o555)
        build_site(config)
        assert stat.S_IMODE(site.stat().st_mode) == 0o755
    finally:
        os.umask(umask)
        publish.wait_for_deletions()
    assert staging_dirs(root) == []
