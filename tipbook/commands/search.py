"""`tipbook search`: full-text search over every tip, from the terminal."""

from __future__ import annotations

import datetime as dt

import click

from search.options import DEFAULT_LIMIT, MAX_LIMIT  # light: keeps `--help` fast
from tipbook.cli import get_config


@click.command()
@click.argument("query", required=False)
@click.option(
    "--theme",
    "themes",
    multiple=True,
    metavar="ID",
    help="Only tips in this theme; repeat it for several (a tip in any of them matches).",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only tips dated on or after this day.",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only tips dated on or before this day.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=DEFAULT_LIMIT,
    show_default=True,
    metavar="N",
    help=f"How many hits to show, 1–{MAX_LIMIT} (the total and theme counts cover every match).",
)
@click.option(
    "--drafts",
    is_flag=True,
    help="Also find drafts, tips dated after today and tips the build holds back for an "
    "error (what the --drafts preview shows); without it, only what `tipbook build` publishes.",
)
@click.option(
    "--exact",
    is_flag=True,
    help="Search the words as typed, even when they match nothing (no typo correction).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON result document.")
@click.option(
    "--report",
    "show_report",
    is_flag=True,
    help="Instead of searching: the queries staff typed in the served box that found "
    "nothing or whose results nobody opened, most asked first, with a chapter or synonym "
    "to consider (also `tipbook search report`).",
)
@click.pass_context
def command(
    ctx: click.Context,
    query: str,
    themes: tuple[str, ...],
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
    drafts: bool,
    exact: bool,
    as_json: bool,
    show_report: bool,
) -> None:
    """Search the tips (the index is brought up to date first).

    Words are stemmed ("apologize" finds "apology"); "quoted phrases", AND, OR, NOT,
    title:WORD, theme:ID and prefixes (empath*) work. See the README's Search section.
    Only what `tipbook build` publishes is found: drafts, tips dated after today and
    tips with an error `tipbook check` reports (held back) are left out unless --drafts.
    Exit 2 for a malformed query.

    \b
    Examples:
      tipbook search "say sorry after a transfer"
      tipbook search 'empath* NOT title:apology' --theme empathy --since 2015-01-01
      tipbook search sorry --theme apology --theme empathy   # in either theme
      tipbook search "body language" --json --limit 3
      tipbook search report                    # what staff could not find
      tipbook search --exact report            # the tips with the word "report"
    """
    import json

    from rich.console import Console
    from rich.markup import escape

    from search.options import SearchOptions
    from search.searcher import search_collection
    from tipbook.commands._search_output import index_summary, published_only, result_renderable

    if show_report or (query == "report" and not exact):
        from tipbook.commands._search_output import print_unanswered

        print_unanswered(get_config(ctx), limit, as_json)
        return
    if not query:
        raise click.UsageError('give the words to search for, e.g. tipbook search "empathy"')
    config = get_config(ctx)
    options = SearchOptions(
        themes=themes,
        since=since.date() if since else None,
        until=until.date() if until else None,
        limit=limit,
        include_unpublished=drafts,
        autocorrect=not exact,
        held_back=frozenset() if drafts else published_only(config),
    )
    report, result = search_collection(config, query, options)
    errors = Console(stderr=True, soft_wrap=True, highlight=False)
    for problem in report.problems:
        errors.print(f"[yellow]{escape(str(problem))}[/] (left out of the index)")
    if report.rebuilt or report.changed:
        errors.print(f"[dim]{index_summary(report)}[/]")
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        Console(soft_wrap=True, highlight=False).print(result_renderable(result))
