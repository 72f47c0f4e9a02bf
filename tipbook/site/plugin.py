"""The MkDocs plugin: thin glue between MkDocs' build events and tipbook's site library.

- `on_config`: settings from tipbook.yml (site name, content folder, site folder).
- `on_pre_build`: refuse symbolic links that leave content/, loop or lead nowhere
  (`tipbook.symlinks`), before MkDocs walks the folder following them.
- `on_files`: collect the tips (drafts and future tips out), prepare the related tips once
  (each tip's ranked when its page is composed), add every list page and the feed as
  virtual files, keep tip pages out of the navigation.
- `on_page_markdown`: a tip page's Markdown is composed from its `Tip` (callout, series,
  related) only when MkDocs renders that page, so a dirty rebuild composes one page.
- `on_nav`: with two CPUs, fork a worker process for half the tip pages (`parallel`).
- `on_page_context`: Material's footer links a tip to the previous and next tip by date.
- `on_page_content`: the page (body, title, table of contents) and its furniture pass the
  one safety gate, `sanitize`.
- `on_post_page`: generated lists and page furniture go in as ready HTML fragments.
- `on_env`: a fragment cache for the template parts all tip pages share; the tags listing
  Material's tags plugin puts into pages passes the gate too.
- `on_post_build`: the search index's entries (both processes') pass the gate.

The speed-ups (one Markdown instance, the worker process, the fragment cache) run only
where `speedups.active()` says they may; otherwise the build is MkDocs' own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache, nodes
from jinja2.ext import Extension
from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsBaseConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from tipbook.config import Config, load_config
from tipbook.errors import TipbookError, display_path
from tipbook.model import Tip
from tipbook.site import generate, pages, parallel, sanitize, speedups
from tipbook.site.collect import Collection, collect_tips
from tipbook.symlinks import check_content_links

log = logging.getLogger("mkdocs.plugins.tipbook")
STATIC_PAGES_DIR = "pages"  # content/pages/*.md: hand-written pages, e.g. the editors' guide


class TipbookPluginConfig(MkDocsBaseConfig):
    # tipbook.yml to read; default: the one next to mkdocs.yml.
    config_file = config_options.Type(str, default="")
    # Include drafts and future-dated tips (the preview turns this on).
    drafts = config_options.Type(bool, default=False)


class TipbookPlugin(BasePlugin[TipbookPluginConfig]):
    """Turns content/ into the handbook's pages (see the module docstring)."""

    def __init__(self) -> None:
        self.tipbook_config: Config | None = None
        self.drafts = False
        self.preview = False
        self.fast = True  # the speed-ups run in this build (see `speedups`)
        self._serving = False
        self._override: tuple[Config, bool, bool] | None = None
        self._tip_cache: dict[Path, Any] = {}
        self._worker: parallel.Worker | None = None
        self.page_count = 0
        self._worker_uris: frozenset[str] = frozenset()
        self.collection: Collection | None = None
        self.related: Mapping[str, list[str]] = {}
        self._related_key: tuple[Any, ...] | None = None
        self._tips_by_uri: dict[str, Tip] = {}
        self._specs: dict[str, pages.PageSpec] = {}
        # Each page's furniture, sanitised, from `on_page_content` to `on_post_page`.
        self._safe_fragments: dict[str, dict[str, str]] = {}
        self._files: Files | None = None
        self._static_search: Any = None  # search.static.StaticIndexJob while it runs
        self.handbook: generate.Handbook | None = None

    def prepare(self, tipbook_config: Config, *, drafts: bool, preview: bool = False) -> None:
        """Settings for the next build from `build_site` or the preview (instead of reading
        tipbook.yml and the plugin's options), so `tipbook --config X build` is honoured."""
        self._override = (tipbook_config, drafts, preview)

    # Defining on_startup makes MkDocs keep this instance across `serve` rebuilds, so a
    # preview rebuild reuses the parsed tips and the related-tips map.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        override, self._override = self._override, None
        if override is not None:
            tb, self.drafts, self.preview = override
        else:
            tb = self._load_tipbook_config(config)
            self.drafts, self.preview = self.config.drafts, self._serving
        self.tipbook_config = tb
        self.fast = speedups.active()
        # Material prints these into pages as they are (`<title>`, the header): as safe
        # text. tipbook's own pages and feed use the plain text from `tb`.
        config.site_name = sanitize.text(tb.site_name)
        if tb.site_description and not config.site_description:
            config.site_description = sanitize.text(tb.site_description)
        if tb.site_url and not config.site_url:
            config.site_url = tb.site_url
        config.docs_dir = str(tb.content_dir)
        if not config.use_directory_urls:
            raise PluginError("mkdocs.yml: tipbook needs `use_directory_urls: true`")
        default_site = Path(config.config_file_path or "mkdocs.yml").resolve().parent / "site"
        if Path(config.site_dir).resolve() == default_site:
            config.site_dir = str(tb.site_dir)
        return config

    def _load_tipbook_config(self, config: MkDocsConfig) -> Config:
        if self.config.config_file:
            path = Path(self.config.config_file)
        else:
            path = Path(config.config_file_path or "mkdocs.yml").resolve().parent / "tipbook.yml"
        try:
            return load_config(path if path.is_file() else None)
        except TipbookError as error:
            raise PluginError(error.message) from None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Before MkDocs walks content/ (following every symbolic link): refuse links that
        # leave it, loop or lead nowhere, naming each.
        try:
            check_content_links(Path(config.docs_dir))
        except TipbookError as error:
            raise PluginError(error.message) from None

    @event_priority(50)  # before Material's tags and search plugins see the files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        tb = self.tipbook_config
        assert tb is not None
        try:
            collection = collect_tips(
                tb.content_dir,
                drafts=self.drafts,
                cache=self._tip_cache if self.preview else None,
            )
        except TipbookError as error:
            raise PluginError(error.message) from None
        self.collection = collection
        self.related = self._related_for(collection)
        self._tips_by_uri = {collection.src_uri(tip): tip for tip in collection.tips}

        unpublished = [
            f"{display_path(Path(file.abs_src_path))}: error: {reason}"
            for file in files
            if not file.is_documentation_page()
            and not file.inclusion.is_excluded()
            and file.abs_src_path
            and Path(file.abs_src_path).is_relative_to(tb.content_dir)
            and (reason := sanitize.unpublished_file(file.src_uri))
        ]
        if unpublished:
            raise PluginError("\n".join(unpublished))

        static_pages: list[tuple[str, str]] = []
        for file in list(files):
            uri = file.src_uri
            if uri.startswith(f"{pages.TIPS_DIR}/"):
                if uri in self._tips_by_uri:
                    file.inclusion = InclusionLevel.NOT_IN_NAV
                elif file.is_documentation_page():
                    files.remove(file)  # a draft or a future tip
            elif uri.startswith(f"{STATIC_PAGES_DIR}/") and file.is_documentation_page():
                static_pages.append((_static_title(file), uri))

        self.handbook = generate.generate_handbook(
            collection,
            self.related,
            site_name=tb.site_name,
            site_url=config.site_url or "",
            description=tb.site_description or "",
            static_pages=static_pages,
        )
        self._specs = {}
        for uri, spec in self.handbook.list_pages.items():
            self._add_generated(files, config, uri, spec.markdown, spec)
        self._add_generated(files, config, pages.FEED, self.handbook.feed)
        config.nav = self.handbook.nav
        self._files = files
        self._start_static_search(files)
        return files

    def _add_generated(
        self,
        files: Files,
        config: MkDocsConfig,
        uri: str,
        content: str,
        spec: pages.PageSpec | None = None,
    ) -> None:
        existing = files.get_file_from_path(uri)
        if existing is not None:
            shown = display_path(Path(existing.abs_src_path or existing.src_path))
            raise PluginError(
                f"{shown}: tipbook generates the page {uri}: rename or remove this file"
            )
        in_nav = uri in pages.NAV_PAGES or uri.startswith("themes/")
        inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, uri, content=content, inclusion=inclusion))
        if spec is not None:
            self._specs[uri] = spec

    def _related_for(self, collection: Collection) -> Mapping[str, list[str]]:
        from tipbook.site.crosslink import RelatedMap

        if self.preview:
            # While previewing, an edit to a tip's text keeps the related lists of the last
            # full computation (a second or more at 1,000 tips); adding or removing a tip
            # recomputes them. `tipbook build` always computes them afresh.
            key: tuple[Any, ...] = tuple(t.id for t in collection.tips)
        else:
            key = tuple(
                (t.id, t.title, t.summary, t.takeaway, t.body, tuple(t.themes), t.series)
                for t in collection.tips
            )
        if key != self._related_key:
            # Ranked per tip when its page is composed (in whichever process renders it).
            self.related = RelatedMap(collection)
            self._related_key = key
        return self.related

    @event_priority(-100)  # after every other plugin has seen the navigation
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._worker, self._worker_uris = None, frozenset()
        self.page_count = len(files.documentation_pages())
        if self.preview or not self.fast or not parallel.should_fork(len(self._tips_by_uri)):
            return nav
        if not speedups.can_share_search(config):
            return nav
        uris = parallel.worker_share(sorted(self._tips_by_uri))
        self._worker = parallel.fork_worker(
            config, files, nav, uris, self.on_env, first_uris=[pages.TAGS_INDEX]
        )
        self._worker_uris = self._worker.uris
        return nav

    @event_priority(100)  # before Material's search plugin writes the index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._worker is not None:
            worker, self._worker = self._worker, None
            pages_in_order = self._files.documentation_pages() if self._files else []
            worker.join(config, log, [file.url for file in pages_in_order])
        entries = speedups.search_entries(config)
        if entries is not None:
            sanitize.search_entries(entries)
        self._finish_static_search(Path(config.site_dir))

    def _start_static_search(self, files: Files) -> None:
        """Start indexing the tips for the static export's search (Pagefind, see
        search.static) in a background process: it runs while MkDocs renders the pages."""
        from search.static import StaticIndexJob, StaticSearchUnavailable

        if self._static_search is not None:
            self._static_search.cancel()
            self._static_search = None
        assert self.collection is not None
        collection = self.collection
        tips = [
            (tip, file.url)
            for tip in collection.tips
            if (file := files.get_file_from_path(collection.src_uri(tip))) is not None
        ]
        titles = {theme.id: theme.title for theme in collection.taxonomy}
        try:
            self._static_search = StaticIndexJob(tips, titles)
        except StaticSearchUnavailable as error:
            log.warning("static search index not written: %s", error)

    def _finish_static_search(self, site_dir: Path) -> None:
        from search.static import StaticSearchUnavailable

        job, self._static_search = self._static_search, None
        if job is None:
            return

        def finish() -> None:
            try:
                job.finish(site_dir)
            except StaticSearchUnavailable as error:
                log.warning("static search index not written: %s", error)

        if self.preview:
            # The preview shows the rebuilt pages at once; their search index follows.
            threading.Thread(target=finish, name="tipbook-pagefind", daemon=True).start()
        else:
            finish()

    def on_build_error(self, *, error: Exception) -> None:
        if self._static_search is not None:
            job, self._static_search = self._static_search, None
            job.cancel()
        if self._worker is not None:
            worker, self._worker = self._worker, None
            worker.discard()

    def stop_worker(self) -> None:
        """End a worker the build no longer waits for (the build was interrupted)."""
        if self._worker is not None:
            worker, self._worker = self._worker, None
            worker.kill()

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        # A tip page's Markdown is composed from the already-parsed `Tip`: handing it to
        # MkDocs as the file's content saves MkDocs a second read and YAML parse per tip.
        # (After MkDocs' --dirty check, which still compares the file's real mtime.)
        if page.file.src_uri in self._tips_by_uri and self.handbook is not None:
            # A page the worker process renders needs no Markdown here: not even an empty
            # document through Python-Markdown (a millisecond per page to set up); only its
            # metadata, which does not depend on the related tips: the worker ranks those.
            skip = page.file.src_uri in self._worker_uris
            spec = self.handbook.tip_page(page.file.src_uri, with_related=not skip)
            self._specs[page.file.src_uri] = spec
            page.file.content_string = "" if skip else spec.markdown
            if skip:
                # On this page only: MkDocs calls `page.render`, and this one has nothing to.
                page.render = _render_nothing.__get__(page)  # type: ignore[method-assign]
        if self.fast:
            speedups.use_shared_markdown(page)
        return page

    @event_priority(50)  # before Material's tags plugin reads `page.meta.tags`
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        uri = page.file.src_uri
        spec = self._specs.get(uri)
        if spec is None:
            page.meta = sanitize.page_meta(page.meta)  # a hand-written page's front matter
            return markdown
        page.meta = dict(spec.meta)
        if uri in self._tips_by_uri:
            # The search box asks tipbook's own search (served) or the Pagefind index
            # (static, see on_post_build), never Material's: no tip text in its index.
            page.meta["search"] = {"exclude": True}
        if uri in self._worker_uris:
            # Rendered by the worker process: here only its metadata is read (tags,
            # title); the empty template makes MkDocs skip writing it, search skips it.
            page.meta.update(template=parallel.SKIP_TEMPLATE, search={"exclude": True})
            return ""
        return spec.markdown

    @event_priority(-100)  # last: whatever other plugins did to the page passes the gate too
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # The title and TOC come from the page's front matter or headings, and Material
        # prints both as HTML: they pass the gate with the body.
        page.title = sanitize.title_html(page.title)
        sanitize.toc(page.toc)
        spec = self._specs.get(page.file.src_uri)
        if spec is None or not spec.fragments:
            return sanitize.body(html)
        # The furniture goes in after Material's search has read the page (it would index
        # it), so it passes the gate now, as the body does, each fragment on its own.
        self._safe_fragments[page.file.src_uri] = {
            placeholder: sanitize.body(fragment) for placeholder, fragment in spec.fragments.items()
        }
        return sanitize.body(html, keep=pages.FRAGMENT_PATTERN)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        fragments = self._safe_fragments.pop(page.file.src_uri, None)
        if not fragments:
            return output
        for placeholder, fragment in fragments.items():
            output = output.replace(placeholder, fragment, 1)
        return output

    def on_page_context(
        self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> Any:
        if page.file.src_uri in self._tips_by_uri and self.handbook is not None:
            near = self.handbook.neighbours(page.file.src_uri)
            page.previous_page = self._page_of(near.older)
            page.next_page = self._page_of(near.newer)
            if self.fast:
                # Tip pages share their tabs, navigation and script config (same depth,
                # none active): see overrides/main.html.
                shell = f"tip:{context['base_url']}"
                context["tipbook_shell"] = shell
                # The sidebars too, where the table of contents shows nothing.
                if not _shows_toc(page):
                    context["tipbook_sidebars"] = shell
        return context

    def _page_of(self, uri: str | None) -> Page | None:
        if uri is None or self._files is None:
            return None
        file = self._files.get_file_from_path(uri)
        page = file.page if file is not None else None
        if page is not None and page.markdown is None:
            # Not rendered in this (dirty) rebuild: the title from the tip.
            page.title = sanitize.text(self._tips_by_uri[uri].title)
        return page

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # Theme templates do not change during a build: skip Jinja's per-include file stat.
        env.auto_reload = False
        # Jinja's default LRU cache re-orders a deque on every include (tens per page);
        # a plain dict holds the theme's few dozen templates just as well.
        env.cache = {}
        # Compiling Material's templates costs about a second per build: keep the bytecode.
        if self.tipbook_config is not None:
            folder = self.tipbook_config.cache_dir / "site-templates"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                env.bytecode_cache = FileSystemBytecodeCache(str(folder))
            except OSError:
                pass  # a read-only checkout builds as well, only a little slower
        env.add_extension(FragmentCache)
        self._sanitize_tag_listings(config, files)
        return env

    def _sanitize_tag_listings(self, config: MkDocsConfig, files: Files) -> None:
        """Material's tags plugin writes its listings (tag names, page titles) into pages'
        HTML in its `on_env`, after every page passed `on_page_content`: those pages pass
        the gate again (the tags index, and any page with a listing marker; a handful)."""
        documents = (file.page for file in files.documentation_pages() if file.page is not None)
        for page in speedups.tag_listing_pages(config, documents):
            if isinstance(page.content, str):
                # A tip page keeps the placeholders of its furniture (see on_page_content).
                keep = pages.FRAGMENT_PATTERN if page.file.src_uri in self._safe_fragments else None
                page.content = sanitize.body(page.content, keep=keep)


TITLE_HOLE = "\x00tipbook-title\x00"


class FragmentCache(Extension):
    """`{% tipbook_cache key, name[, page] %}…{% endtipbook_cache %}`: render a fragment once
    per build for each key (no key: render every time). Jinja's documented fragment-cache
    pattern; overrides/main.html uses it for the parts all tip pages share. With `page`,
    the fragment is rendered with a placeholder title that each page fills with its own
    (the header is the same on every tip page but for the title it shows)."""

    tags = {"tipbook_cache"}

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.store: dict[tuple[Any, ...], str] = {}

    def parse(self, parser: Any) -> nodes.Node:
        lineno = next(parser.stream).lineno
        args = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            args.append(parser.parse_expression())
        body = parser.parse_statements(("name:endtipbook_cache",), drop_needle=True)
        call = self.call_method("_cached", args)
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _cached(self, key: Any, name: str, page: Any = None, *, caller: Callable[[], str]) -> str:
        if not key:
            return caller()
        title = page.meta.get("title") if page is not None else None
        found = self.store.get((key, name))
        if found is None:
            if title is not None:
                page.meta["title"] = TITLE_HOLE
                try:
                    found = caller()
                finally:
                    page.meta["title"] = title
            else:
                found = caller()
            self.store[(key, name)] = found
        return found.replace(TITLE_HOLE, str(title)) if title is not None else found


def _render_nothing(page: Page, config: MkDocsConfig, files: Files) -> None:
    """`Page.render` for a page the worker process renders: empty content, no headings."""
    page.content = ""
    page.toc = get_toc([])
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def _shows_toc(page: Page) -> bool:
    """Whether Material's table of contents lists anything for `page` (it leaves out a
    lone top heading, the page title) or the page hides a sidebar."""
    toc = list(page.toc)
    if len(toc) == 1 and toc[0].level == 1:
        toc = list(toc[0].children)
    return bool(toc) or bool(page.meta.get("hide"))


def _static_title(file: File) -> str:
    """A hand-written page's title for the nav: its first `# heading`, else its file name
    (as safe text: the navigation prints it as HTML)."""
    for line in file.content_string.splitlines():
        if line.startswith("# "):
            return sanitize.text(line[2:].strip())
    return sanitize.text(file.name.replace("-", " ").capitalize())
