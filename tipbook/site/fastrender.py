"""`Page.render` with one Python-Markdown instance per build instead of one per page.

MkDocs 1.6 builds a new `markdown.Markdown` for every page: loading and registering the
extensions (toc, attr_list, admonition, tables and their processors) costs about a
millisecond per page, a tenth of the Markdown work. Python-Markdown documents
`Markdown.reset()` for converting several documents with one instance, so this renders
exactly as MkDocs' `Page.render` does (same extensions, same per-page MkDocs processors,
re-registered under their names for each page) on a shared, reset instance.
"""

from __future__ import annotations

import logging
from typing import Any

import markdown
from mkdocs import __version__ as mkdocs_version
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

log = logging.getLogger("mkdocs.structure.pages")  # the logger MkDocs' own render checks

# The MkDocs release whose `Page.render` this copies; any other keeps MkDocs' own.
_COPIED = mkdocs_version.startswith("1.6.")
# (id of the MkDocs config, Markdown instance): a new build or config gets a new instance.
_shared: tuple[int, markdown.Markdown] | None = None


def _markdown_for(config: Any) -> markdown.Markdown:
    global _shared
    if _shared is None or _shared[0] != id(config):
        md = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )
        _shared = (id(config), md)
    return _shared[1]


def render(page: Page, config: Any, files: Files) -> None:
    """Convert the page's Markdown to HTML, as `mkdocs.structure.pages.Page.render` does."""
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
    if log.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = relative_path_ext.links_to_anchors


def use_shared_markdown(page: Page) -> None:
    """Make `page` render with the shared instance (only where MkDocs' render is the one
    this module copies: a page whose render something else replaced keeps it)."""
    if _COPIED and type(page).render is Page.render and "render" not in vars(page):
        page.render = render.__get__(page)  # type: ignore[method-assign]
