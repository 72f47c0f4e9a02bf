"""Rich renderings of index reports and search results, for `tipbook index` and `search`.

(Not a command: modules starting with `_` are not listed. search/ returns data; this
layer shows it.)
"""

from __future__ import annotations

import dataclasses
import html
import re
import shlex
from typing import TYPE_CHECKING, Any

import click
from rich.console import Group, RenderableType
from rich.text import Text

from tipbook.errors import display_path, terminal_text

if TYPE_CHECKING:  # only for annotations: `tipbook index` need not load the query engine
    from search.indexer import IndexReport
    from search.query import SearchResult

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def snippet_text(snippet: str) -> Text:
    """A result snippet (HTML with <mark>) as rich text with the matches highlighted."""
    snippet = terminal_text(snippet)  # a tip's text: it must not drive the terminal
    text = Text(style="dim")
    position = 0
    for match in _MARK.finditer(snippet):
        text.append(html.unescape(snippet[position : match.start()]))
        text.append(html.unescape(match.group(1)), style="bold yellow not dim")
        position = match.end()
    text.append(html.unescape(snippet[position:]))
    return text


def index_summary(report: IndexReport) -> str:
    """One line (rich markup) saying what an index update did."""
    if report.rebuilt:
        what = f"rebuilt ({report.reason}): {report.total} tip(s) indexed"
    elif report.changed:
        what = (
            f"updated: {report.added} added, {report.updated} changed, "
            f"{report.removed} removed; {report.total} tip(s) indexed"
        )
    else:
        what = f"up to date: {report.total} tip(s) indexed"
    skipped = f", [yellow]{len(report.problems)} problem(s)[/]" if report.problems else ""
    return f"Search index {what}{skipped} in {report.seconds:.2f} s"


def result_renderable(result: SearchResult) -> RenderableType:
    """A numbered list of hits (title, date, themes, path, snippet), then theme counts."""
    parts: list[RenderableType] = []
    if result.corrected_from:
        # The typed words matched nothing: these are the results of their correction.
        typed, corrected = terminal_text(result.corrected_from), terminal_text(result.query)
        parts.append(
            Text.assemble(
                f"No tip matches {typed!r}. Showing results for ", (corrected, "bold yellow"), "."
            )
        )
        command = terminal_text(f"tipbook search --exact {shlex.quote(result.corrected_from)}")
        parts.append(Text(f"Search instead for {typed!r}: {command}"))
    if not result.hits:
        parts.append(Text(f"No tip matches {result.query!r}.", style="yellow"))
    else:
        shown = len(result.hits)
        parts.append(
            Text(f"{result.total} tip(s) match {result.query!r}; the best {shown}:", style="bold")
        )
    for hit in result.hits:
        line = Text()
        line.append(f"{hit.rank:>2}. ", style="bold")
        line.append(terminal_text(hit.title), style="bold cyan")
        line.append(f"  {hit.date.isoformat()}", style="green")
        if hit.themes:
            line.append(terminal_text(f"  [{', '.join(hit.themes)}]"), style="magenta")
        parts.append(line)
        parts.append(Text(terminal_text(f"    {hit.path}"), style="blue"))
        parts.append(Text("    ").append_text(snippet_text(hit.snippet)))
    if result.facets:
        counts = ", ".join(f"{theme} {count}" for theme, count in result.facets.items())
        parts.append(Text(terminal_text(f"By theme: {counts}"), style="magenta"))
    if result.suggestion:
        suggestion = terminal_text(result.suggestion)
        parts.append(Text.assemble("Did you mean: ", (suggestion, "bold yellow"), "?"))
    return Group(*parts)


def published_only(config: Any) -> frozenset[str]:
    """The tip files `tipbook build` holds back (the gate, `tipbook.check.judge_content`),
    for `SearchOptions.held_back`; none when the chapters cannot be read (`check` says why)."""
    from tipbook.check import held_back_files
    from tipbook.errors import ContentError
    from tipbook.taxonomy import load_taxonomy

    try:
        taxonomy = load_taxonomy(config.themes_file)
    except ContentError:
        return frozenset()
    cache = config.cache_dir / "held-back.json"
    return held_back_files(config.content_dir, taxonomy, config.site_url, cache_file=cache)


def related_to(query: str) -> list[str]:
    """Words related to a query's words (search.expansion's table), most similar first."""
    from search.expansion import related_words
    from search.schema import QUESTION_STOP_WORDS

    table = related_words()
    found: dict[str, float] = {}
    for word in query.lower().split():
        if word in QUESTION_STOP_WORDS:
            continue
        for related, similarity in table.get(word, ()):
            found[related] = max(found.get(related, 0.0), similarity)
    return sorted(found, key=lambda w: -found[w])[:4]


def print_unanswered(config: Any, limit: int, as_json: bool) -> None:
    """`tipbook search report`: the top queries from the served box's log that found
    nothing or whose results nobody opened, each with the nearest chapter by its signal
    words (or their related words) and a synonym set to consider."""
    import json

    from rich.console import Console

    from search.querylog import unanswered
    from tipbook.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(config.themes_file)
    rows = []
    for item in unanswered(config.query_log, top=limit):
        synonyms = related_to(item.query)
        text = " ".join([item.query, *synonyms])
        best = taxonomy.score(text, text)[0]
        chapter = best.theme if best.score else ""
        if item.corrected:
            advice = f"a typo: the box showed {item.corrected!r}"
        elif item.found:
            advice = f"found {item.found} tip(s), none opened: check they answer it"
        elif chapter:
            advice = f"nearest chapter {chapter!r}: add its words to a synonym set"
        else:
            advice = "no chapter is near: add the words to a synonym set, or write a tip"
        rows.append(
            {**dataclasses.asdict(item), "chapter": chapter, "synonyms": synonyms, "advice": advice}
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    console = Console(soft_wrap=True, highlight=False)
    if not rows:
        console.print(f"No unanswered queries in {display_path(config.query_log)}.")
        return
    shown = display_path(config.query_log)
    console.print(Text(f"Queries that found nothing, or whose results nobody opened ({shown}):"))
    for row in rows:
        line = Text(f"{row['count']:>4}  ")
        line.append(terminal_text(row["query"]), style="bold")
        line.append(terminal_text(f"  – {row['advice']}"))
        if row["synonyms"] and not row["corrected"]:
            words = ", ".join([*row["query"].split()[:1], *row["synonyms"]])
            line.append(terminal_text(f"; a synonym set to consider: [{words}]"))
        console.print(line)
    console.print(Text(f"Synonym sets: {display_path(config.content_dir / 'synonyms.yml')}"))
