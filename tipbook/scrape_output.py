"""Run a scrape for a person: live progress on a terminal, plain lines otherwise, a summary.

The terminal side of `tipbook scrape` (the `scraper` package returns data and prints
nothing); kept out of `tipbook/commands/scrape.py` so the command stays a thin layer of flags.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from scraper.fetch import FetchSettings
from scraper.pipeline import ScrapeOptions, scrape
from scraper.report import ScrapeReport, SitePlan
from scraper.runstate import option_names
from tipbook.config import Config
from tipbook.errors import terminal_text, word_options
from tipbook.taxonomy import THEMES_FILE

Wording = Callable[[str], str]  # how a front end names an option: "max_pages" → "--max-pages"


def _shown(value: object) -> str:
    """A URL, path or reason from the web as rich markup prints it: as the text it is (a
    `[/x]` in a URL is no markup tag; an ESC in a title drives no terminal)."""
    return escape(terminal_text(str(value)))


def _said(value: object, word: Wording) -> str:
    """A note or reason of the scraper as `_shown` prints it, its `{option}`s worded."""
    return _shown(word_options(str(value), word, option_names()))


def _as_named(name: str) -> str:
    return name


def build_options(
    config: Config,
    urls: tuple[str, ...],
    *,
    content_dir: Path | None = None,
    cache_dir: Path | None = None,
    delay: float | None = None,
    concurrency: int | None = None,
    full: bool = False,
    offline: bool = False,
    force: bool = False,
    max_pages: int | None = None,
    source_base: str | None = None,
    via: str = "auto",
) -> ScrapeOptions:
    """Scrape options from the configuration, overridden by command-line flags."""
    scrape_config = config.scrape
    content = (content_dir or config.content_dir).resolve()
    own_themes = content / THEMES_FILE
    settings = FetchSettings(
        user_agent=scrape_config.user_agent,
        delay=scrape_config.delay if delay is None else delay,
        concurrency=concurrency or scrape_config.concurrency,
        timeout=scrape_config.timeout,
        retries=scrape_config.retries,
        max_bytes=scrape_config.max_bytes,
    )
    return ScrapeOptions(
        urls=list(urls) or list(scrape_config.start_urls),
        content_dir=content,
        themes_file=own_themes if own_themes.exists() else config.themes_file,
        settings=settings,
        cache_dir=(cache_dir or config.cache_dir).resolve(),
        full=full,
        offline=offline,
        force=force,
        max_pages=max_pages,
        source_base=source_base,
        via=via,
    )


def run_scrape(
    options: ScrapeOptions, console: Console, verbose: bool = False, word: Wording = _as_named
) -> ScrapeReport:
    """Scrape with a live progress bar (terminal) or one line per event, then summarise."""
    if console.is_terminal:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[dim]{task.fields[url]}"),
            console=console,
            transient=True,
        ) as bar:
            pages = bar.add_task("listing pages", total=None, url="")
            tips = bar.add_task("tips", total=None, url="", visible=False)

            def show(kind: str, url: str, done: int, total: int | None) -> None:
                if kind == "page":
                    bar.update(pages, completed=done, url=_shown(url))
                else:
                    bar.update(tips, completed=done, total=total, url=_shown(url), visible=True)

            report = scrape(options, show)
    else:

        def show(kind: str, url: str, done: int, total: int | None) -> None:
            label = f"page {done}" if kind == "page" else f"tip {done}/{total}"
            console.print(f"{label}: {_shown(url)}", highlight=False, soft_wrap=True)

        report = scrape(options, show)
    print_summary(report, console, verbose, word)
    return report


def print_summary(
    report: ScrapeReport, console: Console, verbose: bool = False, word: Wording = _as_named
) -> None:
    """Changed and kept files (every tip with `verbose`), the summary table, then every
    skipped or failed page with its URL and reason."""
    for tip in report.tips:
        if not verbose and tip.outcome == "unchanged":
            continue  # the files that changed (or were kept) are what a maintainer reviews
        flag = " (excerpt only)" if tip.excerpt_only else ""
        console.print(f"{tip.outcome:9} {_shown(tip.path)}{flag}", highlight=False, soft_wrap=True)
        if tip.outcome == "kept":
            console.print(
                f"          an editor changed it: kept ({_said('{force}', word)} overwrites)",
                highlight=False,
                soft_wrap=True,
            )
        if verbose:
            if tip.note:
                console.print(f"          {_shown(tip.note)}", highlight=False, soft_wrap=True)
            for reason in tip.reasons:
                console.print(f"          theme {_shown(reason)}", highlight=False, soft_wrap=True)
    for note in report.notes:
        console.print(f"[dim]{_said(note, word)}[/]", highlight=False, soft_wrap=True)
    table = Table(title="tipbook scrape", show_edge=False)
    counts = report.counts
    for name in counts:
        table.add_column(name, justify="right")
    table.add_row(*(str(value) for value in counts.values()))
    console.print(table)
    console.print(
        f"{report.archive_pages} listing page(s), {report.known} known tip(s) not re-fetched, "
        f"{report.requests} request(s) in {report.seconds:.1f} s",
        highlight=False,
    )
    doors = report.doors
    if doors:
        through = ", ".join(f"{count} {door}" for door, count in doors.items())
        console.print(f"tips by door: {through}", highlight=False)
    for skipped in report.skipped:
        console.print(f"[dim]skipped {_said(skipped, word)}[/]", highlight=False, soft_wrap=True)
    for failure in report.failures:
        console.print(f"[red]failed[/] {_said(failure, word)}", highlight=False, soft_wrap=True)


def print_plan(plans: list[SitePlan], console: Console, word: Wording = _as_named) -> None:
    """`--plan`: per start URL, each door with its URL and how many posts it lists."""
    for site in plans:
        console.print(f"[bold]{_shown(site.start)}[/]", highlight=False, soft_wrap=True)
        if site.problem:
            problem = _said(site.problem, word)
            console.print(f"  [red]cannot read it[/]: {problem}", highlight=False)
            continue
        for door in site.doors:
            posts = "?" if door.posts is None else str(door.posts)
            where = _shown(door.url or "-")
            note = f"  ({_said(door.note, word)})" if door.note else ""
            console.print(
                f"  {door.kind:8} {posts:>6} posts  {where}{note}",
                highlight=False,
                soft_wrap=True,
            )
