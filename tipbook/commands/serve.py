"""`tipbook serve`: serve the built handbook and its search API on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tipbook.cli import get_config

if TYPE_CHECKING:
    from rich.console import Console

    from tipbook.config import Config
    from tipbook.schedule import Publisher


@click.command()
@click.option(
    "--host",
    metavar="ADDRESS",
    help="Address to listen on (default: serve.host, 127.0.0.1: this machine only).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    metavar="N",
    help="Port to listen on (default: serve.port, 8000; 0 picks a free one).",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The built site to serve (default: site_dir from tipbook.yml).",
)
@click.option(
    "--drafts", is_flag=True, help="Live-reload preview including drafts and future tips."
)
@click.pass_context
def command(
    ctx: click.Context, host: str | None, port: int | None, site_dir: Path | None, drafts: bool
) -> None:
    """Serve the built site and GET /api/search?q=… (JSON) until Ctrl-C.

    Listens on loopback unless --host says otherwise; run `tipbook build` first. When a
    scheduled tip's date comes, the site is rebuilt by itself (no restart). To publish,
    put it behind a reverse proxy: see the README's Publish section.

    \b
    Examples:
      tipbook build && tipbook serve
      tipbook serve --port 8080     # or: make serve PORT=8080
      curl 'http://127.0.0.1:8000/api/search?q=empathy&limit=3'
      tipbook serve --drafts        # preview drafts and future tips while editing
    """
    from rich.console import Console

    from tipbook.server import LOOPBACK, listen_error, serve

    config = get_config(ctx)
    host = host or config.serve.host
    port = config.serve.port if port is None else port
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    if host not in LOOPBACK:
        shown = "drafts and future tips" if drafts else "the site"
        console.print(
            f"[yellow]Warning: listening on {host}: other machines can reach this server "
            f"and see {shown}. Use --host 127.0.0.1 to keep it on this machine.[/]"
        )
    if drafts:
        from tipbook.site.preview import serve_preview

        try:
            serve_preview(config, host, port, drafts=True)
        except OSError as error:
            raise listen_error(host, port, error) from None
        return
    server = serve(config, host, port, site_dir)
    console.print(f"Serving {server.site_dir} on {server.url} (search: {server.url}api/search?q=…)")
    publisher = start_publisher(config, server.site_dir, console)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("Stopped.")
    finally:
        publisher.stop()
        server.server_close()


def start_publisher(config: Config, site_dir: Path, console: Console) -> Publisher:
    """Rebuild the served site by itself when a scheduled tip's date comes (tipbook.schedule)."""
    import logging

    from tipbook.schedule import Publisher

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger = logging.getLogger("tipbook.schedule")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    publisher = Publisher(config, site_dir)
    upcoming = publisher.next_date
    if upcoming is not None and upcoming <= publisher.clock():
        console.print(f"The site predates the tip of {upcoming:%A %d %B %Y}: rebuilding it now.")
    elif upcoming is not None:
        console.print(f"Next scheduled tip: {upcoming:%A %d %B %Y}; the site is rebuilt that day.")
    publisher.start()
    return publisher
