"""The static export's search: a Pagefind index of the tips, written into the built site.

A site copied to a plain web server has no `/api/search`, so the search box
(overrides/assets/javascripts/tipbook-search-worker.js) falls back to Pagefind, which
loads its index in small chunks: the first search fetches a few hundred kB whatever the
number of tips, where Material's own search downloads every page's text (15 MB at 5,000
tips). Measured side by side in README.md ("How search works").

Pagefind indexes HTML. Rather than the rendered pages (whose markup other parts of the
site own), each tip is handed to it as a small page built here from the `Tip`, every
string escaped: the title as the heading, the takeaway, summary and chapters weighted
after it (Pagefind's `data-pagefind-weight`, as the Whoosh index weights them, see
`search.schema.FIELD_WEIGHTS`), then the body as plain text. Only tips are indexed, so a
listing page never outranks a tip. Chapters and years are Pagefind filters, for the full
results page (`search/`).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from search.concepts import ConceptWords, tip_search_text
from search.expansion import RELATED_WORDS_FILE
from search.schema import QUESTION_STOP_WORDS
from search.vectors import WORD_VECTORS_FILE, encoded, tip_vector, vector_shard
from tipbook import sanitize
from tipbook.files import write_text_atomic
from tipbook.model import Tip
from tipbook.publish import dies_with_parent
from tipbook.synonyms import Synonyms
from tipbook.text import body_text

BUNDLE_DIR = "pagefind"  # below the site folder: Pagefind's index and its JS
RELATED_DIR = "search/related"  # the related-words table in shards (search.expansion)
VECTORS_DIR = "search/vectors"  # the word vectors in shards (search.vectors)
SITE_INFO = "search/tipbook.json"  # chapter titles and years, for the search box and page
# The published tips' words, commonest first: the static box corrects a query's typos from
# them when it finds nothing (fetched only then, so the first search stays light).
WORDS_FILE = "search/words.json"
MAX_WORDS = 20_000
_WORD = re.compile(r"[a-z]{3,}")
RESULTS_PAGE = "search/index.md"  # the full results page, generated (URL: search/)
TIMEOUT = 600.0  # s per shard: Pagefind indexes 1,000 tips in a few seconds
# Pagefind's own search UIs: the site shows results in Material's box instead.
UNUSED = {
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
}
SHARD_SIZE = 1000  # tips per Pagefind bundle (its memory grows with what it indexes)

# Pagefind's default weight of an <h1> is 7 and of body text 1; these follow the Whoosh
# index's order (title, takeaway, summary, body) with chapters beside the summary.
WEIGHTS = {"takeaway": 4.0, "summary": 2.0, "chapters": 2.0, "synonyms": 1.0}

# The page's form and result list are in the template overrides/tipbook-search.html: the
# site's safety gate passes no form controls from a page's Markdown (content is untrusted).
RESULTS_PAGE_TEMPLATE = "tipbook-search.html"
RESULTS_PAGE_MARKDOWN = """\
---
title: Search
search:
  exclude: true
hide:
  - navigation
  - toc
---

# Search the tips

"""


class StaticSearchUnavailable(Exception):
    """Pagefind is missing or failed: the static search index could not be written."""


@dataclass(frozen=True)
class StaticIndexReport:
    tips: int
    bundle_bytes: int


def pagefind_executable() -> Path:
    """The Pagefind binary shipped in the `pagefind[bin]` wheel (works offline)."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise StaticSearchUnavailable(
            "Pagefind is not installed: pip install 'pagefind[bin]' (or make install)"
        ) from None
    try:
        return Path(get_executable())
    except FileNotFoundError as error:
        raise StaticSearchUnavailable(f"Pagefind's binary is missing: {error}") from None


def tip_page_html(tip: Tip, chapter_titles: list[str], synonyms: Sequence[str] = ()) -> str:
    """The page Pagefind indexes for one tip: every string escaped, parts weighted, and the
    synonyms the tip lacks last (`search.concepts`; Pagefind has no synonym option, so the
    static index gets the same added words as the served one)."""

    esc = sanitize.escape  # the site's one escaping path: every value here is tip text

    def part(name: str, text: str) -> str:
        if not text:
            return ""
        return f'<p data-pagefind-weight="{WEIGHTS[name]}">{esc(text)}</p>'

    chapters = ", ".join(chapter_titles)
    vector = tip_vector(tip.title, tip.summary, tip.takeaway, body_text(tip.body))
    # Filters and meta inside an ignored block: Pagefind reads them but does not index
    # their words (the chapters are indexed once, in their weighted paragraph).
    hidden = "".join(
        [
            f'<span data-pagefind-meta="date">{tip.date.isoformat()}</span>',
            f'<span data-pagefind-meta="chapters">{esc(chapters)}</span>',
            # The tip's meaning, which the box reranks a question's best tips by
            # (search.vectors): 64 signed bytes in base64.
            f'<span data-pagefind-meta="vector">{esc(encoded(vector))}</span>',
            f'<span data-pagefind-filter="year">{tip.date.year}</span>',
            *(f'<span data-pagefind-filter="chapter">{esc(t)}</span>' for t in chapter_titles),
        ]
    )
    paragraphs = "".join(
        f"<p>{esc(block)}</p>" for block in (body_text(b) for b in tip.body.split("\n\n")) if block
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(tip.title)}'
        f"</title></head><body><main data-pagefind-body><h1>{esc(tip.title)}</h1>"
        f"<div data-pagefind-ignore>{hidden}</div>"
        f"{part('takeaway', tip.takeaway)}{part('summary', tip.summary)}"
        f"{part('chapters', chapters)}{paragraphs}"
        f"{part('synonyms', ' '.join(synonyms))}</main></body></html>"
    )


class StaticIndexJob:
    """Pagefind indexing the tips in the background, started before MkDocs renders the
    pages (it needs only the tips), finished into the built site afterwards.

    Pagefind holds everything it indexes in memory (about 280 MB per 1,000 tips), so the
    tips are indexed in shards of `SHARD_SIZE`, one Pagefind process after another, each
    into its own bundle (`pagefind/0/`, `pagefind/1/`, …); the search box merges them
    (Pagefind's `mergeIndex`). The pages are written to a scratch folder Pagefind reads, at
    the same paths as the real pages so its result URLs are theirs; the bundles replace the
    site's old ones only once all are complete.
    """

    def __init__(
        self,
        tips: Iterable[tuple[Tip, str]],
        chapter_titles: Mapping[str, str],
        concepts: ConceptWords | None = None,  # the synonyms and chapters (search.concepts)
    ) -> None:
        self.executable = pagefind_executable()
        self.chapter_titles = dict(chapter_titles)
        concepts = concepts or ConceptWords(Synonyms())
        self.signals = concepts.signals
        self.scratch = Path(tempfile.mkdtemp(prefix="tipbook-pagefind-"))
        self.output = self.scratch / "bundle"
        self.error = ""
        self.process: subprocess.Popen[str] | None = None
        self.cancelled = False
        years: set[int] = set()
        self.vocabulary: Counter[str] = Counter()  # word → tips that have it
        self.count = 0
        shards: list[Path] = []
        try:
            for tip, url in tips:
                if self.count % SHARD_SIZE == 0:
                    shards.append(self.scratch / f"pages-{len(shards)}")
                parts = [p for p in url.strip("/").split("/") if p not in ("", ".", "..")]
                folder = shards[-1].joinpath(*parts)
                folder.mkdir(parents=True, exist_ok=True)
                titles = [self.chapter_titles.get(theme, theme) for theme in tip.themes]
                (folder / "index.html").write_text(
                    tip_page_html(tip, titles, concepts.added_words(tip)),
                    encoding="utf-8",
                )
                years.add(tip.date.year)
                # In first-use order, not a set's (whose order varies from process to
                # process): words as common as each other keep one order in words.json.
                self.vocabulary.update(
                    dict.fromkeys(_WORD.findall(tip_search_text(tip).lower()), 1)
                )
                self.count += 1
        except OSError as error:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise StaticSearchUnavailable(f"cannot write the pages to index: {error}") from None
        self.years = sorted(years)
        self.shards = shards
        self.thread = threading.Thread(target=self._run, name="tipbook-pagefind", daemon=True)

    def start(self) -> None:
        """Run Pagefind in the background. Called after the build has forked its render
        worker, if it does: forking while a thread runs is unsafe (the child gets a copy of
        locks that thread may hold), so no thread of this job exists before then."""
        if not self.thread.is_alive() and self.thread.ident is None:
            self.thread.start()

    def _run(self) -> None:
        for number, pages in enumerate(self.shards):
            command = [str(self.executable), "--site", str(pages)]
            command += ["--output-path", str(self.output / str(number))]
            command += ["--force-language", "en", "--silent"]
            # Part of the build: a killed build takes it along (issue: any process).
            command = dies_with_parent(command)
            try:
                self.process = subprocess.Popen(
                    command,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                out, err = self.process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()  # type: ignore[union-attr]
                self.error = f"Pagefind took over {TIMEOUT:.0f} s"
                return
            except OSError as error:
                self.error = f"Pagefind could not run: {error}"
                return
            if self.cancelled:
                return
            if self.process.returncode != 0:
                last = (err or out).strip().splitlines()[-1:] or ["no output"]
                self.error = f"Pagefind failed: {last[0][:200]}"
                return
            # Indexed: its pages go now, in this thread while the site renders (removing a
            # thousand folders took seconds at the end of the build).
            shutil.rmtree(pages, ignore_errors=True)

    def finish(self, site_dir: Path) -> StaticIndexReport:
        """Wait for Pagefind; move its bundles into `site_dir` and write search/tipbook.json."""
        site_dir = Path(site_dir)
        target = site_dir / BUNDLE_DIR
        try:
            self.start()  # (a no-op when started)
            self.thread.join()
            if self.error:
                raise StaticSearchUnavailable(self.error)
            old = site_dir / f".{BUNDLE_DIR}.old"
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                os.replace(target, old)
            self.output.mkdir(parents=True, exist_ok=True)
            for unused in self.output.glob("*/pagefind-*"):
                if unused.name in UNUSED:
                    unused.unlink()
            shutil.move(str(self.output), str(target))
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        info = {
            "chapters": self.chapter_titles,
            "years": self.years,
            "tips": self.count,
            "shards": len(self.shards),
            # The served engine's question stop words, which the static box drops too.
            "stopWords": sorted(QUESTION_STOP_WORDS),
            # Each chapter's signal words: a query that finds nothing is offered the nearest.
            "signals": self.signals,
        }
        info_path = site_dir / SITE_INFO
        info_path.parent.mkdir(parents=True, exist_ok=True)
        info_path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        words = [word for word, _ in self.vocabulary.most_common(MAX_WORDS)]
        write_text_atomic(site_dir / WORDS_FILE, json.dumps({"words": words}))
        write_word_shards(site_dir)
        size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        return StaticIndexReport(self.count, size)

    def cancel(self) -> None:
        self.cancelled = True
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.thread.ident is not None:
            self.thread.join()
        shutil.rmtree(self.scratch, ignore_errors=True)


def write_static_index(
    tips: Iterable[tuple[Tip, str]],
    chapter_titles: Mapping[str, str],
    site_dir: Path,
    concepts: ConceptWords | None = None,
) -> StaticIndexReport:
    """Index `tips` (each with its page URL below the site, e.g. `tips/2024/x/`) with
    Pagefind into `site_dir/pagefind/`, and write `search/tipbook.json` (chapters, years)."""
    return StaticIndexJob(tips, chapter_titles, concepts).finish(site_dir)


def write_word_shards(site_dir: Path) -> None:
    """The related-words table (search.expansion) as small files by a word's first two
    letters (`search/related/em.json`), and the word vectors (search.vectors) in
    `VECTOR_SHARDS` files by a hash of the word (`search/vectors/137.json`: even sizes,
    where "co…" alone would be 120 kB), so the static box fetches only its query words'
    shards. Made once per shipped table, then written: a build costs a few file writes."""
    for folder, table in ((RELATED_DIR, RELATED_WORDS_FILE), (VECTORS_DIR, WORD_VECTORS_FILE)):
        target = Path(site_dir) / folder
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True, exist_ok=True)
        for name, text in _shards(table).items():
            (target / name).write_text(text, encoding="utf-8")


@functools.lru_cache(maxsize=2)
def _shards(table: Path) -> dict[str, str]:
    # The tables have one word a line (benchmarks/make_related_words.py,
    # make_word_vectors.py): its lines are grouped as they are, unparsed (parsing and
    # writing it again cost a build ~0.25 s).
    try:
        lines = table.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    shards: dict[str, list[str]] = {}
    for line in lines:
        if not line.startswith('"'):
            continue
        if '":[' in line:  # a word's related words
            name = line[1:3]
        elif '":"' in line:  # a word's vector
            name = str(vector_shard(line[1 : line.index('"', 1)]))
        else:
            continue
        shards.setdefault(f"{name}.json", []).append(line.rstrip(","))
    return {name: "{" + ",".join(entries) + "}" for name, entries in shards.items()}
