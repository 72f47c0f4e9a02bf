"""The live preview: build the handbook (drafts included), serve it on loopback and
rebuild on every change, with the browser reloading itself (MkDocs' livereload server).

A rebuild after an edit to tips' text is quick (`tipbook.site.incremental`): only the pages
the edit changes are rendered again, on the last build's MkDocs state kept in memory. Any
other change (a tip added, removed or retitled, themes.yml, mkdocs.yml) is a full build
beside the site, swapped in when done. Either way the tips' parsed front matter, their
findings and the related-tips map are kept between rebuilds.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tipbook import publish, searchhttp
from tipbook.config import Config
from tipbook.errors import TipbookError
from tipbook.model import TIPS_DIR
from tipbook.site import incremental, load_mkdocs_config, mkdocs_errors, speedups

if TYPE_CHECKING:  # imported when serving: MkDocs' server pulls in watchdog
    from mkdocs.livereload import LiveReloadServer

    from tipbook.site.collect import Collection

log = logging.getLogger("tipbook.preview")


class PreviewBuilder:
    """Builds the preview site: a full build first, quick or full rebuilds after that.

    A tip `check` finds errors in is held back (as `tipbook build` does) and its errors
    are kept in `held`, which every page shows in a banner. A rebuild that fails (a broken
    `themes.yml`, say) does not raise: MkDocs' live-reload server would hold every request
    until a build succeeds. It keeps the error in `error`, shown in the banner too, and
    the next save rebuilds in full beside the site, swapped in only when it succeeds: any
    number of broken saves keep the last good build on screen.
    """

    def __init__(self, config: Config, site_dir: Path, serve_url: str, drafts: bool) -> None:
        self.config = config
        self.site_dir = site_dir
        self.serve_url = serve_url
        self.drafts = drafts
        self.builds = 0
        self.attempts = 0  # builds tried, failed ones too
        self.last_seconds = 0.0
        self.held_back_lines: list[str] = []  # the last report logged
        self.error = ""  # the last rebuild's failure ('' when it succeeded)
        self.held = ""  # the held-back tips' errors of the last good build
        self.quick_builds = 0  # rebuilds that rendered only what an edit changed
        self._files_seen: dict[Path, tuple[int, int]] = {}  # (mtime, size) at the last build
        self._mkdocs_config: Any = None  # the last good build's, for a quick rebuild

    def banner(self) -> bytes:
        """What every preview page shows on top: the failure, else the held-back tips."""
        if self.error:
            return error_banner(self.error)
        return error_banner(self.held, held=True) if self.held else b""

    def __call__(self) -> None:
        self.attempts += 1
        seen, self._files_seen = self._files_seen, self._watched_files()
        if self.builds == 0:
            self._build(self.site_dir)  # its failure is the command's error
            incremental.published(self._mkdocs_config.plugins["tipbook"], self.site_dir)
            return
        try:
            with mkdocs_errors(self.config, quiet=False):
                # After a failure (pages may be half done) or any change but an edit to
                # tips' text: a full build beside the site, swapped in when done. (MkDocs'
                # dirty build would leave stale what the change reaches beyond its own
                # page: the neighbours' footers, other tips' related lists, the tags.)
                if self.error or not self._quick(seen):
                    with publish.staging_dir(self.site_dir) as staging:
                        self._build(staging)
                        publish.publish(staging, self.site_dir)
                    self._mkdocs_config.site_dir = str(self.site_dir)
                    incremental.published(self._mkdocs_config.plugins["tipbook"], self.site_dir)
        except TipbookError as error:
            self.error = error.message
        except Exception as error:  # a bug: shown too, never a stuck preview
            log.exception("The preview rebuild failed")
            self.error = f"{type(error).__name__}: {error}"
        else:
            self.error = ""
            return
        log.error("The preview rebuild failed; fix it and save to try again:\n%s", self.error)

    def withheld_files(self) -> frozenset[str]:
        """The tip files the last good build held back for errors, named as the search
        index names them (`content/tips/…`: `SearchOptions.held_back`)."""
        plugin = self._mkdocs_config.plugins["tipbook"] if self._mkdocs_config else None
        collection = plugin.collection if plugin is not None else None
        content = self.config.content_dir
        return frozenset(
            f"{content.name}/{held.path.relative_to(content).as_posix()}"
            for held in (collection.withheld if collection is not None else ())
            if held.path is not None and held.path.is_relative_to(content)
        )

    def settle(self) -> None:
        """Wait until the last build's background work (its static search index) is done."""
        if self._mkdocs_config is not None:
            incremental.settle(self._mkdocs_config.plugins["tipbook"])

    def _watched_files(self) -> dict[Path, tuple[int, int]]:
        """Every file the preview watches (content/, mkdocs.yml, overrides/) with its
        (mtime, size): what changed since the last build tells a quick rebuild (tips
        edited) from a real one (anything else, a theme or template change too)."""
        config = self.config
        paths = [config.mkdocs_file]
        for top in (config.content_dir, config.root / "overrides"):
            paths.extend(Path(folder, name) for folder, _, names in os.walk(top) for name in names)
        found: dict[Path, tuple[int, int]] = {}
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            found[path] = (stat.st_mtime_ns, stat.st_size)
        return found

    def _quick(self, seen: dict[Path, tuple[int, int]]) -> bool:
        """Render only what an edit to tip files changed (`incremental`); False when
        anything else changed, or the edit needs a rebuild."""
        mkdocs_config = self._mkdocs_config
        if mkdocs_config is None:
            return False
        plugin = mkdocs_config.plugins["tipbook"]
        if plugin.built_config is not mkdocs_config:  # another build in this process since
            return False
        now = self._files_seen
        changed = {path for path in seen.keys() | now.keys() if seen.get(path) != now.get(path)}
        tips = self.config.content_dir / TIPS_DIR
        if not all(
            path in seen and path in now and path.suffix == ".md" and path.is_relative_to(tips)
            for path in changed
        ):
            incremental.forget_findings(plugin)
            return False
        started = time.perf_counter()
        if not incremental.quick_rebuild(plugin, mkdocs_config):
            return False
        self.builds += 1
        self.quick_builds += 1
        self.last_seconds = time.perf_counter() - started
        log.info("Preview rebuilt in %.2f s (the pages the edit changed)", self.last_seconds)
        self._report(plugin.collection)
        return True

    def _build(self, site_dir: Path) -> None:
        from mkdocs.commands.build import build

        started = time.perf_counter()
        mkdocs_config = load_mkdocs_config(self.config, site_dir, self.drafts, preview=True)
        mkdocs_config.site_url = self.serve_url
        # Previewing shows problems as warnings instead of stopping (a dirty rebuild itself
        # logs a warning); `tipbook build` stays strict.
        mkdocs_config.strict = False
        if self.builds == 0:
            mkdocs_config.plugins.on_startup(command="serve", dirty=True)
        speedups.forget_previous_search(mkdocs_config.plugins.values())  # a full build
        self._mkdocs_config = None  # a failed build leaves no state to build on
        build(mkdocs_config, serve_url=self.serve_url)
        self._mkdocs_config = mkdocs_config
        self.builds += 1
        self.last_seconds = time.perf_counter() - started
        log.info("Preview built in %.2f s", self.last_seconds)
        self._report(mkdocs_config.plugins["tipbook"].collection)

    def _report(self, collection: Collection | None) -> None:
        """Log what the published site would hold back, when that changed since last time."""
        from tipbook.site.report import held_back

        if collection is None:
            return
        report = held_back(collection)
        self.held = "\n".join(line.strip() for line in report.error_lines()[1:])
        lines = report.lines(self.config.content_dir)
        if lines != self.held_back_lines:
            self.held_back_lines = lines
            for line in lines:
                log.info("%s", line)


def error_banner(message: str, held: bool = False) -> bytes:
    """The banner every preview page shows while the last rebuild has failed, or tips are
    held back for errors (the message escaped: it quotes tip files)."""
    heading = (
        "<strong>These tips are held back: not published until fixed</strong> (as "
        "<code>tipbook build</code> would). Fix them and save: the page reloads."
        if held
        else "<strong>The preview could not be rebuilt</strong> (this page is the last good "
        "build). Fix the problem and save: the page reloads."
    )
    return (
        '<div role="alert" id="tipbook-preview-error" style="position:fixed;z-index:9999;'
        "top:0;left:0;right:0;max-height:50vh;overflow:auto;margin:0;padding:1em;"
        'background:#fff0f0;color:#8b0000;border-bottom:3px solid #c00;font:14px monospace">'
        f"{heading}<pre style='white-space:pre-wrap'>{html.escape(message)}</pre></div>"
    ).encode()


def make_preview_server(
    config: Config, host: str, port: int, drafts: bool = True
) -> tuple[LiveReloadServer, PreviewBuilder, Path]:
    """A ready (not yet serving) livereload server watching content/, mkdocs.yml and
    overrides/; returns (server, builder, site_dir). The first build has been done."""
    site_dir = Path(tempfile.mkdtemp(prefix="tipbook-preview-"))
    serve_url = f"http://{host}:{port}/"  # as `mkdocs serve` writes it
    builder = PreviewBuilder(config, site_dir, serve_url, drafts)
    try:
        with mkdocs_errors(config, quiet=False):
            builder()
    except BaseException:
        shutil.rmtree(site_dir, ignore_errors=True)
        raise
    server = _guarded_server(builder, host, port, site_dir, config.site_url)
    speedups.inject_into_preview_pages(server, builder.banner)

    def error_page(code: int) -> bytes | None:
        page = site_dir / f"{code}.html"
        if code not in (404, 500) or not page.is_file():
            return None
        return speedups.inject_into_preview_error_page(server, page.read_bytes())

    server.error_handler = error_page
    _serve_search_api(server, config, builder)
    server_log = logging.getLogger("mkdocs.livereload")
    if not any(isinstance(f, _NoSearchWords) for f in server_log.filters):
        server_log.addFilter(_NoSearchWords())
    server.watch(str(config.content_dir))
    server.watch(str(config.mkdocs_file))
    if (config.root / "overrides").is_dir():
        server.watch(str(config.root / "overrides"))
    return server, builder, site_dir


def _guarded_server(
    builder: PreviewBuilder, host: str, port: int, site_dir: Path, site_url: str
) -> LiveReloadServer:
    """MkDocs' livereload server with `tipbook serve`'s request hardening (the Host
    allowlist, path checks, idle timeout and head deadline of tipbook.requestguard):
    the preview shows drafts, which a DNS-rebinding page must not read."""
    from mkdocs.livereload import LiveReloadServer

    from tipbook.requestguard import GuardedHandler, GuardedServer, allowed_hosts

    class PreviewServer(GuardedServer, LiveReloadServer):
        pass

    server = PreviewServer(builder=builder, host=host, port=port, root=str(site_dir))
    handler: type = server.RequestHandlerClass  # type: ignore[assignment]
    server.RequestHandlerClass = type("PreviewHandler", (GuardedHandler, handler), {})
    server.allowed_hosts = allowed_hosts(host, site_url)
    return server


def _serve_search_api(server: LiveReloadServer, config: Config, builder: PreviewBuilder) -> None:
    """Answer `/api/search` in the preview as `tipbook serve` does (one adapter for both,
    tipbook.searchhttp), so the preview's search box runs on tipbook's own search too (with
    drafts and scheduled tips when the builder shows them). The first search after a build
    brings the index up to date and leaves out the tips that build held back, as the site
    does (the index is of content/, the site of what the gate lets through).

    Done by wrapping the server's WSGI application (`get_app`/`set_app`, the standard
    library's public wsgiref API), not MkDocs' request handling.
    """
    from search.api import SearchService

    service = SearchService(
        config.content_dir, config.index_dir, include_unpublished=builder.drafts
    )
    service.refresh(force=True)  # as `tipbook serve` does: incremental, so quick after once
    service.held_back = builder.withheld_files()
    searched_after = [builder.builds]  # the build the index was last brought up to
    site_app = server.get_app()
    assert site_app is not None

    def follow_the_build() -> None:
        if searched_after[0] != builder.builds:  # a build succeeded since
            searched_after[0] = builder.builds
            with contextlib.suppress(TipbookError, OSError):  # searches what is indexed
                service.refresh(force=True)
            service.held_back = builder.withheld_files()

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        # wsgiref's PATH_INFO is decoded; `searchhttp` decodes the server's path the same.
        path = environ.get("PATH_INFO", "")
        if not searchhttp.is_api(path):
            return site_app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        follow_the_build()
        answer = searchhttp.answer(method, path, environ.get("QUERY_STRING", ""), service)
        start_response(answer.status_line, answer.headers())
        return [answer.body_for(method)]

    server.set_app(app)


def serve_preview(
    config: Config, host: str = "127.0.0.1", port: int = 8000, drafts: bool = True
) -> None:
    """Serve a live-reloading preview of the handbook until interrupted (Ctrl+C).

    Progress ("Serving on …", each rebuild, warnings) goes to standard error.
    """
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    console.addFilter(_DirtyNotice())
    loggers = [logging.getLogger("mkdocs"), log]
    for logger in loggers:
        logger.addHandler(console)
        logger.setLevel(logging.INFO)
    try:
        server, builder, site_dir = make_preview_server(config, host, port, drafts)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Stopping the preview")
        finally:
            server.shutdown()
            builder.settle()  # the static search index a last save is writing
            shutil.rmtree(site_dir, ignore_errors=True)
    finally:
        for logger in loggers:
            logger.removeHandler(console)


class _NoSearchWords(logging.Filter):
    """MkDocs' server logs each failed request's line, query string and all: what a search
    asked is cut from it, as `tipbook serve` cuts it (`searchhttp.without_search_words`).
    On MkDocs' server logger itself, so every handler gets the cut line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = searchhttp.without_search_words(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class _DirtyNotice(logging.Filter):
    """Drops MkDocs' warning that every quick ("dirty") rebuild is one: that is the point."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()
