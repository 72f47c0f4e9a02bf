"""The handbook site: collect tips, cross-link them, list them, and build with MkDocs.

`collect`, `crosslink` and `pages` are plain library code (testable without a build);
`plugin` is the MkDocs glue; `build_site` and `preview.serve_preview` run MkDocs.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tipbook import publish
from tipbook.config import Config
from tipbook.errors import TipbookError, display_path
from tipbook.site import speedups

PLUGIN_NAME = "tipbook"


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    site_dir: Path
    tips: int
    pages: int
    seconds: float
    held_back: Any = None  # a `report.HeldBack`: the tips this build did not publish


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so a failed build reports them in one message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "'dirty' build" not in message:  # MkDocs' notice on every quick preview rebuild
            self.messages.append(message)


def load_mkdocs_config(
    config: Config, site_dir: Path | None = None, drafts: bool = False, preview: bool = False
) -> Any:
    """MkDocs' configuration from the root `mkdocs.yml`, wired to this tipbook config."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner
    from mkdocs.config import load_config as load_mkdocs
    from mkdocs.exceptions import ConfigurationError

    path = config.mkdocs_file
    if not path.is_file():
        raise TipbookError(f"{display_path(path)}: not found: tipbook builds with this file")
    try:
        mkdocs_config = load_mkdocs(
            config_file=str(path), site_dir=str(site_dir or config.site_dir), strict=True
        )
    except ConfigurationError as error:
        raise TipbookError(f"{display_path(path)}: {error}") from None
    plugin = mkdocs_config.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise TipbookError(
            f"{display_path(path)}: the tipbook plugin is missing: add `- tipbook` under plugins"
        )
    plugin.prepare(config, drafts=drafts, preview=preview)
    return mkdocs_config


def build_site(
    config: Config,
    site_dir: Path | None = None,
    drafts: bool = False,
    strict: bool = False,
    engine: str = "mkdocs",
) -> BuildResult:
    """Build the handbook into `site_dir` (default: tipbook.yml's `site_dir`).

    Every tip passes `check`'s gate first (`collect.collect_tips`): a due tip with an error
    is held back, everything else is published, and `BuildResult.held_back` names each
    held-back tip with its errors. With `strict` (CI), any held-back tip fails the build
    with one `TipbookError` and the previous site stays. What is not a tip (themes.yml,
    mkdocs.yml, a hand-written page's broken link) fails the build. It writes into a staging
    folder beside the site and swaps it in only when finished (`publish`): a failed,
    interrupted or killed build leaves the previous site as it was. `engine="zensical"`
    renders the same pages with Zensical instead (`engines`).
    """
    from mkdocs.commands.build import build

    from tipbook.site.report import held_back

    started = time.perf_counter()
    site_dir = Path(site_dir or config.site_dir).resolve()
    if site_dir.exists() and not site_dir.is_dir():
        raise TipbookError(
            f"{display_path(site_dir)} is not a folder: remove it or choose another site_dir"
        )
    if engine == "zensical":
        from tipbook.site.engines import build_with_zensical

        result: BuildResult = build_with_zensical(config, site_dir, drafts, strict)
        return result
    publish.clean_leftovers(site_dir)
    with publish.staging_dir(site_dir) as staging:
        mkdocs_config = load_mkdocs_config(config, staging, drafts)
        plugin = mkdocs_config.plugins[PLUGIN_NAME]
        try:
            with mkdocs_errors(config):
                # As `mkdocs build` does: plugins that persist between builds in one process
                # (Material's search after a preview, say) start over as a plain build.
                mkdocs_config.plugins.on_startup(command="build", dirty=False)
                speedups.forget_previous_search(mkdocs_config.plugins.values())
                build(mkdocs_config)
        finally:
            plugin.stop_worker()  # interrupted (Ctrl-C): no worker goes on writing
            mkdocs_config.plugins.on_shutdown()
        held = held_back(plugin.collection) if plugin.collection is not None else None
        if strict:
            refuse_held_back(held)
        try:
            publish.publish(staging, site_dir)
        except OSError as error:
            raise TipbookError(
                f"cannot put the new site in place at {display_path(site_dir)} "
                f"({error.strerror or error}): the previous site is unchanged; check the "
                "folder's permissions"
            ) from None
    tips = len(plugin.collection) if plugin.collection is not None else 0
    seconds = time.perf_counter() - started
    return BuildResult(site_dir, tips, plugin.page_count, seconds, held)


def refuse_held_back(held: Any) -> None:
    """A strict build's verdict: any tip held back for errors fails it (the site stays)."""
    if held is not None and held.withheld:
        raise TipbookError(
            "strict build: tips with errors would be held back; the site is unchanged:\n"
            + "\n".join(held.error_lines()[1:])
        )


@contextmanager
def mkdocs_errors(config: Config, quiet: bool = True) -> Iterator[None]:
    """Turn a failed MkDocs build into one `TipbookError` listing MkDocs' warnings and
    errors (each naming its file); with `quiet`, MkDocs logs nothing else meanwhile."""
    from mkdocs.exceptions import Abort, MkDocsException

    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    propagate = logger.propagate
    if quiet:
        logger.propagate = False
    try:
        yield
    except (Abort, MkDocsException) as error:
        messages = [_with_content_path(m, config) for m in handler.messages]
        if not messages:
            messages = [str(error)]
        raise TipbookError("the build failed:\n" + "\n".join(dict.fromkeys(messages))) from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _with_content_path(message: str, config: Config) -> str:
    """MkDocs names pages relative to content/ ('tips/2013/x.md'): name the real file."""
    prefix = display_path(config.content_dir)
    for quote in ("Doc file '", "Error reading page '", "Error building page '"):
        if message.startswith(quote):
            return message.replace(quote, f"{quote}{prefix}/", 1)
    return message
