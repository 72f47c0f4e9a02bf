"""`tipbook scrape`: crawl the tip archive (or given pages) into content/tips/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tipbook.cli import flag, get_config


@click.command()
@click.argument("urls", nargs=-1)
@click.option(
    "--content-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write tips under DIR/tips/ (default: the configured content folder).",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    help="Seconds between two requests to a host (default 1).",
)
@click.option(
    "--concurrency", type=click.IntRange(min=1), help="Requests in flight at once (default 2)."
)
@click.option("--full", is_flag=True, help="Walk every archive page and re-fetch every post.")
@click.option(
    "--offline", is_flag=True, help="Make no request: re-extract everything from the cache."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The HTTP cache folder (default: the configured cache_dir).",
)
@click.option("--force", is_flag=True, help="Overwrite tips an editor changed.")
@click.option(
    "--max-pages", type=click.IntRange(min=1), help="Read at most N pages of each archive."
)
@click.option(
    "--source-base",
    metavar="URL",
    help="Record sources under this site (when crawling a mirror of it).",
)
@click.option(
    "--via",
    type=click.Choice(["auto", "rest", "feed", "html"]),
    default="auto",
    show_default=True,
    help="The door to read posts through (auto: the REST API, else the feed, else the pages).",
)
@click.option(
    "--plan", is_flag=True, help="Only list the doors found and how many posts each lists."
)
@click.option(
    "-v", "--verbose", is_flag=True, help="List every tip with the reasons for its themes."
)
@click.pass_context
def command(
    ctx: click.Context, /, urls: tuple[str, ...], verbose: bool, plan: bool, **flags: Any
) -> None:
    """Scrape tips from the archive (default: the configured start URLs) into content/.

    A URL may be an archive (category, tag, any paginated listing) or one article. Exit 0
    when every tip was written, 1 when some page failed (the rest is still written).
    Posts come through the site's REST API, else its feed, else its pages (--via).

    \b
    Examples:
      tipbook scrape                                    # refresh from the tip archive
      tipbook scrape https://cssamerica.com/tag/empathy/ --full
      tipbook scrape --offline                          # re-extract from the cache only
      tipbook scrape --plan                             # which doors, how many posts
      tipbook scrape --via html                         # read the theme's pages only
    """
    from rich.console import Console

    from scraper.pipeline import plan as plan_doors
    from tipbook.scrape_output import build_options, print_plan, run_scrape

    # click hands over the options by name, typed by their declarations above.
    options = build_options(get_config(ctx, project=False), urls, **flags)
    if plan:
        plans = plan_doors(options)
        print_plan(plans, Console(), word=flag)
        ctx.exit(1 if any(site.problem for site in plans) else 0)
    report = run_scrape(options, Console(), verbose=verbose, word=flag)
    ctx.exit(0 if report.ok else 1)
