"""Run one command and report its wall time and peak memory as JSON.

`resource.getrusage(RUSAGE_CHILDREN)` reports the largest resident set of any child a
process has waited for, so each measured command runs under its own small wrapper process
(`python -m benchmarks.measure -- CMD ...`) whose only child is that command: the peak is
the command's own, whatever else the caller ran before.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
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
        report["wall_s"], report["peak_mb"], report["returncode"], report.get("output", "")
    )


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def main(argv: list[str]) -> int:
    """The wrapper: run argv after `--`, print one JSON line about it."""
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    output = _tail(done.stdout + "\n" + done.stderr) if done.returncode else ""
    report = {
        "wall_s": wall,
        "peak_mb": peak_kb / 1024,
        "returncode": done.returncode,
        "output": output,
    }
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
