"""The build's speed-ups: the one place tipbook relies on MkDocs' and Material's private code.

tipbook builds with MkDocs' documented plugin events and Material's documented template
blocks. Three speed-ups go further, and every private name they use is in this module:

- one Markdown instance per build: `render` is MkDocs 1.6's `Page.render` on a shared,
  reset `markdown.Markdown` (MkDocs builds a new one per page), with MkDocs' private
  per-page tree processors;
- the two-process build (`tipbook.site.parallel`): the worker builds its pages with MkDocs'
  private `_populate_page` and `_build_page` and hands its search entries to Material's
  search plugin through its undocumented `search_index.entries`;
- shared template fragments (`tipbook_cache` in overrides/main.html): public Jinja, but
  switched with the others so that a stock build renders every page in full.

The few used elsewhere are listed in `ELSEWHERE`, beside `KNOWN_GOOD`. Two more private
names are read here, each with a safe way without it: the pages Material's
tags plugin writes its listings into (`tag_listing_pages`: they pass the sanitising gate
again) and MkDocs' live-reload injection (`inject_into_preview_pages`: the preview's
error banner).

`active()` says whether they run: only on the MkDocs and Material releases this code was
written for (`KNOWN_GOOD`, the same bounds as pyproject.toml), with every private name it
uses present, and unless `TIPBOOK_SPEEDUPS=0`. Otherwise the build is MkDocs' own (one
process, MkDocs' render, every template part rendered per page) and says so in one line;
a fast render that fails falls back to MkDocs' own the same way. The site is the same.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache, nodes
from jinja2.bccache import Bucket
from jinja2.ext import Extension

log = logging.getLogger("tipbook.speedups")  # not under "mkdocs": a strict build ignores it

ENV_SWITCH = "TIPBOOK_SPEEDUPS"  # "0" (or off/false/no): build as stock MkDocs does
# Distribution → (lowest, first unknown) release, as in pyproject.toml's dependencies.
KNOWN_GOOD: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "mkdocs": ((1, 6), (1, 7)),
    "mkdocs-material": ((9, 5), (10,)),
}
# The MkDocs and Material internals tipbook relies on outside this module, each where it
# is and what holds it to `KNOWN_GOOD`'s releases (tests/test_site_seams.py checks that
# each is where this says, that no other file uses one, and that the copies still match
# the installed Material). Every other one is in this module. (file, marker, what, check)
ELSEWHERE: tuple[tuple[str, str, str, str], ...] = (
    (
        "tipbook/site/preview.py",
        "server.error_handler",
        "MkDocs' LiveReloadServer's error-page hook (404/500 pages from the built site)",
        "used by the preview tests (test_site_build, test_hostile_serve)",
    ),
    (
        "tipbook/site/preview.py",
        "server.RequestHandlerClass",
        "LiveReloadServer's handler class, wrapped in tipbook.requestguard's mixin",
        "test_hostile_serve runs every guard against the preview",
    ),
    (
        "overrides/main.html",
        '"__config"',
        "Material's script config: its `search` entry is pointed at tipbook's worker",
        "test_site_seams: Material's base.html still writes __config with a search entry",
    ),
    (
        "overrides/assets/javascripts/tipbook-search-page.js",
        '"__config"',
        "the full results page reads the worker's URL from Material's script config",
        "test_accessibility_browser's results-page test, both engines",
    ),
    (
        "tipbook/sanitize.py",
        "`__config`",
        "Material's own element ids start with `__`: content may not use such ids",
        "test_safety_html (a heading with the id __config)",
    ),
    (
        "overrides/assets/javascripts/tipbook-search-worker.js",
        "RESULT",
        "Material's search-worker messages (SETUP, READY, QUERY, RESULT), re-implemented",
        "test_search_box drives Material's box over it in Chromium, both modes",
    ),
    (
        "overrides/partials/search.html",
        "tipbook:",
        "a copy of Material's partials/search.html with marked changes",
        "test_site_seams: the installed Material's partial plus the marked lines only",
    ),
    (
        "overrides/partials/tags.html",
        "tipbook:",
        "a copy of Material's partials/tags.html with marked changes",
        "test_site_seams: the installed Material's partial plus the marked lines only",
    ),
)
_OFF = {"0", "off", "false", "no"}
_told: set[str] = set()  # reasons already reported in this process (a preview rebuilds often)


def active() -> bool:
    """Whether this build may use the speed-ups; reports why not (once) when it may not."""
    if os.environ.get(ENV_SWITCH, "").strip().lower() in _OFF:
        return False  # asked for: nothing to report
    reason = unsupported()
    if reason:
        fall_back(reason)
        return False
    return True


def fall_back(reason: str) -> None:
    """Say, once per reason, that this build is MkDocs' own and why."""
    if reason not in _told:
        _told.add(reason)
        log.warning("tipbook: speed-ups off (%s): building as stock MkDocs does", reason)


@functools.cache
def unsupported() -> str:
    """Why the speed-ups cannot run with the installed MkDocs and Material ('' if they can)."""
    for name, (lowest, first_unknown) in KNOWN_GOOD.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            return f"{name} is not installed"
        if not lowest <= _release(version) < first_unknown:
            known = f"{_dotted(lowest)} up to before {_dotted(first_unknown)}"
            return f"{name} {version} is not a release they were written for ({known})"
    try:
        _check_internals()
    except (ImportError, AttributeError, TypeError) as error:
        return f"an MkDocs internal they use is missing or changed: {error}"
    return ""


def _release(version: str) -> tuple[int, ...]:
    from packaging.version import InvalidVersion, Version  # MkDocs depends on it

    try:
        return Version(version).release
    except InvalidVersion:
        return ()


def _dotted(release: tuple[int, ...]) -> str:
    return ".".join(map(str, release))


# --- MkDocs internals -------------------------------------------------------------------

_PAGE_PROCESSORS = (
    "_RawHTMLPreprocessor",
    "_ExtractAnchorsTreeprocessor",
    "_RelativePathTreeprocessor",
    "_ExtractTitleTreeprocessor",
)


def _check_internals() -> None:
    """Raise if a private name used here is gone or takes other arguments."""
    from mkdocs.commands import build
    from mkdocs.structure import pages

    for name in _PAGE_PROCESSORS:
        if not hasattr(getattr(pages, name), "_register"):
            raise AttributeError(f"mkdocs.structure.pages.{name}._register")
    wanted = {
        "_populate_page": ["page", "config", "files"],
        "_build_page": ["page", "config", "doc_files", "nav", "env"],
    }
    for name, parameters in wanted.items():
        found = list(inspect.signature(getattr(build, name)).parameters)
        if found[: len(parameters)] != parameters:
            raise TypeError(f"mkdocs.commands.build.{name}{tuple(found)}")


def populate_page(page: Any, config: Any, files: Any) -> None:
    """Read and render one page's Markdown as MkDocs' build does (its private step)."""
    from mkdocs.commands.build import _populate_page

    _populate_page(page, config, files)


def build_page(page: Any, config: Any, doc_files: Any, nav: Any, env: Any) -> None:
    """Render one page's template and write it as MkDocs' build does (its private step)."""
    from mkdocs.commands.build import _build_page

    _build_page(page, config, doc_files, nav, env)


def rerender_pages(
    pages: list[Any], config: Any, files: Any, nav: Any, env: Any, page_urls: list[str]
) -> None:
    """Render `pages` again on a finished build's files, navigation and templates (the
    preview's quick rebuild, `tipbook.site.incremental`), as MkDocs' build renders each
    (its private steps: read and convert every page, then write every page), and write
    Material's search index again with their new entries in the build's page order
    (`page_urls`), as a build that rendered every page writes it."""
    from mkdocs.structure.files import InclusionLevel
    from mkdocs.utils import write_file

    search = search_plugin(config)
    urls = {page.url for page in pages}
    if search is not None:
        entries = search.search_index.entries
        entries[:] = [e for e in entries if e["location"].split("#")[0] not in urls]
    for page in pages:
        populate_page(page, config, files)
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    for page in pages:
        build_page(page, config, doc_files, nav, env)
    if search is not None:
        position = {url: index for index, url in enumerate(page_urls)}
        last = len(position)
        # Stable: a page's sections keep their order after the page's own entry.
        search.search_index.entries.sort(
            key=lambda e: position.get(e["location"].split("#")[0], last)
        )
        data = search.search_index.generate_search_index(None)
        write_file(data.encode("utf-8"), str(Path(config.site_dir) / "search/search_index.json"))


def move_files(files: Any, site_dir: Path) -> None:
    """Point a finished build's files at `site_dir` (the preview's build, swapped in from
    its staging folder): MkDocs caches each file's destination path (private)."""
    for file in files:
        file.dest_dir = str(site_dir)
        vars(file).pop("abs_dest_path", None)


# (id of the MkDocs config, Markdown instance): a new build or config gets a new instance.
_shared: tuple[int, Any] | None = None
_render_failed = False


def _markdown_for(config: Any) -> Any:
    import markdown

    global _shared
    if _shared is None or _shared[0] != id(config):
        md = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )
        _shared = (id(config), md)
    return _shared[1]


def _fast_render(page: Any, config: Any, files: Any) -> None:
    """Convert the page's Markdown to HTML exactly as MkDocs 1.6's `Page.render` does, on
    a shared instance: Python-Markdown documents `Markdown.reset()` for converting several
    documents with one instance; MkDocs' per-page processors are registered afresh (under
    their names, replacing the last page's) for each page."""
    from mkdocs.structure import pages as mkdocs_pages
    from mkdocs.structure.toc import get_toc

    if page.markdown is None:
        raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
    md = _markdown_for(config).reset()

    raw_html_ext = mkdocs_pages._RawHTMLPreprocessor()
    raw_html_ext._register(md)
    extract_anchors_ext = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
    extract_anchors_ext._register(md)
    relative_path_ext = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
    relative_path_ext._register(md)
    extract_title_ext = mkdocs_pages._ExtractTitleTreeprocessor()
    extract_title_ext._register(md)

    page.content = md.convert(page.markdown)
    page.toc = get_toc(getattr(md, "toc_tokens", []))
    page._title_from_render = extract_title_ext.title
    page.present_anchor_ids = (
        extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
    )
    # The logger MkDocs' own render checks.
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = relative_path_ext.links_to_anchors


def render(page: Any, config: Any, files: Any) -> None:
    """`Page.render` on the shared Markdown instance; MkDocs' own if that fails (reported
    once; MkDocs' own then raises the page's real error, if it has one)."""
    global _render_failed
    if not _render_failed:
        try:
            _fast_render(page, config, files)
            return
        except Exception as error:
            _render_failed = True
            fall_back(f"the shared Markdown render failed: {type(error).__name__}: {error}")
    type(page).render(page, config, files)


def use_shared_markdown(page: Any) -> None:
    """Make `page` render with the shared instance, where MkDocs' render is the one this
    module copies (a page whose render something else replaced keeps it)."""
    from mkdocs.structure.pages import Page

    if type(page).render is Page.render and "render" not in vars(page):
        page.render = render.__get__(page)


# --- Material internals -----------------------------------------------------------------


def search_plugin(config: Any) -> Any:
    """Material's search plugin instance, if enabled (its `search_index` is not public)."""
    for plugin in config.plugins.values():
        if hasattr(plugin, "search_index") and hasattr(plugin, "on_page_context"):
            return plugin
    return None


def search_entries(config: Any) -> list[dict[str, Any]] | None:
    """The entries Material's search plugin has collected so far (None: no search)."""
    search = search_plugin(config)
    return search.search_index.entries if search is not None else None


def can_share_search(config: Any) -> bool:
    """Whether a worker's search entries can reach the index: no search plugin, or
    Material's keeps them where `search_entries` looks (reported when it does not)."""
    if not any(name.rsplit("/", 1)[-1] == "search" for name in config.plugins):
        return True
    if not isinstance(search_entries(config), list):
        fall_back("Material's search plugin keeps its entries elsewhere than it did")
        return False
    return True


def forget_previous_search(plugins: Iterable[Any]) -> None:
    """Material's search plugin keeps a preview's index for its next build; a plain build
    starts over, as `mkdocs build` does in a new process."""
    for plugin in plugins:
        if getattr(plugin, "search_index_prev", None) is not None:
            plugin.search_index_prev = None


# Where Material's tags plugin keeps the listings it writes into pages (not public).
_TAG_LISTINGS = ("listings", "data")


def tag_listing_pages(config: Any, pages: Iterable[Any]) -> list[Any]:
    """The pages among `pages` that Material's tags plugin writes listings into (tag names,
    page titles: content) in its `on_env`, after every page passed the sanitising gate.

    On the releases this module was written for, the plugin's own record of its listings
    says which (a handful). Otherwise it cannot be told: every page whose source holds the
    listing directive (the plugin's documented `listings_directive` setting) is returned,
    so that the gate still holds, only a little slower.
    """
    tags = config.plugins.get("material/tags") or config.plugins.get("tags")
    if tags is None:
        return []
    if not unsupported():
        holder = tags
        for name in _TAG_LISTINGS:
            holder = getattr(holder, name, None)
        try:
            if holder is None:
                raise AttributeError(".".join(_TAG_LISTINGS))
            return list({id(listing.page): listing.page for listing in holder}.values())
        except (AttributeError, TypeError):
            reason = "Material's tags plugin keeps its listings elsewhere than it did"
            if reason not in _told:  # (on other releases `active()` has said why already)
                _told.add(reason)
                log.warning("tipbook: %s: every page with a listing is sanitised again", reason)
    settings = getattr(tags, "config", None)
    directive = str(getattr(settings, "listings_directive", "") or "material/tags").lower()
    tags_file = getattr(settings, "tags_file", None)  # deprecated: a listing without directive
    return [
        page
        for page in pages
        if page.file.src_uri == tags_file or directive in (page.file.content_string or "").lower()
    ]


def inject_into_preview_pages(server: Any, extra: Callable[[], bytes]) -> None:
    """Have MkDocs' live-reload `server` add `extra()` (bytes, or b"") before each served
    page's `</body>` (the preview's "could not be rebuilt" banner).

    MkDocs has no public hook for what its server adds to a page; its private
    `_inject_js_into_html(content, epoch)` is where it adds the reload script. Without that
    method (another MkDocs), the preview works as before, with the error in the terminal only.
    """
    original = getattr(server, "_inject_js_into_html", None)
    if original is None or unsupported():
        return

    def inject(content: bytes, epoch: int) -> bytes:
        content = bytes(original(content, epoch))
        addition = extra()
        if not addition:
            return content
        at = content.rfind(b"</body>")
        at = at if at >= 0 else len(content)
        return content[:at] + addition + content[at:]

    server._inject_js_into_html = inject


def inject_into_preview_error_page(server: Any, content: bytes) -> bytes:
    """The preview's 404 page with what every page it serves gets (`inject_into_preview_pages`:
    the reload script and the banner): a tip held back since the last save answers 404 at
    its address, and the editor looking at it must see why and get the page back on a fix.

    MkDocs serves error pages as they are; its private `_inject_js_into_html` and
    `_visible_epoch` are what its pages get. Without them, the page as it is."""
    inject = getattr(server, "_inject_js_into_html", None)
    epoch = getattr(server, "_visible_epoch", None)
    if inject is None or not isinstance(epoch, int) or unsupported():
        return content
    return bytes(inject(content, epoch))


def tune_templates(env: Any, bytecode_folder: Path | None) -> None:
    """The theme's Jinja environment made faster for one build (public Jinja settings) and
    given the fragment cache (`FragmentCache`, which renders every part only when the
    speed-ups are off: the templates set no key then)."""
    # Theme templates do not change during a build: skip Jinja's per-include file stat.
    env.auto_reload = False
    # Jinja's default LRU cache re-orders a deque on every include (tens per page);
    # a plain dict holds the theme's few dozen templates just as well.
    env.cache = {}
    # Compiling Material's templates costs about a second per build: keep the bytecode.
    if bytecode_folder is not None:
        try:
            bytecode_folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = DamageTolerantBytecodeCache(str(bytecode_folder))
        except OSError:
            pass  # a read-only checkout builds as well, only a little slower
    env.add_extension(FragmentCache)


class DamageTolerantBytecodeCache(FileSystemBytecodeCache):
    """Jinja's bytecode cache, where a damaged file (cut short, say) is a miss to compile
    again: Jinja's own reading raises on a cut checksum, which failed the build."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # whatever unpickling garbage raises (UnpicklingError, EOFError…)
            bucket.reset()


def skip_render(page: Any) -> None:
    """Make MkDocs' `page.render` a no-op on this page only (the worker process renders
    it): empty content, no headings. Replaces a method MkDocs calls, so it lives here."""
    from mkdocs.structure.toc import get_toc

    def render_nothing(config: Any, files: Any) -> None:
        page.content = ""
        page.toc = get_toc([])
        page.present_anchor_ids = set()
        page.links_to_anchors = {}

    page.render = render_nothing


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
