"""The benchmark jobs: each runs in its own process and prints its figures as JSON.

    python -m benchmarks.figures JOB N WORK_DIR [REPEAT]

A job prepares what it needs (synthetic corpus, project folder, index) without timing it,
then measures one thing: `tipbook build`, a plain Material blog build, `tipbook index`,
queries, related tips or a scrape. Commands run under `benchmarks.measure` so each peak
memory figure is that command's own. A job whose piece of tipbook is missing reports its
figures as unavailable, with the reason, instead of failing the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import json
import os
import re
import shutil
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks import generate
from benchmarks.generate import generate_corpus, generate_tip, generate_tips
from benchmarks.measure import Measurement, measure

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TIPBOOK = [PYTHON, "-m", "tipbook"]
# A fixed set of realistic staff queries: plain words, phrases, operators, fields, prefixes.
QUERIES = [
    "empathy",
    "say sorry after a transfer",
    "hand the customer off to a co-worker",
    "customers losing enthusiasm",
    "body language",
    "tone of voice",
    '"customer service"',
    "apologize to an angry customer",
    "follow up and call back",
    "keep customers loyal",
    "listening",
    '"customer for life"',
    "empath*",
    "title:compassion",
    "caring AND hospital",
    "service recovery",
    "eye contact",
    "complaint NOT refund",
    "thank the customer",
    "trust relationships",
    "frustrated patient waiting",
]


@dataclass
class Record:
    """One figure: what, how much, in what unit, at how many tips."""

    figure: str
    value: float | None
    unit: str
    n: int
    note: str = ""
    unavailable: str = ""


class Unavailable(Exception):
    """The piece of tipbook this job measures is missing or failed; the message says why."""


# --- preparation (never timed) ---------------------------------------------------------


def corpus(work: Path, n: int) -> Path:
    """The content dir of `n` synthetic tips, generated once and reused while its inputs
    (the generator, its vocabulary, the themes) stay the same."""
    content = work / "corpus" / str(n) / "content"
    marker = content / ".complete"
    digest = hashlib.sha1(str(n).encode())
    for source in (generate.__file__, generate.WORDS_FILE, generate.THEMES_FILE):
        digest.update(Path(source).read_bytes())
    if not marker.is_file() or marker.read_text(encoding="utf-8") != digest.hexdigest():
        shutil.rmtree(content, ignore_errors=True)
        generate_corpus(content, n)
        marker.write_text(digest.hexdigest(), encoding="utf-8")
    return content


def project(root: Path, tips_content: Path) -> Path:
    """A tipbook project folder like the repository, its tips those of `tips_content`.

    The repository's tipbook.yml and mkdocs.yml are copied as they are (their paths are
    relative: content/, site/, .tipbook/), the repository's content/ without its tips (themes,
    pages, assets) and then the synthetic tips are copied into root/content, and whatever
    repository folders mkdocs.yml names (overrides, hooks, …) are linked beside it.
    Returns the project's tipbook.yml.
    """
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("tips"))
    shutil.copytree(tips_content / "tips", root / "content" / "tips")
    shutil.copyfile(tips_content / "themes.yml", root / "content" / "themes.yml")
    shutil.copyfile(REPO / "tipbook.yml", root / "tipbook.yml")
    mkdocs_text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(mkdocs_text, encoding="utf-8")
    for entry in REPO.iterdir():
        skip = entry.name.startswith(".") or entry.name in {"content", "site", "benchmarks"}
        # Folders only, and no Python package: the site's code comes from the installed tipbook.
        skip = skip or not entry.is_dir() or (entry / "__init__.py").exists()
        if not skip and re.search(rf"\b{re.escape(entry.name)}\b", mkdocs_text):
            (root / entry.name).symlink_to(entry)
    return root / "tipbook.yml"


def _config(path: Path) -> Any:
    from tipbook.config import load_config

    return load_config(path)


def tree_size(path: Path) -> tuple[int, int]:
    """Total bytes and number of files below `path`."""
    total = files = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
                files += 1
    return total, files


def need_module(name: str, what: str) -> None:
    """Raise `Unavailable` unless module `name` exists (some piece has not landed yet)."""
    try:
        found = importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        raise Unavailable(f"{what} is not there yet (no module {name})")


def run(command: list[str], cwd: Path, what: str, timeout: float = 3600) -> Measurement:
    """Measure one command; `Unavailable` with its output's tail when it fails."""
    result = measure(command, cwd, timeout=timeout)
    if not result.ok:
        last = result.output.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        raise Unavailable(f"{what} failed: {last[0][:200]}")
    return result


def best_of(repeat: int, command: list[str], cwd: Path, what: str) -> tuple[Measurement, str]:
    """Run a command `repeat` times; the fastest run (the least disturbed by other work on
    the machine) with its peak memory, and a note saying how many runs it was the best of."""
    runs = [run(command, cwd, what) for _ in range(max(1, repeat))]
    best = min(runs, key=lambda m: m.wall_s)
    note = f"CPU {best.cpu_s:.1f} s" + (f", best of {len(runs)}" if len(runs) > 1 else "")
    return best, note


MB = 1024 * 1024
REPEAT = 1  # runs of each build, the fastest counts (the runner's plan sets it)


# --- jobs ------------------------------------------------------------------------------


def job_build(n: int, work: Path) -> list[Record]:
    """`tipbook build` of `n` tips: wall time, peak memory, output size."""
    need_module("tipbook.commands.build", "tipbook build")
    root = work / f"build-{n}"
    config = project(root, corpus(work, n))
    command = [*TIPBOOK, "--config", str(config), "build"]
    result, note = best_of(REPEAT, command, root, "tipbook build")
    size, files = tree_size(_config(config).site_dir)
    return [
        Record("tipbook build: wall time", round(result.wall_s, 2), "s", n, note),
        Record("tipbook build: peak memory", round(result.peak_mb), "MB", n),
        Record("tipbook build: output size", round(size / MB, 1), "MB", n, f"{files} files"),
    ]


PLAIN_MKDOCS = """\
# A plain Material for MkDocs blog: the baseline tipbook's build is compared with.
site_name: Plain Material blog
theme:
  name: material
plugins:
  - search
  - blog
"""


def plain_project(root: Path, content: Path) -> Path:
    """A plain Material blog with the same tips as posts (date front matter, title heading)."""
    from tipbook.content import load_tips

    docs = root / "docs"
    posts = docs / "blog" / "posts"
    posts.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(PLAIN_MKDOCS, encoding="utf-8")
    (docs / "index.md").write_text("# Plain Material blog\n", encoding="utf-8")
    (docs / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    for tip in load_tips(content):
        text = f"---\ndate: {tip.date.isoformat()}\n---\n\n# {tip.title}\n\n{tip.body}\n"
        (posts / f"{tip.id}.md").write_text(text, encoding="utf-8")
    return root


def job_plain(n: int, work: Path) -> list[Record]:
    """A plain Material blog build (search + blog plugins) of the same `n` tips."""
    root = work / f"plain-{n}"
    shutil.rmtree(root, ignore_errors=True)
    plain_project(root, corpus(work, n))
    command = [PYTHON, "-m", "mkdocs", "build", "-q"]
    result, note = best_of(REPEAT, command, root, "plain mkdocs build")
    size, files = tree_size(root / "site")
    return [
        Record("plain Material blog build: wall time", round(result.wall_s, 2), "s", n, note),
        Record("plain Material blog build: peak memory", round(result.peak_mb), "MB", n),
        Record(
            "plain Material blog build: output size", round(size / MB, 1), "MB", n, f"{files} files"
        ),
    ]


def job_preview(n: int, work: Path) -> list[Record]:
    """`tipbook serve --drafts`: the first preview build, then the rebuild after one edit.

    Runs the preview's own builder (what its live-reload server calls on every change)
    in this process: a full build, then one tip's body is edited and the rebuild timed,
    three times (the median counts). Before each edit the builder settles (the static
    search index it writes in the background is done), as it has while an editor reads
    the page and types: a save a moment after the last one waits for the interpreter.
    """
    need_module("tipbook.site.preview", "the live preview")
    from tipbook.content import iter_tip_files
    from tipbook.site.preview import PreviewBuilder

    root = work / f"preview-{n}"
    config = _config(project(root, corpus(work, n)))
    builder = PreviewBuilder(config, root / "preview-site", "http://127.0.0.1:8000/", True)
    edited = next(iter(sorted(iter_tip_files(config.content_dir), reverse=True)))
    times = []
    with _quiet_logs():
        start = time.perf_counter()
        builder()
        first = time.perf_counter() - start
        for number in range(3):
            getattr(builder, "settle", lambda: None)()
            text = edited.read_text(encoding="utf-8")
            sentence = f"One more sentence from the editor, number {number}."
            edited.write_text(f"{text}\n{sentence}\n", encoding="utf-8")
            start = time.perf_counter()
            builder()
            times.append(time.perf_counter() - start)
    # The figure only counts if the edit really shows on the rebuilt page.
    shown = any(
        sentence in page.read_text(encoding="utf-8", errors="replace")
        for page in (root / "preview-site").rglob(f"*{edited.stem.split('-', 3)[3]}*/index.html")
    )
    note = "the edited page re-rendered" if shown else "the edit did NOT show on the page"
    quick = getattr(builder, "quick_builds", 0)
    note += f"; median of 3 edits ({quick} quick)"
    return [
        Record("preview: first build", round(first, 2), "s", n, "drafts included"),
        Record("preview: rebuild after editing one tip", round(sorted(times)[1], 2), "s", n, note),
    ]


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """MkDocs logs every page at INFO while previewing; keep warnings only."""
    import logging

    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def index_project(work: Path, n: int) -> tuple[Path, Path, Path]:
    """The index job's project: (root, config, content)."""
    root = work / f"index-{n}"
    return root, project(root, corpus(work, n)), root / "content"


def job_index(n: int, work: Path) -> list[Record]:
    """`tipbook index`: full build, then one new tip; the index's size."""
    need_module("tipbook.commands.index", "tipbook index")
    from tipbook.content import save_tip

    root, config, content = index_project(work, n)
    full = run([*TIPBOOK, "--config", str(config), "index", "--rebuild"], root, "tipbook index")
    size, files = tree_size(_config(config).index_dir)
    save_tip(content, generate_tip(-1))  # next week's tip lands
    one = run([*TIPBOOK, "--config", str(config), "index"], root, "tipbook index (incremental)")
    # The same in process: what the update itself costs, without starting Python and click.
    from search.indexer import update_index

    settings = _config(config)
    update_index(settings)  # imports and opens everything once, untimed
    save_tip(content, generate_tip(-2))
    start = time.perf_counter()
    report = update_index(settings)
    in_process = time.perf_counter() - start
    return [
        Record("index: full build", round(full.wall_s, 2), "s", n, f"peak {full.peak_mb:.0f} MB"),
        Record("index: one new tip (incremental)", round(one.wall_s, 2), "s", n, "whole command"),
        Record(
            "index: one new tip (update_index)",
            round(in_process, 3),
            "s",
            n,
            f"library call{'' if not report.rebuilt else ', rebuilt!'}",
        ),
        Record("index: size", round(size / MB, 1), "MB", n, f"{files} files"),
    ]


def job_queries(n: int, work: Path) -> list[Record]:
    """Query latency p50/p95 over `QUERIES` on a warm searcher (as `tipbook serve` answers)."""
    need_module("search.query", "search")
    from search.indexer import update_index
    from search.query import TipSearcher
    from tipbook.config import load_config

    root = work / f"index-{n}"
    if not (root / "tipbook.yml").is_file():  # the index job did not run first
        root, _, _ = index_project(work, n)
    config = load_config(root / "tipbook.yml")
    update_index(config)  # not timed: the index job measures indexing
    searcher = TipSearcher(config.index_dir)
    try:
        hits = sum(searcher.search(query).total > 0 for query in QUERIES)  # warms the caches
        timings = []
        for _ in range(3):
            for query in QUERIES:
                start = time.perf_counter()
                searcher.search(query)
                timings.append((time.perf_counter() - start) * 1000)
    finally:
        searcher.close()
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    note = f"{len(QUERIES)} queries × 3, {hits} with hits"
    return [
        Record("query latency p50", round(statistics.median(timings), 1), "ms", n, note),
        Record("query latency p95", round(p95, 1), "ms", n, note),
    ]


def job_related(n: int, work: Path) -> list[Record]:
    """Related tips for every tip of the corpus, in process (loading the tips not timed)."""
    need_module("search.related", "the related-tips engine")
    from search.related import related_tips
    from tipbook.content import load_tips

    tips = load_tips(corpus(work, n))
    start = time.perf_counter()
    related = related_tips(tips)
    wall = time.perf_counter() - start
    short = sum(1 for ids in related.values() if len(ids) < 5)
    note = "every tip has 5" if not short else f"{short} tips with fewer than 5"
    return [Record("related tips for all tips", round(wall, 2), "s", n, note)]


def scaled_mirror(root: Path, n: int) -> tuple[Any, int]:
    """Build the test mirror (`benchmarks/mirror`) with synthetic posts added up to `n` tips.

    The synthetic tips become posts of the category archive (and of the tag archives of their
    themes), so the scraper pages through archives and fetches posts as on the real site.
    Returns the mirror package's `MirrorServer` class (the mirror is built in `root`) and the
    number of tips the mirror holds (at least the seeds' own).
    """
    from benchmarks.mirror import build as mirror_build
    from benchmarks.mirror import seeds as mirror_seeds
    from benchmarks.mirror import server as mirror_server

    seeds = mirror_seeds.load_seed_tips()
    extra = [
        _seed_tip(mirror_seeds, tip, mirror_build.TAGS)
        for tip in generate_tips(max(0, n - len(seeds)))
    ]
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    mirror = mirror_build.build_mirror(root, extra_tips=extra)
    return mirror_server.MirrorServer, len(mirror.tips)


def _seed_tip(seeds: Any, tip: Any, site_tags: tuple[str, ...]) -> Any:
    """A synthetic tip as the mirror's `SeedTip`: a full post with its paragraphs and lists."""
    blocks = []
    for block in tip.body.split("\n\n"):
        if block.startswith("- "):
            blocks.append(seeds.Block("ul", [line[2:] for line in block.splitlines()]))
        else:
            blocks.append(seeds.Block("p", [block]))
    date = tip.date
    return seeds.SeedTip(
        title=tip.title,
        title_line=f"{tip.title} – {date.month}/{date.day}/{date.year % 100:02d}",
        date=date,
        kind="post",
        blocks=blocks,
        tags=[t for t in tip.themes if t in site_tags],
        in_category=True,
    )


SCRAPE_DOORS = ("rest", "feed", "html")


def job_scrape(n: int, work: Path) -> list[Record]:
    """Scrape of the local mirror scaled up to `n` tips with `--delay 0` through each door
    (`--via rest|feed|html`), each into its own content and cache folders; then an
    immediate re-run through the REST API."""
    need_module("tipbook.commands.scrape", "tipbook scrape")
    root = work / f"scrape-{n}"
    shutil.rmtree(root, ignore_errors=True)
    server_class, n = scaled_mirror(root / "mirror", n)
    server = server_class(root / "mirror").start()
    records: list[Record] = []
    try:
        start_urls = [
            server.url(path)
            for path in (
                "/category/customer-service-tip-of-the-week/",
                "/tag/caring/",
                "/tag/compassion/",
                "/tag/empathy/",
            )
        ]
        for door in SCRAPE_DOORS:
            content = root / door / "content"
            shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("tips"))
            command = [
                *TIPBOOK,
                "scrape",
                *start_urls,
                "--content-dir",
                str(content),
                "--cache-dir",
                str(root / door / "cache"),
                "--delay",
                "0",
                "--source-base",
                "https://cssamerica.com",
                "--via",
                door,
            ]
            server.clear_log()
            first = measure(command, root)
            requests = len(server.requests)
            tips = sum(1 for _ in (content / "tips").rglob("*.md"))
            if not tips:
                raise Unavailable(
                    f"tipbook scrape --via {door} wrote no tip: {first.output[-200:]}"
                )
            note = f"{tips} tips written" + ("" if first.ok else "; exit 1: some pages failed")
            records += [
                Record(f"scrape via {door}: requests", requests, "requests", n, note),
                Record(
                    f"scrape via {door}: wall time",
                    round(first.wall_s, 2),
                    "s",
                    n,
                    f"{tips / first.wall_s:.1f} tips/s, peak {first.peak_mb:.0f} MB",
                ),
            ]
            if door == "rest":
                server.clear_log()
                again = measure(command, root)
                rerun = Record(
                    "scrape re-run: requests",
                    len(server.requests),
                    "requests",
                    n,
                    "immediate re-run through the REST API" + ("" if again.ok else ", exit 1"),
                )
    finally:
        server.stop()
    return [*records, rerun]


def _built_site(root: Path, content: Path) -> tuple[Any, Path]:
    """Build the site and the search index of `content` below `root` (not timed)."""
    import dataclasses

    from search.indexer import update_index
    from tipbook.site import build_site

    config = dataclasses.replace(
        _config(REPO / "tipbook.yml"),
        content_dir=content.resolve(),
        site_dir=(root / "site").resolve(),
        cache_dir=(root / "cache").resolve(),
        index_dir=(root / "index").resolve(),
    )
    with _quiet_logs():
        build_site(config)
    update_index(config.content_dir, config.index_dir)
    return config, config.site_dir


def job_search_quality(n: int, work: Path) -> list[Record]:
    """MRR of the judged queries (benchmarks/search_judged.py) on the shipped content: the CLI,
    the search box served and static, and the static candidates side by side."""
    need_module("search.static", "the site's search box")
    from benchmarks import searchbox as box
    from benchmarks.search_box import tipbook_server
    from benchmarks.search_heldout import HELD_OUT_SETS
    from benchmarks.search_judged import JUDGED, mean_reciprocal_rank
    from search.query import TipSearcher

    config, site = _built_site(work / "search-quality", REPO / "content")
    searcher = TipSearcher(config.index_dir)
    try:
        cli, _ = mean_reciprocal_rank(lambda q: [h.title for h in searcher.search(q).hits])
        cli_held = {
            name: mean_reciprocal_rank(lambda q: [h.title for h in searcher.search(q).hits], qs)[0]
            for name, qs in HELD_OUT_SETS.items()
        }
    finally:
        searcher.close()
    tips, titles = box._collection_tips(config)
    n = len(tips)
    note = f"{len(JUDGED)} judged queries, {n} shipped tips"
    held = {
        name: f"{len(qs)} held-out queries (benchmarks/search_heldout.py {name}), {n} tips"
        for name, qs in HELD_OUT_SETS.items()
    }
    records = [Record("search MRR: CLI (tipbook search)", round(cli, 3), "MRR", n, note)]
    records += [Record(f"search MRR {name}: CLI", round(value, 3), "MRR", n, held[name])
                for name, value in cli_held.items()]  # fmt: skip
    with box.chromium() as browser:
        with tipbook_server(site, config.content_dir, config.index_dir) as url:
            served = box.box_mrr(browser, url)
            served_held = {name: box.box_mrr(browser, url, name) for name in HELD_OUT_SETS}
        records.append(Record("search MRR: box, served (api)", round(served, 3), "MRR", n, note))
        records += [Record(f"search MRR {name}: box, served", round(value, 3), "MRR", n,
                           held[name]) for name, value in served_held.items()]  # fmt: skip
        with box.candidate_server(site, "pagefind") as url:
            static = box.box_mrr(browser, url)
            static_held = {name: box.box_mrr(browser, url, name) for name in HELD_OUT_SETS}
        records.append(Record("search MRR: box, static (Pagefind)", round(static, 3), "MRR", n,
                              note))  # fmt: skip
        records += [Record(f"search MRR {name}: box, static", round(value, 3), "MRR", n,
                           held[name]) for name, value in static_held.items()]  # fmt: skip
        for engine, tuned in (("material", False), ("material-tuned", True)):
            index = box.material_index(site, box.material_docs(tips, titles, tuned), tuned)
            with box.candidate_server(site, engine, index) as url:
                value = box.material_box_mrr(browser, url)
            records.append(Record(f"search MRR: box, static ({engine}, candidate)",
                                  round(value, 3), "MRR", n, note))  # fmt: skip
    return records


def _first_note(first: dict[str, float]) -> str:
    return (
        "query typed as the page finished loading (empty cache); "
        f"{first['from_navigation_ms'] / 1000:.2f} s from navigation start"
    )


def job_searchbox(n: int, work: Path) -> list[Record]:
    """The search box at `n` synthetic tips: keystroke to results when served, and a cold
    page's first search in a static export (Pagefind, and Material's search for comparison)."""
    need_module("search.static", "the site's search box")
    from benchmarks import searchbox as box
    from benchmarks.search_box import tipbook_server

    config, site = _built_site(work / f"searchbox-{n}", corpus(work, n))
    tips, titles = box._collection_tips(config)
    records = []
    with box.chromium() as browser:
        with tipbook_server(site, config.content_dir, config.index_dir) as url:
            p50, p95, count = box.keystroke_p95(browser, url, QUERIES)
            served_first = box.first_search(browser, url)
        note = f"{count} queries typed key by key, last keystroke → results shown"
        records += [
            Record("search box: keystroke to results p50 (served)", round(p50, 1), "ms", n, note),
            Record("search box: keystroke to results p95 (served)", round(p95, 1), "ms", n, note),
            Record("first search (served): results after cold load",
                   round(served_first["from_keystroke_ms"] / 1000, 2), "s", n,
                   _first_note(served_first)),
        ]  # fmt: skip
        for engine in ("pagefind", "material", "material-tuned"):
            index = None
            if engine != "pagefind":
                tuned = engine == "material-tuned"
                index = box.material_index(site, box.material_docs(tips, titles, tuned), tuned)
            with box.candidate_server(site, engine, index) as url:
                first = box.first_search(browser, url)
            label = engine if engine == "pagefind" else f"{engine}, candidate"
            records += [
                Record(f"first search ({label}): results after cold load",
                       round(first["from_keystroke_ms"] / 1000, 2), "s", n,
                       _first_note(first)),
                Record(f"first search ({label}): bytes fetched",
                       round(first["bytes"] / MB, 2), "MB", n,
                       f"search: {first['search_bytes'] / MB:.2f} MB; the rest is the page"),
            ]  # fmt: skip
    return records


def job_build_zensical(n: int, work: Path) -> list[Record]:
    """`tipbook build --engine zensical` of the same `n` tips (the optional engine)."""
    need_module("zensical", "the zensical engine (pip install 'tipbook[zensical]')")
    root = work / f"build-zensical-{n}"
    config = project(root, corpus(work, n))
    command = [*TIPBOOK, "--config", str(config), "build", "--engine", "zensical"]
    result, note = best_of(REPEAT, command, root, "tipbook build --engine zensical")
    return [Record("tipbook build (zensical): wall time", round(result.wall_s, 2), "s", n, note)]


# A Hugo handbook of the same shape: tips by year, chapters (themes) and tags as taxonomies,
# each tip page with its related tips (Hugo's related content on themes and tags) and
# previous/next by date; Pagefind indexes it afterwards, as a Hugo user adds search.
HUGO_CONFIG = """\
baseURL = "http://127.0.0.1/"
title = "Hugo handbook"
disableKinds = ["RSS"]
[taxonomies]
theme = "themes"
tag = "tags"
[related]
includeNewer = true
threshold = 20
toLower = true
[[related.indices]]
name = "themes"
weight = 100
[[related.indices]]
name = "tags"
weight = 80
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html lang=en><head><title>{{ .Title }}</title>"
    "</head><body><nav><a href='/'>Home</a></nav><main data-pagefind-body>"
    '{{ block "main" . }}{{ end }}</main></body></html>',
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>'
    '<time>{{ .Date.Format "2 January 2006" }}</time>'
    '{{ range .GetTerms "themes" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}'
    "{{ .Content }}<h2>Related tips</h2><ul>{{ range site.RegularPages.Related . | first 5 }}"
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>'
    '{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">Previous</a>{{ end }}'
    '{{ with .NextInSection }}<a href="{{ .RelPermalink }}">Next</a>{{ end }}{{ end }}',
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}'
    "</li>{{ end }}</ul>{{ end }}",
    "index.html": '{{ define "main" }}<h1>{{ site.Title }}</h1><ul>'
    "{{ range first 10 site.RegularPages }}"
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}',
}


def hugo_project(root: Path, content: Path) -> Path:
    """The Hugo handbook of the same tips (see HUGO_CONFIG)."""
    from tipbook.content import load_tips

    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    for tip in load_tips(content):
        meta = {"title": tip.title, "date": tip.date.isoformat(), "themes": list(tip.themes),
                "tags": list(tip.tags), "summary": tip.summary}  # fmt: skip
        folder = root / "content" / "tips" / str(tip.date.year)
        folder.mkdir(parents=True, exist_ok=True)
        text = f"---\n{json.dumps(meta)}\n---\n\n{tip.body}\n"
        (folder / f"{tip.id}.md").write_text(text, encoding="utf-8")
    return root


def job_hugo(n: int, work: Path) -> list[Record]:
    """Hugo 0.111 (Debian's `hugo`) and then Pagefind, on the same `n` tips."""
    hugo = shutil.which("hugo")
    if hugo is None:
        raise Unavailable("hugo is not installed (make hugo, or apt-get install hugo)")
    from pagefind_bin import get_executable

    root = hugo_project(work / f"hugo-{n}", corpus(work, n))
    build, note = best_of(REPEAT, [hugo, "--quiet", "--cleanDestinationDir"], root, "hugo")
    index, _ = best_of(REPEAT, [str(get_executable()), "--site", "public"], root, "pagefind")
    return [
        Record("Hugo build: wall time", round(build.wall_s, 2), "s", n, note),
        Record("Hugo + Pagefind: wall time", round(build.wall_s + index.wall_s, 2), "s", n),
    ]


JOBS: dict[str, Callable[[int, Path], list[Record]]] = {
    "build": job_build,
    "build_zensical": job_build_zensical,
    "hugo": job_hugo,
    "plain": job_plain,
    "preview": job_preview,
    "index": job_index,
    "queries": job_queries,
    "related": job_related,
    "scrape": job_scrape,
    "search_quality": job_search_quality,
    "searchbox": job_searchbox,
}


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Libraries may print; only this job's JSON goes to stdout."""
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        sys.stdout = saved


def main(argv: list[str]) -> int:
    """`python -m benchmarks.figures JOB N WORK_DIR [REPEAT]`: print the job's records as JSON."""
    global REPEAT
    job, n, work = argv[0], int(argv[1]), Path(argv[2]).resolve()
    REPEAT = int(argv[3]) if len(argv) > 3 else 1
    work.mkdir(parents=True, exist_ok=True)
    try:
        with _stdout_to_stderr():
            records = [asdict(record) for record in JOBS[job](n, work)]
        sys.stdout.write(json.dumps({"records": records}) + "\n")
    except Unavailable as reason:
        sys.stdout.write(json.dumps({"unavailable": str(reason)}) + "\n")
    except Exception as error:  # a bug in the measured piece: report it, keep the run going
        traceback.print_exc()
        reason = f"{job} failed: {type(error).__name__}: {str(error)[:200]} (traceback in the log)"
        sys.stdout.write(json.dumps({"unavailable": reason}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
