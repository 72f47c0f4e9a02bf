"""The handbook as a Markdown tree with its `nav`: every page tipbook generates, from the
published tips, the taxonomy and the config, as library code that needs no renderer.

`generate_handbook` gives a `Handbook`: the list pages (home, chapters, archive, series,
tags, search), the feed and the `nav`, made at once; tip pages (related tips, previous/next
by date) composed on demand, so a renderer that renders one page (a preview edit) composes
one. Links between pages are resolved here, from the collection, to URLs relative to the
page that holds them (`pages.url`): a renderer rewrites none of them.

Two renderers take it: MkDocs + Material through the plugin (`plugin.py`, which hands
these pages to MkDocs as virtual files), and Zensical from the files `write_tree` writes
(`engines.py`).
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from search.static import RESULTS_PAGE, RESULTS_PAGE_MARKDOWN, RESULTS_PAGE_TEMPLATE
from tipbook.model import Tip
from tipbook.site import pages
from tipbook.site.collect import Collection

STATIC_PAGES_DIR = "pages"  # content/pages/*.md: hand-written pages, e.g. the editors' guide


@dataclass(frozen=True)
class Neighbours:
    """A tip's previous (older) and next (newer) tip by date, as source paths."""

    older: str | None
    newer: str | None


@dataclass
class Handbook:
    """Every generated page of one build: see the module docstring."""

    collection: Collection
    related: Mapping[str, list[str]]
    list_pages: dict[str, pages.PageSpec]
    feed: str
    nav: list[Any]
    tip_uris: dict[str, Tip] = field(default_factory=dict)  # source path → tip

    def tip_page(self, uri: str, *, with_related: bool = True) -> pages.PageSpec:
        """The page of the tip at `uri` (a key of `tip_uris`), composed now."""
        tip = self.tip_uris[uri]
        related = self.related.get(tip.id, []) if with_related else []
        return pages.tip_page(self.collection, tip, related)

    def neighbours(self, uri: str) -> Neighbours:
        tip = self.tip_uris[uri]
        older, newer = self.collection.older(tip), self.collection.newer(tip)
        return Neighbours(
            self.collection.src_uri(older) if older is not None else None,
            self.collection.src_uri(newer) if newer is not None else None,
        )

    def all_pages(self) -> Iterator[pages.PageSpec]:
        """The list pages, then every tip page (each composed as it is reached)."""
        yield from self.list_pages.values()
        for uri in self.tip_uris:
            yield self.tip_page(uri)


class RelatedCache:
    """The related-tips map, kept while the tips it was ranked from stay the same (a
    preview rebuild or a second build in one process)."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.related: Mapping[str, list[str]] = {}
        # The ids whose lists may have changed in the last `get` (None: every one).
        self.stale: set[str] | None = None

    def get(self, collection: Collection, *, incremental: bool) -> Mapping[str, list[str]]:
        """The map for `collection`: the last one while nothing that ranks the tips
        changed; with `incremental` (the preview), an edit to some tips updates the last
        map (`RelatedMap.updated`: the same lists as a new map, re-ranked where the edit
        reaches); otherwise, or when tips were added or removed, a new map."""
        from tipbook.site.crosslink import RelatedMap

        key = tuple(
            (t.id, t.title, t.summary, t.takeaway, t.body, tuple(t.themes), t.series)
            for t in collection.tips
        )
        if key == self.key:
            self.stale = set()
            return self.related
        last = self.related
        update = last.updated(collection) if incremental and isinstance(last, RelatedMap) else None
        # Ranked per tip when its page is composed (in whichever process renders it).
        self.related, self.stale = update if update is not None else (RelatedMap(collection), None)
        self.key = key
        return self.related


def generate_handbook(
    collection: Collection,
    related: Mapping[str, list[str]],
    *,
    site_name: str,
    site_url: str = "",
    description: str = "",
    static_pages: list[tuple[str, str]] | None = None,
) -> Handbook:
    """The handbook's pages for `collection` (the tips this build publishes) and the `nav`;
    `static_pages` are the hand-written pages' (title, source path) for the nav."""
    specs = {spec.src_uri: spec for spec in pages.list_pages(collection, site_name)}
    specs[RESULTS_PAGE] = search_results_page()
    feed = pages.atom_feed(collection, site_name, site_url, description)
    nav = pages.nav_config(sorted(static_pages or []), collection)
    tip_uris = {collection.src_uri(tip): tip for tip in collection.tips}
    return Handbook(collection, related, specs, feed, nav, tip_uris)


def search_results_page() -> pages.PageSpec:
    """The full search results page (search/static.py): its front matter plus the template
    that holds its form (a renderer's template override)."""
    _, head, markdown = RESULTS_PAGE_MARKDOWN.split("---\n", 2)
    meta = {**yaml.safe_load(head), "template": RESULTS_PAGE_TEMPLATE}
    return pages.PageSpec(RESULTS_PAGE, meta["title"], markdown.lstrip("\n"), meta)


def neighbours_html(handbook: Handbook, uri: str) -> str:
    """Previous/next by date as the footer links Material draws for `navigation.footer`,
    for a renderer that cannot be told a page's neighbours (Zensical follows the nav)."""
    near = handbook.neighbours(uri)
    links = []
    for target, rel, css, label in (
        (near.older, "prev", "md-footer__link--prev", "Previous"),
        (near.newer, "next", "md-footer__link--next", "Next"),
    ):
        if target is None:
            continue
        title = handbook.tip_uris[target].title
        links.append(
            f'<a href="{pages.esc(pages.url(uri, target))}" class="tb-neighbour {css}" '
            f'rel="{rel}">{label}: {pages.esc(title)}</a>'
        )
    if not links:
        return ""
    return (
        f'<nav class="tb-neighbours" aria-label="Previous and next tip" {pages.NO_SEARCH}>'
        + " ".join(links)
        + "</nav>"
    )


def page_file_text(spec: pages.PageSpec, extra_html: str = "") -> str:
    """A page as a Markdown file: YAML front matter from its meta, then its Markdown with
    the fragments (HTML, already resolved links) inline."""
    # As JSON, which is YAML too: PyYAML's dumper takes 20 ms a page, `json` 20 µs.
    head = json.dumps(plain_yaml(spec.meta), ensure_ascii=False) + "\n" if spec.meta else ""
    body = spec.full_markdown
    if extra_html:
        body = body.rstrip("\n") + "\n\n" + extra_html + "\n"
    return (f"---\n{head}---\n\n" if head else "") + body


def source_relative(html_text: str, src_uri: str) -> str:
    """`html_text`'s generated links (`pages.url`: relative to the rendered page) made
    relative to the source file's folder, as a renderer that rebases links in raw HTML
    (Zensical) reads them. `themes/x.md` renders to `themes/x/`, one folder deeper than
    its source, and every link `pages.url` writes from there starts with `../`: one goes.
    An `index.md` renders in its own folder: nothing changes."""
    if posixpath.basename(src_uri) == "index.md":
        return html_text
    return html_text.replace('href="../', 'href="')


def write_tree(handbook: Handbook, folder: Path) -> list[Path]:
    """Write every generated page (with previous/next on tip pages) and the feed into
    `folder`, links relative to each source file (`source_relative`); return the files
    written. Each file is written to a temporary name and renamed, so a reader never sees
    half a page."""
    written = []
    for spec in handbook.all_pages():
        uri = spec.src_uri
        is_tip = uri in handbook.tip_uris
        extra = neighbours_html(handbook, uri) if is_tip else ""
        fragments = {key: source_relative(part, uri) for key, part in spec.fragments.items()}
        # A tip's Markdown holds its own text (links as its author wrote them); a list
        # page's is all generated.
        markdown = spec.markdown if is_tip else source_relative(spec.markdown, uri)
        meta = {**spec.meta, "search": {"exclude": True}} if is_tip else spec.meta
        spec = replace(spec, markdown=markdown, fragments=fragments, meta=meta)
        written.append(_write(folder / uri, page_file_text(spec, source_relative(extra, uri))))
    written.append(_write(folder / pages.FEED, handbook.feed))
    return written


def plain_yaml(value: Any) -> Any:
    """Meta as plain YAML types: safe text is a `Markup` (a `str` subclass YAML refuses)."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain_yaml(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_yaml(v) for v in value]
    return value


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path
