"""`tipbook index`: bring the full-text search index up to date with content/."""

from __future__ import annotations

import click

from tipbook.cli import get_config


@click.command()
@click.option("--rebuild", is_flag=True, help="Start over instead of updating what changed.")
@click.pass_context
def command(ctx: click.Context, rebuild: bool) -> None:
    """Update the search index (only tips added, changed or removed are written).

    A missing, damaged or outdated index is rebuilt by itself. Invalid tip files are left
    out and reported (exit 1).

    \b
    Examples:
      tipbook index             # after editing tips (search does this by itself too)
      tipbook index --rebuild   # start over
    """
    from rich.console import Console
    from rich.markup import escape

    from search.indexer import update_index
    from tipbook.commands._search_output import index_summary

    report = update_index(get_config(ctx), rebuild=rebuild)
    console = Console(stderr=True, soft_wrap=True, highlight=False)
    for problem in report.problems:
        console.print(f"[yellow]{escape(str(problem))}[/] (left out of the index)")
    console.print(index_summary(report))
    ctx.exit(1 if report.problems else 0)
