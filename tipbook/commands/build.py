"""`tipbook build`: turn content/ into the handbook site (MkDocs + Material)."""

from __future__ import annotations

from pathlib import Path

import click

from tipbook.cli import get_config


@click.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: site_dir in tipbook.yml).",
)
@click.option("--drafts", is_flag=True, help="Include drafts and tips dated in the future.")
@click.pass_context
def command(ctx: click.Context, site_dir: Path | None, drafts: bool) -> None:
    """Build the handbook site from content/; fail on any broken link or invalid tip.

    \b
    Examples:
      tipbook build                       # content/ → site/
      tipbook build --site-dir /tmp/site  # somewhere else
      tipbook build --drafts              # preview drafts and future tips too
    """
    from rich.console import Console

    from tipbook.errors import display_path
    from tipbook.site import build_site

    result = build_site(get_config(ctx), site_dir=site_dir, drafts=drafts)
    Console().print(
        f"Built {result.pages:,} pages for {result.tips:,} tips in "
        f"{display_path(result.site_dir)} ({result.seconds:.1f} s)"
    )
