"""`tipbook serve`: serve the built handbook and its search API on this machine."""

from __future__ import annotations

from pathlib import Path

import click

from tipbook.cli import get_config


@click.command()
@click.option("--host", help="Address to listen on (default: serve.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (default: serve.port, 8000).")
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

    Listens on loopback unless --host says otherwise; run `tipbook build` first.

    \b
    Examples:
      tipbook build && tipbook serve
      tipbook serve --port 8080
      curl 'http://127.0.0.1:8000/api/search?q=empathy&limit=3'
      tipbook serve --drafts        # preview drafts and future tips while editing
    """
    from rich.console import Console

    from tipbook.errors import TipbookError
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
        try:
            from tipbook.site.preview import serve_preview
        except ImportError:
            raise TipbookError("--drafts preview is not available yet in this tipbook") from None
        try:
            serve_preview(config, host, port, drafts=True)
        except OSError as error:
            raise listen_error(host, port, error) from None
        return
    server = serve(config, host, port, site_dir)
    console.print(f"Serving {server.site_dir} on {server.url} (search: {server.url}api/search?q=…)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("Stopped.")
    finally:
        server.server_close()
