"""`tipbook new`: start next week's tip from the house template."""

from __future__ import annotations

import datetime as dt

import click

from tipbook.cli import get_config


@click.command()
@click.argument("title")
@click.option(
    "--date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Publication date (default: the first Tuesday after the newest tip, never past).",
)
@click.option(
    "--theme",
    "themes",
    multiple=True,
    metavar="ID",
    help="A theme id from `tipbook themes list`; repeat it for several.",
)
@click.option("--series", metavar="NAME", help="The series the tip belongs to (with --part).")
@click.option(
    "--part",
    type=click.IntRange(min=1),
    metavar="N",
    help="The tip's part number in --series (a part another tip is, is refused).",
)
@click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")
@click.pass_context
def command(
    ctx: click.Context,
    title: str,
    date: dt.datetime | None,
    themes: tuple[str, ...],
    series: str | None,
    part: int | None,
    edit: bool,
) -> None:
    """Create a draft tip from the template and print its path.

    The tip is a draft (`draft: true`) with TODO placeholders; `tipbook check` lists what
    is left to do. A date, slug or series part another tip has is refused (exit 1).

    \b
    Examples:
      tipbook new "Listen Before You Answer" --theme empathy --date 2026-12-01
      tipbook new "The Fourth Step" --series "Customer for Life" --part 4
    """
    from rich.console import Console

    from tipbook.editor import new_tip, series_option
    from tipbook.taxonomy import load_taxonomy

    config = get_config(ctx)
    created = new_tip(
        config.content_dir,
        load_taxonomy(config.themes_file),
        title,
        date=date.date() if date else None,
        themes=themes,
        series=series_option(series, part),
    )
    err = Console(stderr=True, soft_wrap=True)
    for warning in created.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    click.echo(created.path)
    err.print(f"Draft for {created.tip.date:%A %d %B %Y}: fill in the TODOs, then `tipbook check`.")
    if edit:
        click.edit(filename=str(created.path))
