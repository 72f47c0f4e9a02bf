"""The preview's quick rebuild: after an edit to tip files only, only the pages the edit
changes are rendered again, on the last build's MkDocs state kept in memory (its files,
navigation and templates); every other page stays as that build wrote it.

Which pages change is found by composing them again and comparing: the list pages that can
show an edited tip (home, the indexes, its chapters, year and series:
`pages.list_pages_showing`) and the feed are generated anew and compared with the last
build's; of the tip pages, the edited tips' and those that show an edited tip (its
neighbours by date, the other parts of its series, the tips listing it as related) are
composed anew and compared with what was rendered.
An edit this cannot follow (a tip added, removed, renamed, retitled, retagged, moved to
another series, held back or released by the gate, a new day) returns no plan: the caller
rebuilds with MkDocs (`tipbook.site.preview`). The related lists are re-ranked where the
edit reaches (`generate.RelatedCache`), exactly as a new build ranks them, and the pages of
the tips whose list changed are candidates too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tipbook.check import VerdictCache
from tipbook.errors import TipbookError
from tipbook.files import write_bytes_atomic
from tipbook.model import Tip
from tipbook.site import pages, speedups
from tipbook.site.collect import Collection, collect_tips
from tipbook.site.generate import Handbook

if TYPE_CHECKING:  # the plugin imports this module
    from mkdocs.config.defaults import MkDocsConfig

    from tipbook.site.plugin import TipbookPlugin


@dataclass(frozen=True)
class Plan:
    """What a quick rebuild renders: the new handbook and the pages that changed."""

    handbook: Handbook
    list_uris: list[str]  # generated list pages whose spec changed
    tip_uris: list[str]  # tip pages to render again (the edited ones first)
    feed_changed: bool


# A tip's fields that other pages show beyond the list pages' entries, or that place it:
# an edit to one of them takes MkDocs' rebuild (the tags listing, the footers, the series).
_PLACING_FIELDS = ("title", "tags", "series", "draft", "date", "slug")


def plan(
    old: Handbook,
    rendered: Mapping[str, pages.PageSpec],
    collection: Collection,
    related: Mapping[str, list[str]],
    stale: set[str] | None,
    *,
    site_name: str,
    site_url: str,
    description: str,
) -> Plan | None:
    """The pages to render again for `collection`, the tips after an edit; `old` is the
    last build's handbook and `rendered` its pages' specs as they were rendered (None:
    a quick rebuild cannot follow this edit). `related` is the map for `collection`, and
    `stale` the ids whose related lists may differ from `old.related`'s (None: all)."""
    before = old.collection
    if (
        collection.today != before.today
        or [tip.id for tip in collection.tips] != [tip.id for tip in before.tips]
        or collection.src_uris != before.src_uris
        or stale is None
    ):
        return None
    edited = _edited(before, collection.tips)
    if edited is None:
        return None
    # Only the list pages that can show an edited tip are made again (the rest are the
    # same): the nav and the set of pages stay, as no tip moved.
    shown = [*edited, *(tip for e in edited if (tip := before.get(e.id)) is not None)]
    remade = {spec.src_uri: spec for spec in pages.list_pages_showing(collection, site_name, shown)}
    list_uris = [uri for uri, spec in remade.items() if spec != old.list_pages.get(uri)]
    tip_pages = {collection.src_uri(tip): tip for tip in collection.tips}
    feed = pages.atom_feed(collection, site_name, site_url, description)
    handbook = Handbook(collection, related, {**old.list_pages, **remade}, feed, old.nav, tip_pages)
    if handbook.list_pages.keys() != old.list_pages.keys():
        return None
    tip_uris = [collection.src_uri(tip) for tip in edited]
    reranked = [
        collection.src_uri(tip)
        for tip_id in sorted(stale)
        if (tip := collection.get(tip_id)) is not None and related[tip_id] != old.related[tip_id]
    ]
    for uri in [*_showing(handbook, edited), *reranked]:
        if uri not in tip_uris and handbook.tip_page(uri) != rendered.get(uri):
            tip_uris.append(uri)
    return Plan(handbook, list_uris, tip_uris, handbook.feed != old.feed)


def _edited(before: Collection, tips: Iterable[Tip]) -> list[Tip] | None:
    """The tips that differ from the last build's (None: one differs in a placing field)."""
    edited = []
    for tip in tips:
        old = before.get(tip.id)
        if old is tip or old == tip:
            continue
        if old is None or any(getattr(old, f) != getattr(tip, f) for f in _PLACING_FIELDS):
            return None
        edited.append(tip)
    return edited


def _showing(handbook: Handbook, edited: list[Tip]) -> list[str]:
    """The tip pages that may show an edited tip: its neighbours, its series' parts and the
    tips listing it as related (one pass over the related lists: linear)."""
    collection = handbook.collection
    ids = {tip.id for tip in edited}
    found: dict[str, None] = {}
    for tip in edited:
        for other in (collection.older(tip), collection.newer(tip)):
            if other is not None:
                found[collection.src_uri(other)] = None
        position = collection.series_position(tip)
        for part in position.series.parts if position is not None else ():
            found[collection.src_uri(part)] = None
    for tip in collection.tips:
        if ids.intersection(handbook.related.get(tip.id, ())):
            found[collection.src_uri(tip)] = None
    return list(found)


# --- the plugin's side: a quick rebuild of a preview build (tipbook.site.preview) ---


def published(plugin: TipbookPlugin, site_dir: Path) -> None:
    """A preview build is in place at `site_dir` (built there, or beside it and swapped
    in): later quick rebuilds write there, and its static search index is written
    there now, in the background (the pages show at once; their index follows)."""
    plugin._static_search.finish(site_dir, background=True)
    if plugin._files is not None:
        speedups.move_files(plugin._files, site_dir)


def settle(plugin: TipbookPlugin) -> None:
    """Wait for what a preview build left running: its static search index."""
    plugin._static_search.wait()


def forget_findings(plugin: TipbookPlugin) -> None:
    """A file other than a tip changed: judge every tip again (`VerdictCache`)."""
    plugin._verdicts = VerdictCache()


def quick_rebuild(plugin: TipbookPlugin, config: MkDocsConfig) -> bool:
    """After an edit to tip files only (the preview says so), render again only the
    pages it changed, on this build's files, navigation and templates
    (this module); False, with nothing written, when the edit needs a rebuild."""
    tb, handbook, files = plugin.tipbook_config, plugin.handbook, plugin._files
    if tb is None or handbook is None or files is None or plugin._nav is None:
        return False
    try:
        collection = collect_tips(
            tb.content_dir,
            drafts=plugin.drafts,
            taxonomy=handbook.collection.taxonomy,  # themes.yml did not change
            site_url=tb.site_url,
            cache=plugin._tip_cache,
            verdicts=plugin._verdicts,
        )
    except TipbookError:
        return False
    related = plugin._related.get(collection, incremental=True)
    found = plan(
        handbook,
        plugin._specs,
        collection,
        related,
        plugin._related.stale,
        site_name=tb.site_name,
        site_url=config.site_url or "",
        description=tb.site_description or "",
    )
    if found is None:
        return False
    plugin.collection, plugin.handbook = collection, found.handbook
    plugin._tips_by_uri = dict(found.handbook.tip_uris)
    for uri in found.list_uris:
        plugin._specs[uri] = found.handbook.list_pages[uri]
        replace_generated(files, uri, found.handbook.list_pages[uri].markdown)
    if found.feed_changed:
        replace_generated(files, pages.FEED, found.handbook.feed)
    changed = [
        page
        for uri in [*found.tip_uris, *found.list_uris]
        if (file := files.get_file_from_path(uri)) is not None and (page := file.page) is not None
    ]
    page_urls = [file.url for file in files.documentation_pages()]
    speedups.rerender_pages(changed, config, files, plugin._nav, plugin._env, page_urls)
    urls = {uri: file.url for uri in plugin._tips_by_uri if (file := files.get_file_from_path(uri))}
    plugin._static_search.prepare(collection, urls, tb.content_dir, later=True)
    plugin._static_search.finish(Path(config.site_dir), background=True)
    return True


def replace_generated(files: Any, uri: str, content: str) -> None:
    """A generated file's new content; a page's is rendered by the caller, others are
    written now (the feed), whole or not at all."""
    file = files.get_file_from_path(uri)
    if file is None:
        return
    file.content_string = content
    if not file.is_documentation_page():
        write_bytes_atomic(Path(file.abs_dest_path), content.encode("utf-8"), durable=False)
