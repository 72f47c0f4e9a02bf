"""A build that forks its render worker, run in a fresh process.

A build never forks while another thread runs (`tipbook.site.parallel.may_fork`: a fork
copies locks other threads hold), and a test process keeps threads alive for its whole
session (Playwright's driver, the loopback servers of the mirror fixtures). A test of the
two-process build therefore runs that build here, in a new interpreter with one thread, and
gets back what it needs: how many workers were forked, the threads alive at each fork, the
tips published and held back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
REPO_ROOT = TESTS.parent

_CHILD = """
import json, os, sys, threading
from pathlib import Path
from tipbook.site import build_site, parallel

spec = json.loads(sys.argv[1])
parallel.MIN_PAGES = 1  # the test corpora are smaller than the size at which a build forks
parallel.available_cpus = lambda: 2
os.environ["TIPBOOK_BUILD_PROCESSES"] = "2"
assert parallel.may_fork(), [thread.name for thread in threading.enumerate()]
workers, threads_at_fork = [], []
fork_worker, real_fork = parallel.fork_worker, os.fork

def counted_worker(*args, **kwargs):
    workers.append(1)
    return fork_worker(*args, **kwargs)

def recording_fork():
    threads_at_fork.append([thread.name for thread in threading.enumerate()])
    return real_fork()

parallel.fork_worker, os.fork = counted_worker, recording_fork
root = Path(spec["root"])
site_dir = Path(spec["site_dir"]) if spec["site_dir"] else None
if spec["hostile"]:
    from hostile_corpus import gate_open, hostile_site_config

    content = Path(spec["content"]) if spec["content"] else None
    with gate_open():
        result = build_site(hostile_site_config(root, content), site_dir=site_dir)
else:
    from site_corpus import site_config

    result = build_site(site_config(root), site_dir=site_dir)
print(json.dumps({
    "workers": len(workers),
    "threads_at_fork": threads_at_fork,
    "tips": result.tips,
    "held_back": len(result.held_back.withheld),
    "site_dir": str(result.site_dir),
}))
"""


def build_with_worker(
    root: Path,
    *,
    site_dir: Path | None = None,
    hostile: bool = False,
    content: Path | None = None,
) -> dict[str, Any]:
    """Build the project below `root` (`site_corpus.site_config`, or with `hostile`
    `hostile_corpus.hostile_site_config` and the gate open) in a fresh process that forks
    its render worker: what the build reported (see `_CHILD`). Fails if it did not fork."""
    spec = {
        "root": str(root),
        "site_dir": str(site_dir) if site_dir else "",
        "hostile": hostile,
        "content": str(content) if content else "",
    }
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(REPO_ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(spec)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["workers"] == 1, f"the build forked {report['workers']} render workers"
    return report
