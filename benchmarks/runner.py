"""Run every benchmark job, one process each, then print one table and write the JSON.

The full run (`make bench`) measures at the sizes the issues set their targets at; `--quick`
(`make bench-quick`) runs the same jobs at small N in under two minutes; `--tiny` is for the
test suite, which runs the harness once so it cannot rot.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results.json"
WORK = REPO / "benchmarks" / ".work"
JOB_TIMEOUT = 3600.0  # s: a job that hangs is reported, not waited for forever

# The figures each job reports, so a job that dies still leaves its rows in the table.
FIGURES: dict[str, list[tuple[str, str]]] = {
    "build": [
        ("tipbook build: wall time", "s"),
        ("tipbook build: peak memory", "MB"),
        ("tipbook build: output size", "MB"),
    ],
    "build_zensical": [("tipbook build (zensical): wall time", "s")],
    "hugo": [("Hugo build: wall time", "s"), ("Hugo + Pagefind: wall time", "s")],
    "plain": [
        ("plain Material blog build: wall time", "s"),
        ("plain Material blog build: peak memory", "MB"),
        ("plain Material blog build: output size", "MB"),
    ],
    "preview": [
        ("preview: first build", "s"),
        ("preview: rebuild after editing one tip", "s"),
    ],
    "index": [
        ("index: full build", "s"),
        ("index: one new tip (incremental)", "s"),
        ("index: one new tip (update_index)", "s"),
        ("index: size", "MB"),
    ],
    "queries": [("query latency p50", "ms"), ("query latency p95", "ms")],
    "related": [("related tips for all tips", "s")],
    "scrape": [
        *(
            (f"scrape via {door}: {what}", unit)
            for door in ("rest", "feed", "html")
            for what, unit in (("requests", "requests"), ("wall time", "s"))
        ),
        ("scrape re-run: requests", "requests"),
    ],
    "search_quality": [
        ("search MRR: CLI (tipbook search)", "MRR"),
        ("search MRR: box, served (api)", "MRR"),
        ("search MRR: box, static (Pagefind)", "MRR"),
        ("search MRR: box, static (material, candidate)", "MRR"),
        ("search MRR: box, static (material-tuned, candidate)", "MRR"),
        ("search MRR held out: CLI", "MRR"),
        ("search MRR held out: box, served", "MRR"),
        ("search MRR held out: box, static", "MRR"),
    ],
    "searchbox": [
        ("search box: keystroke to results p50 (served)", "ms"),
        ("search box: keystroke to results p95 (served)", "ms"),
        ("first search (served): results after cold load", "s"),
        ("first search (pagefind): results after cold load", "s"),
        ("first search (pagefind): bytes fetched", "MB"),
        ("first search (material, candidate): results after cold load", "s"),
        ("first search (material, candidate): bytes fetched", "MB"),
        ("first search (material-tuned, candidate): results after cold load", "s"),
        ("first search (material-tuned, candidate): bytes fetched", "MB"),
    ],
}


@dataclass(frozen=True)
class Plan:
    """The sizes each job runs at."""

    name: str
    build: tuple[int, int]  # small and large: the large one shows how build time grows
    plain: int  # the plain Material blog, at the small build size
    index: tuple[int, ...]
    related: tuple[int, ...]
    scrape: int
    repeat: int = 1  # runs of each site build, the fastest counts
    searchbox: tuple[int, ...] = ()  # the search box in Chromium (served and static)
    quality: bool = False  # search MRR on the shipped content, CLI and boxes side by side

    def jobs(self) -> list[tuple[str, int]]:
        index_jobs = [(job, n) for n in self.index for job in ("index", "queries")]
        return [
            # The engines and Hugo + Pagefind one after another, at both sizes: one run.
            *[(job, n) for n in self.build for job in ("build", "build_zensical", "hugo")],
            ("plain", self.plain),
            ("preview", self.build[0]),
            *index_jobs,
            *[("related", n) for n in self.related],
            ("scrape", self.scrape),
            *([("search_quality", 40)] if self.quality else []),
            *[("searchbox", n) for n in self.searchbox],
        ]


FULL = Plan("full", build=(1000, 5000), plain=1000, index=(1000, 10000),
            related=(1000, 5000, 10000), scrape=500, repeat=2, searchbox=(1000, 5000),
            quality=True)  # fmt: skip
QUICK = Plan("quick", build=(100, 300), plain=100, index=(200, 1000), related=(200, 1000),
             scrape=60, searchbox=(200,), quality=True)  # fmt: skip
TINY = Plan("tiny", build=(8, 16), plain=8, index=(12,), related=(12,), scrape=0)
PLANS = {plan.name: plan for plan in (FULL, QUICK, TINY)}


def run_job(job: str, n: int, work: Path, log: Path, repeat: int = 1) -> list[dict[str, Any]]:
    """Run one job in its own process; its records, or its figures marked unavailable."""
    command = [sys.executable, "-m", "benchmarks.figures", job, str(n), str(work), str(repeat)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
           os.environ.get("PYTHONPATH")]))}  # fmt: skip
    with log.open("a", encoding="utf-8") as stderr:
        stderr.write(f"\n=== {job} N={n} ===\n")
        stderr.flush()
        try:
            done = subprocess.run(
                command,
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                timeout=JOB_TIMEOUT,
                check=False,
            )
            answer = _last_json(done.stdout)
            if answer is None:
                reason = f"the job crashed (exit {done.returncode}); see {_shown(log)}"
            else:
                reason = answer.get("unavailable", "")
        except subprocess.TimeoutExpired:
            answer, reason = None, f"timed out after {JOB_TIMEOUT:.0f} s"
    if answer and "records" in answer:
        return answer["records"]
    return [
        {"figure": figure, "value": None, "unit": unit, "n": n, "note": "", "unavailable": reason}
        for figure, unit in FIGURES[job]
    ]


def _last_json(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def derived(records: list[dict[str, Any]], plan: Plan) -> list[dict[str, Any]]:
    """Ratios across jobs: speed-up over the plain blog and over Hugo + Pagefind, growth
    from the small to the large build."""

    def value(figure: str, n: int) -> float | None:
        for record in records:
            if record["figure"] == figure and record["n"] == n:
                return record["value"]
        return None

    small, large = plan.build
    build_small = value("tipbook build: wall time", small)
    build_large = value("tipbook build: wall time", large)
    plain = value("plain Material blog build: wall time", plan.plain)
    hugo_small = value("Hugo + Pagefind: wall time", small)
    hugo_large = value("Hugo + Pagefind: wall time", large)
    out = []
    for figure, n, top, bottom, note in (
        ("build speed-up over plain Material", small, plain, build_small,
         "plain blog time ÷ tipbook build time"),
        (f"build time growth {small:,} → {large:,} tips", large, build_large, build_small,
         f"tipbook build time at {large:,} ÷ at {small:,}"),
        ("build speed-up over Hugo + Pagefind", small, hugo_small, build_small,
         "Hugo + Pagefind time ÷ tipbook build time, same run"),
        ("build speed-up over Hugo + Pagefind", large, hugo_large, build_large,
         "Hugo + Pagefind time ÷ tipbook build time, same run"),
    ):  # fmt: skip
        ok = top is not None and bottom
        out.append(
            {
                "figure": figure,
                "value": round(top / bottom, 2) if ok else None,
                "unit": "×",
                "n": n,
                "note": note,
                "unavailable": "" if ok else "needs both builds",
            }
        )
    return out


# The issues' targets, at the sizes they were set for: (figure, N) → (comparison, limit).
TARGETS: dict[tuple[str, int], tuple[str, float]] = {
    ("build speed-up over plain Material", 1000): ("≥", 3.0),
    ("build speed-up over Hugo + Pagefind", 1000): ("≥", 1.0),  # issue 23
    ("build speed-up over Hugo + Pagefind", 5000): ("≥", 1.0),
    ("build time growth 1,000 → 5,000 tips", 5000): ("≤", 5.5),
    ("tipbook build: peak memory", 5000): ("≤", 1024),
    ("index: one new tip (incremental)", 10000): ("≤", 1.0),
    ("index: one new tip (update_index)", 10000): ("≤", 1.0),
    ("query latency p95", 10000): ("≤", 50.0),
    ("related tips for all tips", 1000): ("≤", 3.0),
    ("preview: rebuild after editing one tip", 1000): ("≤", 3.0),
    ("search box: keystroke to results p95 (served)", 5000): ("≤", 150.0),
    ("first search (pagefind): results after cold load", 5000): ("≤", 1.5),
    ("first search (pagefind): bytes fetched", 5000): ("≤", 2.0),
}


def with_targets(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each figure's target (where an issue set one) and whether it is met to its note."""
    for record in records:
        target = TARGETS.get((record["figure"], record["n"]))
        if target is None or record["value"] is None:
            continue
        comparison, limit = target
        met = record["value"] >= limit if comparison == "≥" else record["value"] <= limit
        record["target"] = f"{comparison} {limit:g}"
        record["target_met"] = met
        verdict = f"target {comparison} {limit:g}: {'met' if met else 'MISSED'}"
        record["note"] = "; ".join(filter(None, [record.get("note", ""), verdict]))
    return records


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def render(records: list[dict[str, Any]], title: str) -> Table:
    """One table: figure, value, unit, N and a note (or why the figure is unavailable)."""
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("N", justify="right")
    table.add_column("note")
    for record in records:
        if record["value"] is None:
            value, note = "unavailable", f"[yellow]{record['unavailable']}[/]"
        else:
            value, note = f"{record['value']:,}", record.get("note", "")
        table.add_row(record["figure"], value, record["unit"], f"{record['n']:,}", note)
    return table


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown table, for the README's Performance section."""
    info = results["machine"]
    lines = [
        f"Measured {results['date'][:10]} ({results['plan']} run, {info['cpu_count']} CPUs, "
        f"Python {info['python']}):",
        "",
        "| figure | value | unit | N | note |",
        "| --- | ---: | --- | ---: | --- |",
    ]
    for record in results["figures"]:
        value = "unavailable" if record["value"] is None else f"{record['value']:,}"
        note = record["unavailable"] if record["value"] is None else record.get("note", "")
        lines.append(
            f"| {record['figure']} | {value} | {record['unit']} | {record['n']:,} | {note} |"
        )
    return "\n".join(lines) + "\n"


def run(plan: Plan, out: Path = RESULTS, work: Path = WORK, console: Console | None = None) -> dict:
    """Run every job of `plan`, print the table, write `out`; return the results document."""
    console = console or Console(stderr=True)
    work.mkdir(parents=True, exist_ok=True)
    log = work / "bench.log"
    log.write_text("", encoding="utf-8")
    started = time.perf_counter()
    records: list[dict[str, Any]] = []
    for job, n in plan.jobs():
        with console.status(f"{job} at {n:,} tips…"):
            job_started = time.perf_counter()
            load = round(os.getloadavg()[0], 2)  # other work on the machine skews timings
            for record in run_job(job, n, work, log, plan.repeat):
                records.append({**record, "load_1min": load})
        console.log(f"{job} at {n:,} tips: {time.perf_counter() - job_started:.1f} s")
    records.extend(derived(records, plan))
    with_targets(records)
    results = {
        "plan": plan.name,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "total_s": round(time.perf_counter() - started, 1),
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "figures": records,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    info = results["machine"]
    title = (
        f"tipbook benchmarks ({plan.name}) — {info['cpu_count']} CPUs, "
        f"Python {info['python']}, {results['total_s']} s"
    )
    screen = Console()
    if not screen.is_terminal:
        screen = Console(width=160)  # a log or a pipe: keep each row on one line
    screen.print(render(records, title))
    console.print(f"Results written to {_shown(out)}")
    return results
