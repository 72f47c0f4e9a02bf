"""`tipbook check`: report every problem in the tips, as `path:line: level: message`."""

from __future__ import annotations

from pathlib import Path

import click

from tipbook.cli import get_config


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one finding per line; json: a document with errors and warnings apart.",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="List every finding (default: a warning repeated on many older tips is one line).",
)
@click.pass_context
def command(ctx: click.Context, paths: tuple[Path, ...], output: str, show_all: bool) -> None:
    """Check tips (default: every tip) and exit 1 when any has an error.

    Your own tips come first: drafts, tips scheduled after today, and files new or changed
    in git. A warning repeated on three or more other tips is folded into one line with
    the count and the fix; --all (or naming files) lists each one.

    \b
    Examples:
      tipbook check                                   # the whole collection
      tipbook check content/tips/2026/2026-12-01-listen-before-you-answer.md
      tipbook check --all                             # every finding, none folded
      tipbook check --format json > findings.json
    """
    import json

    from rich.console import Console

    from tipbook.check import check_content
    from tipbook.check_report import arrange
    from tipbook.git_changes import changed_files
    from tipbook.taxonomy import load_taxonomy

    config = get_config(ctx)
    report = check_content(
        config.content_dir,
        load_taxonomy(config.themes_file),
        list(paths) if paths else None,
        site_url=config.site_url,
        changed=changed_files(config.content_dir),
    )
    if output == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        own, others, folded = arrange(report, fold=not show_all and not paths)
        for problem in own + others:
            click.echo(str(problem))
        for group in folded:
            click.echo(f"{group} [`tipbook check --all` lists them]")
        colour = "red" if report.errors else "yellow" if report.warnings else "green"
        hidden = sum(len(group.problems) for group in folded)
        more = f", {hidden} of them folded (--all lists them)" if hidden else ""
        Console(stderr=True, soft_wrap=True).print(
            f"[{colour}]{report.checked} tip(s) checked: {len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s){more}[/]",
            highlight=False,
        )
    ctx.exit(0 if report.ok else 1)
