"""Run one command and report its wall time and peak memory as JSON.

`resource.getrusage(RUSAGE_CHILDREN)` reports the largest resident set of any child a
process has waited for, so each measured command runs under its own small wrapper process
(`python -m benchmarks.measure -- CMD ...`) whose only child is that command: the peak is
the command's own, whatever else the caller ran before. The wrapper also samples the memory
of the command's whole process tree, for commands that fork workers.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    """How one command run went."""

    wall_s: float
    peak_mb: float
    returncode: int
    output: str  # the tail of stdout and stderr, for the reason when it failed
    cpu_s: float = 0.0  # user + system time of the command and every process it started

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def measure(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 3600
) -> Measurement:
    """Run `command` in `cwd` under the wrapper; its wall time, peak RSS and output tail."""
    wrapper = [sys.executable, "-m", "benchmarks.measure", "--", *command]
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).resolve().parents[1]), environment.get("PYTHONPATH")])
    )
    try:
        done = subprocess.run(
            wrapper,
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Measurement(timeout, 0.0, -1, f"timed out after {timeout:.0f} s")
    lines = done.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        return Measurement(0.0, 0.0, done.returncode or 1, _tail(done.stdout + done.stderr))
    return Measurement(
        report["wall_s"],
        report["peak_mb"],
        report["returncode"],
        report.get("output", ""),
        report.get("cpu_s", 0.0),
    )


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
SAMPLE_EVERY = 0.05  # s between two samples of the process tree's memory


def tree_rss(root: int) -> int:
    """Resident bytes of process `root` and all its descendants now (Linux /proc; else 0)."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(parents.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
                total += int(statm.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def main(argv: list[str]) -> int:
    """The wrapper: run argv after `--`, print one JSON line about it.

    The peak is the larger of the biggest single process (`ru_maxrss`) and the biggest sum
    over the command's process tree seen while sampling, so a build that forks workers is
    charged for all of them at once.
    """
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.wait(SAMPLE_EVERY):
            peak_tree = max(peak_tree, tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = max(usage.ru_maxrss, peak_tree // 1024)  # ru_maxrss is in KiB on Linux
    output = _tail(done.stdout + "\n" + done.stderr) if done.returncode else ""
    report = {
        "wall_s": wall,
        "peak_mb": peak_kb / 1024,
        "returncode": done.returncode,
        "output": output,
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
