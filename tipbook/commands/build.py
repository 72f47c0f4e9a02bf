"""`tipbook build`: turn content/ into the handbook site (MkDocs + Material)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from tipbook.cli import flag, get_config


@click.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: site_dir in tipbook.yml).",
)
@click.option("--drafts", is_flag=True, help="Include drafts and tips dated in the future.")
@click.option(
    "--site-url",
    metavar="URL",
    help="The address readers use, for the feed and sitemap (default: site_url in tipbook.yml).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1, site unchanged) when any due tip has an error, instead of holding "
    "it back and publishing the rest (for CI).",
)
@click.option(
    "--engine",
    type=click.Choice(["mkdocs", "zensical"]),
    default="mkdocs",
    show_default=True,
    help="The renderer: MkDocs + Material, or Zensical (pip install 'tipbook[zensical]').",
)
@click.pass_context
def command(
    ctx: click.Context,
    site_dir: Path | None,
    drafts: bool,
    site_url: str | None,
    strict: bool,
    engine: str,
) -> None:
    """Build the handbook site from content/, holding back every tip `check` finds errors in.

    A due tip with an error is not published; everything else is, and each held-back tip
    is listed as `path:line: error: reason` (exit status 0; with --strict, exit 1 and the
    previous site stays). Drafts' and scheduled tips' errors never stop the build.

    Reports what the site leaves out: tips scheduled for a later day (with their dates),
    drafts, and tips in no chapter. Scheduled tips go live with the first build on or
    after their date (`tipbook serve` rebuilds by itself on that day).

    \b
    Examples:
      tipbook build                       # content/ → site/
      tipbook build --site-dir /tmp/site  # somewhere else
      tipbook build --drafts              # preview drafts and future tips too
      tipbook build --site-url https://tips.example.org/   # for publishing there
      tipbook build --strict              # CI: fail when any due tip has an error
      tipbook build --engine zensical     # render with Zensical instead of MkDocs
    """
    from rich.console import Console

    from tipbook.errors import display_path, word_options
    from tipbook.site import build_site
    from tipbook.site.report import checked_site_url, site_url_warning

    config = get_config(ctx)
    if site_url is not None:
        config = replace(config, site_url=checked_site_url(site_url))
    result = build_site(config, site_dir=site_dir, drafts=drafts, strict=strict, engine=engine)
    console = Console(highlight=False, soft_wrap=True)
    console.print(
        f"Built {result.pages:,} pages for {result.tips:,} tips in "
        f"{display_path(result.site_dir)} ({result.seconds:.1f} s)"
    )
    if result.held_back:
        for line in result.held_back.lines(config.content_dir):
            console.print(line, markup=False)
    warning = site_url_warning(config.site_url)
    if warning:
        worded = word_options(warning, flag, ("site_url",))
        Console(stderr=True, highlight=False, soft_wrap=True).print(f"[yellow]warning:[/] {worded}")
