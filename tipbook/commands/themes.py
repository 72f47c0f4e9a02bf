"""`tipbook themes`: list the theme chapters, and explain or write a tip's themes."""

from __future__ import annotations

from pathlib import Path

import click

from tipbook.cli import get_config
from tipbook.errors import terminal_text


@click.group()
def command() -> None:
    """The theme chapters (content/themes.yml) and the theme classifier.

    \b
    Examples:
      tipbook themes list
      tipbook themes suggest content/tips/2026/2026-12-01-listen-before-you-answer.md --write
    """


@command.command("list")
@click.pass_context
def list_themes(ctx: click.Context) -> None:
    """Every theme id with its title and its tips: published, scheduled and drafts apart.

    A chapter shows only its published tips; scheduled ones (dated after today) join it on
    their date, drafts once `draft: true` is removed.

    \b
    Example:
      tipbook themes list
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from tipbook.editor import theme_tally
    from tipbook.taxonomy import load_taxonomy

    config = get_config(ctx)
    taxonomy = load_taxonomy(config.themes_file)
    tally = theme_tally(config.content_dir, taxonomy)
    table = Table()
    table.add_column("id", no_wrap=True, min_width=max((len(t.id) for t in taxonomy), default=2))
    table.add_column("title")
    for state in ("published", "scheduled", "drafts"):
        table.add_column(state, justify="right", no_wrap=True, min_width=len(state))
    for theme in taxonomy:
        table.add_row(
            theme.id,
            # One line per theme.
            Text(terminal_text(theme.title), no_wrap=True, overflow="ellipsis"),
            str(tally.published[theme.id]),
            str(tally.scheduled[theme.id] or ""),
            str(tally.drafts[theme.id] or ""),
        )
    Console().print(table)


@command.command("suggest")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--write", is_flag=True, help="Add the suggested themes to the file.")
@click.pass_context
def suggest(ctx: click.Context, path: Path, write: bool) -> None:
    """Score a tip against every theme, with the words that triggered each score.

    A tip no signal word places is given its nearest chapter: the one whose description,
    signal words and tips it is most like, shown with the shared words and similar tips.

    \b
    Example:
      tipbook themes suggest content/tips/2026/2026-12-01-listen-before-you-answer.md --write
    """
    from rich.console import Console
    from rich.table import Table

    from tipbook.editor import suggest_themes
    from tipbook.taxonomy import load_taxonomy

    config = get_config(ctx)
    result = suggest_themes(path, load_taxonomy(config.themes_file), config.content_dir, write)
    table = Table("theme", "score", "needs", "suggested", "words (count)", title=str(path))
    for score in result.scores:
        words = ", ".join(f"{w} ({n})" for w, n in sorted(score.matches.items()))
        mark = "yes" if score.theme in result.suggested else ""
        style = "" if score.score else "dim"
        table.add_row(score.theme, str(score.score), str(score.threshold), mark, words, style=style)
    console = Console()
    console.print(table)
    if result.nearest is not None:
        match = result.nearest
        console.print(
            f"No signal word places this tip. Nearest chapter: [bold]{match.theme}[/] "
            f"(similarity {match.similarity:.2f})",
            highlight=False,
        )
        console.print(f"  shared words: {', '.join(match.words)}", highlight=False, markup=False)
        if match.similar:
            like = "; ".join(f"“{title}” ({tip_id[:10]})" for tip_id, title in match.similar)
            like = terminal_text(like)  # other tips' titles
            console.print(f"  its tips most like this one: {like}", highlight=False, markup=False)
    console.print(f"In the file: {', '.join(result.tip.themes) or '(none)'}", highlight=False)
    if result.written:
        console.print(f"[green]Added {', '.join(result.added)} to {path}[/]", highlight=False)
    elif result.added:
        console.print(f"Suggested to add: {', '.join(result.added)} (use --write)", highlight=False)
    elif result.unplaced:
        console.print(
            "No theme has enough signal words and no chapter is near enough: "
            "choose themes by hand (`tipbook themes list`)."
        )
    else:
        console.print("Nothing to add.")
