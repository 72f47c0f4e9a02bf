"""The MkDocs plugin: thin glue between MkDocs' build events and tipbook's site library.

- `on_config`: settings from tipbook.yml (site name, content folder, site folder).
- `on_pre_build`: refuse symbolic links that leave content/, loop or lead nowhere
  (`tipbook.symlinks`), before MkDocs walks the folder following them.
- `on_files`: collect the tips (drafts and future tips out), prepare the related tips once
  (each tip's ranked when its page is composed), have the generator (`generate`) make the
  handbook and add its list pages, feed and nav; keep tip pages out of the navigation.
- `on_page_markdown`: a tip page's Markdown is composed from its `Tip` (callout, series,
  related) only when MkDocs renders that page, so a dirty rebuild composes one page.
- `on_nav`: with two CPUs, fork a worker process for half the tip pages (`parallel`).
- `on_page_context`: Material's footer links a tip to the previous and next tip by date.
- `on_page_content`: the page (body, title, table of contents) and its furniture pass the
  one safety gate, `sanitize`.
- `on_post_page`: generated lists and page furniture go in as ready HTML fragments.
- `on_env`: the template speed-ups (`speedups.tune_templates`); the tags listing
  Material's tags plugin puts into pages passes the gate too.
- `on_post_build`: the search index's entries (both processes') pass the gate.

The speed-ups (one Markdown instance, the worker process, the fragment cache) run only
where `speedups.active()` says they may; otherwise the build is MkDocs' own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsBaseConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from tipbook import rules, sanitize
from tipbook.config import CONFIG_FILE, Config, load_config
from tipbook.errors import TipbookError, display_path
from tipbook.model import TIPS_DIR, Tip
from tipbook.site import generate, pages, parallel, speedups
from tipbook.site.collect import Collection, collect_tips
from tipbook.site.generate import STATIC_PAGES_DIR
from tipbook.site.served_index import ServedIndexJob
from tipbook.site.static_search import StaticSearchRun
from tipbook.symlinks import check_content_links
from tipbook.yamlsafe import load_yaml

log = logging.getLogger("mkdocs.plugins.tipbook")


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
        self._related = generate.RelatedCache()
        self._tips_by_uri: dict[str, Tip] = {}
        self._specs: dict[str, pages.PageSpec] = {}
        # Each page's furniture, sanitised, from `on_page_content` to `on_post_page`.
        self._safe_fragments: dict[str, dict[str, str]] = {}
        self._files: Files | None = None
        self._static_search = StaticSearchRun(log)
        self._served_index = ServedIndexJob()
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
            tb = _load_tipbook_config(config, self.config.config_file)
            self.drafts, self.preview = self.config.drafts, self._serving
        self.tipbook_config = tb
        self.fast = speedups.active()
        return _apply_tipbook_config(config, tb)

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
                site_url=tb.site_url,
                cache=self._tip_cache if self.preview else None,
            )
        except TipbookError as error:
            raise PluginError(error.message) from None
        self.collection = collection
        # While previewing, an edit to a tip's text keeps the last related lists.
        self.related = self._related.get(collection, keep_on_text_edits=self.preview)
        self._tips_by_uri = {collection.src_uri(tip): tip for tip in collection.tips}
        if not self.preview:  # `tipbook serve`'s index of these pages' tips (`served_index`)
            tips = [(tip, collection.src_uri(tip)) for tip in collection.tips]
            fork = self.fast and parallel.should_fork(len(tips))
            self._served_index.start(Path(config.site_dir), tips, tb.content_dir, fork=fork)

        static_pages = _sort_content_files(files, self._tips_by_uri, tb.content_dir)
        _drop_unused_media(files, collection.tips, tb.content_dir)
        self.handbook = generate.generate_handbook(
            collection,
            self.related,
            site_name=tb.site_name,
            site_url=config.site_url or "",
            description=tb.site_description or "",
            static_pages=static_pages,
        )
        self._specs = dict(self.handbook.list_pages)
        for uri, spec in self.handbook.list_pages.items():
            _add_generated(files, config, uri, spec.markdown)
        _add_generated(files, config, pages.FEED, self.handbook.feed)
        config.nav = self.handbook.nav
        self._files = files
        urls = {
            uri: file.url for uri in self._tips_by_uri if (file := files.get_file_from_path(uri))
        }
        self._static_search.prepare(collection, urls, tb.content_dir, later=self.preview)
        return files

    @event_priority(-100)  # after every other plugin has seen the navigation
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._worker, self._worker_uris = None, frozenset()
        self.page_count = len(files.documentation_pages())
        self._fork_worker(config, files, nav)
        self._static_search.start()  # only now: no thread may run when the worker forks
        return nav

    def _fork_worker(self, config: MkDocsConfig, files: Files, nav: Navigation) -> None:
        if self.preview or not self.fast or not parallel.should_fork(len(self._tips_by_uri)):
            return
        if not speedups.can_share_search(config):
            return
        uris = parallel.worker_share(sorted(self._tips_by_uri))
        self._worker = parallel.fork_worker(
            config, files, nav, uris, self.on_env, first_uris=[pages.TAGS_INDEX]
        )
        self._worker_uris = self._worker.uris

    @event_priority(100)  # before Material's search plugin writes the index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._worker is not None:
            worker, self._worker = self._worker, None
            pages_in_order = self._files.documentation_pages() if self._files else []
            worker.join(config, log, [file.url for file in pages_in_order])
        entries = speedups.search_entries(config)
        if entries is not None:
            sanitize.search_entries(entries)
            _bound_search_index(entries)
        try:
            self._served_index.finish()
        except TipbookError as error:
            raise PluginError(error.message) from None
        # The preview shows the rebuilt pages at once; their search index follows.
        self._static_search.finish(Path(config.site_dir), background=self.preview)

    def on_build_error(self, *, error: Exception) -> None:
        self._static_search.cancel()
        self._served_index.cancel()
        if self._worker is not None:
            worker, self._worker = self._worker, None
            worker.discard()

    def stop_worker(self) -> None:
        """End the worker and index writer the build no longer waits for (interrupted)."""
        self._served_index.cancel()
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
                speedups.skip_render(page)
        elif page.file.src_uri not in self._tips_by_uri:
            _refuse_page_aliases(page)
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
            page.previous_page = _page_of(self._files, near.older, self._tips_by_uri)
            page.next_page = _page_of(self._files, near.newer, self._tips_by_uri)
            if self.fast:
                # Tip pages share their tabs, navigation and script config (same depth,
                # none active): see overrides/main.html.
                shell = f"tip:{context['base_url']}"
                context["tipbook_shell"] = shell
                # The sidebars too, where the table of contents shows nothing.
                if not _shows_toc(page):
                    context["tipbook_sidebars"] = shell
        return context

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        folder = self.tipbook_config.cache_dir if self.tipbook_config is not None else None
        speedups.tune_templates(env, folder / "site-templates" if folder is not None else None)
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


def _load_tipbook_config(config: MkDocsConfig, option: str) -> Config:
    """The plugin's `config_file` option, else the tipbook.yml beside mkdocs.yml."""
    if option:
        path = Path(option)
    else:
        path = Path(config.config_file_path or "mkdocs.yml").resolve().parent / CONFIG_FILE
    try:
        return load_config(path if path.is_file() else None)
    except TipbookError as error:
        raise PluginError(error.message) from None


def _apply_tipbook_config(config: MkDocsConfig, tb: Config) -> MkDocsConfig:
    """MkDocs' settings from tipbook.yml: names, address, content and site folders."""
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


def _add_generated(files: Files, config: MkDocsConfig, uri: str, content: str) -> None:
    """A generated page as a virtual file; a content file at its path is refused."""
    existing = files.get_file_from_path(uri)
    if existing is not None:
        shown = display_path(Path(existing.abs_src_path or existing.src_path))
        raise PluginError(f"{shown}: tipbook generates the page {uri}: rename or remove this file")
    in_nav = uri in pages.NAV_PAGES or uri.startswith("themes/")
    inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
    files.append(File.generated(config, uri, content=content, inclusion=inclusion))


def _page_of(files: Files | None, uri: str | None, tips: Mapping[str, Tip]) -> Page | None:
    """The page of the tip at `uri`, for Material's previous/next footer links."""
    if uri is None or files is None:
        return None
    file = files.get_file_from_path(uri)
    page = file.page if file is not None else None
    if page is not None and page.markdown is None:
        # Not rendered in this (dirty) rebuild: the title from the tip.
        page.title = sanitize.text(tips[uri].title)
    return page


def _sort_content_files(
    files: Files, tip_uris: Mapping[str, Tip], content_dir: Path
) -> list[tuple[str, str]]:
    """Refuse content files a page may not publish (naming each); keep tip pages out of the
    nav and drop the tips this build leaves out; return the hand-written pages' (title,
    path) for the nav."""
    unpublished = [
        str(rules.UNPUBLISHED_FILE.problem(display_path(Path(file.abs_src_path)), 0, "", reason))
        for file in files
        if not file.is_documentation_page()
        and not file.inclusion.is_excluded()
        and file.abs_src_path
        and Path(file.abs_src_path).is_relative_to(content_dir)
        and (reason := sanitize.unpublished_file(file.src_uri))
    ]
    if unpublished:
        raise PluginError("\n".join(unpublished))
    static_pages: list[tuple[str, str]] = []
    for file in list(files):
        uri = file.src_uri
        if uri.startswith(f"{TIPS_DIR}/"):
            if uri in tip_uris:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            elif file.is_documentation_page():
                # A draft, a future tip or one `check` holds back: not built, and a link
                # to it is no build error (MkDocs logs it as info; `check` warns of it).
                file.inclusion = InclusionLevel.EXCLUDED
        elif uri.startswith(f"{STATIC_PAGES_DIR}/") and file.is_documentation_page():
            static_pages.append((_static_title(file), uri))
    return static_pages


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


def _refuse_page_aliases(page: Page) -> None:
    """A hand-written page's front matter goes through tipbook.yamlsafe (aliases, keys written
    twice, impossible dates refused) before MkDocs parses it with a loader that expands
    aliases (a 74 KB page of them took 1.2 GB and wrote a 287 MB search index) and keeps the
    last of two same keys unsaid."""
    import yaml
    from mkdocs.utils.meta import YAML_RE

    source = page.file.content_string
    page.file.content_string = source  # read once: MkDocs reads this copy
    match = YAML_RE.match(source)
    if match is None:
        return
    try:
        load_yaml(match.group(1))
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 2 if error.problem_mark else 1  # after the `---`
        where = display_path(Path(page.file.abs_src_path or page.file.src_uri))
        raise PluginError(f"{where}:{line}: {error.problem}: write the value out instead") from None
    except yaml.YAMLError:
        return  # MkDocs reads a broken front matter as none, as before


_MEDIA_REFERENCE = re.compile(r"(?:^|[/(\s\"'])media/([^)\s\"'<>#?]+)")


def _drop_unused_media(files: Files, tips: Iterable[Tip], content_dir: Path) -> None:
    """Only images a published tip (or a hand-written page) uses are published: one that
    only a draft or a future tip names stays out of `site/media/` until that tip is out."""
    used = {name for tip in tips for name in _MEDIA_REFERENCE.findall(tip.body)}
    pages_dir = content_dir / STATIC_PAGES_DIR
    for page in pages_dir.glob("**/*.md") if pages_dir.is_dir() else ():
        used.update(_MEDIA_REFERENCE.findall(page.read_text(encoding="utf-8", errors="replace")))
    for file in list(files):
        if file.src_uri.startswith("media/") and file.src_uri.removeprefix("media/") not in used:
            files.remove(file)


# Material's search index holds the hand-written and generated pages (the tips are searched
# through tipbook's own engine): a few hundred KB. Every visitor downloads it, so a page
# that would swell it (287 MB from 74 KB of YAML aliases) stops the build instead.
MAX_SEARCH_INDEX_CHARS = 20_000_000


def _bound_search_index(entries: Iterable[Mapping[str, Any]]) -> None:
    sizes: dict[str, int] = {}
    for entry in entries:
        page = str(entry.get("location", "")).split("#")[0]
        size = sum(len(str(entry.get(key, ""))) for key in ("title", "text", "tags"))
        sizes[page] = sizes.get(page, 0) + size
    if sum(sizes.values()) > MAX_SEARCH_INDEX_CHARS:
        biggest = max(sizes, key=lambda page: sizes[page])
        raise PluginError(
            f"the search index would hold {sum(sizes.values()):,} characters, over the "
            f"{MAX_SEARCH_INDEX_CHARS:,} every visitor may download; the biggest page is "
            f"/{biggest} ({sizes[biggest]:,}): shorten it"
        )
