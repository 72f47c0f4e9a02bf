"""`tipbook build --engine zensical`: the same handbook rendered by Zensical (Material's
successor, an optional extra: `pip install 'tipbook[zensical]'`).

Zensical reads `mkdocs.yml` but runs no MkDocs plugins, so tipbook hands it files: the
generator's Markdown tree (`generate.write_tree`, links already resolved), the hand-written
pages, `mkdocs.yml` with the `nav` filled in, and the template overrides without the
MkDocs-only fragment cache. Around the render, the same steps as the MkDocs build: the
safety gate on every page's content and on the search index, the static search index
(Pagefind), and the atomic publish (`publish`).
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import time
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from tipbook import publish, sanitize
from tipbook.config import Config
from tipbook.errors import TipbookError, display_path
from tipbook.model import tip_url
from tipbook.site import generate
from tipbook.site.collect import Collection, collect_tips
from tipbook.site.generate import STATIC_PAGES_DIR
from tipbook.site.static_search import StaticSearchRun

ENGINES = ("mkdocs", "zensical")
MATERIAL_SEARCH_PARTIAL = "partials/search.html"
_CACHE_TAG = re.compile(r"{% (?:end)?tipbook_cache[^%]*%}")
# The gate cleans the content, not the template around it: Zensical's template opens the
# <article> with the skip link's target (`#__skip`, focusable by script only), which the gate
# would remove as content.
_ARTICLE = re.compile(
    r'(<article class="md-content__inner md-typeset">\s*(?:<a id="__skip" tabindex="-1"></a>)?)'
    r"(.*?)(</article>)",
    re.DOTALL,
)
# What the handbook adds to Zensical's own theme for the accessibility floor (Material's is
# met by tipbook.css alone); listed in the Zensical build's mkdocs.yml only.
ZENSICAL_CSS = "assets/stylesheets/tipbook-zensical.css"
ZENSICAL_JS = "assets/javascripts/tipbook-zensical.js"


def zensical_available() -> bool:
    try:
        import zensical  # noqa: F401
    except ImportError:
        return False
    return True


def build_with_zensical(
    config: Config, site_dir: Path, drafts: bool = False, strict: bool = False
) -> Any:
    """Build the handbook with Zensical into `site_dir`, published atomically; returns a
    `BuildResult` as `build_site` does."""
    from search.indexer import write_published_index
    from tipbook.site import BuildResult, refuse_held_back
    from tipbook.site.report import held_back

    if not zensical_available():
        raise TipbookError(
            "the zensical engine is not installed: pip install 'tipbook[zensical]' "
            "(or build with the default engine, {engine} mkdocs)",
            options=("engine",),
        )
    started = time.perf_counter()
    collection = collect_tips(config.content_dir, drafts=drafts, site_url=config.site_url)
    if strict:
        refuse_held_back(held_back(collection))
    project = config.cache_dir / "zensical"
    shutil.rmtree(project, ignore_errors=True)
    docs = project / "docs"
    static_pages = _copy_static_pages(config.content_dir, docs)
    handbook = generate.generate_handbook(
        collection,
        generate.RelatedCache().get(collection, incremental=False),
        site_name=config.site_name,
        site_url=config.site_url or "",
        description=config.site_description or "",
        static_pages=static_pages,
    )
    generate.write_tree(handbook, docs)
    publish.clean_leftovers(site_dir)
    with publish.staging_dir(site_dir) as staging:
        _write_project(config, project, handbook)
        _render(project / "mkdocs.yml")
        # Zensical writes only inside its project folder: the pages move into the staging
        # folder (a rename on one file system), which is swapped in whole below.
        for item in (project / "site").iterdir():
            shutil.move(item, staging / item.name)
        _add_tips_to_search(staging, collection, handbook)
        count = _gate(staging)
        search = StaticSearchRun(logging.getLogger("tipbook"))
        search.prepare(
            collection, {uri: tip_url(uri) for uri in handbook.tip_uris}, config.content_dir
        )
        search.finish(staging)
        if not drafts:  # `tipbook serve`'s search index, of exactly the tips on these pages
            write_published_index(
                staging,
                ((tip, collection.src_uri(tip)) for tip in collection.tips),
                config.content_dir,
            )
        try:
            publish.publish(staging, site_dir)
        except OSError as error:
            raise TipbookError(
                f"cannot put the new site in place at {display_path(site_dir)} "
                f"({error.strerror or error}): the previous site is unchanged"
            ) from None
    seconds = time.perf_counter() - started
    return BuildResult(site_dir, len(collection), count, seconds, held_back(collection))


def _copy_static_pages(content_dir: Path, docs: Path) -> list[tuple[str, str]]:
    """content/pages/*.md, their front matter through the gate; (title, path) for the nav."""
    found = []
    for path in sorted((content_dir / STATIC_PAGES_DIR).glob("*.md")):
        post = frontmatter.load(path)
        meta = generate.plain_yaml(sanitize.page_meta(dict(post.metadata)))
        uri = f"{STATIC_PAGES_DIR}/{path.name}"
        target = docs / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        head = f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n\n" if meta else ""
        target.write_text(head + post.content + "\n", encoding="utf-8")
        heading = next((ln[2:] for ln in post.content.splitlines() if ln.startswith("# ")), "")
        title = heading.strip() or path.stem.replace("-", " ").capitalize()
        found.append((str(sanitize.text(title)), uri))
    return found


def _write_project(config: Config, project: Path, handbook: generate.Handbook) -> None:
    """mkdocs.yml for Zensical (docs, site, nav) and the overrides without the MkDocs-only
    fragment cache (MiniJinja has no Jinja extensions)."""
    try:
        settings = yaml.safe_load(config.mkdocs_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise TipbookError(f"{display_path(config.mkdocs_file)}: cannot read: {error}") from None
    overrides = config.mkdocs_file.parent / settings.get("theme", {}).get("custom_dir", "")
    if overrides != config.mkdocs_file.parent and overrides.is_dir():
        shutil.copytree(overrides, project / "overrides")
        for template in (project / "overrides").rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            template.write_text(_CACHE_TAG.sub("", text), encoding="utf-8")
        # Material's search markup, copied for tipbook's worker: Zensical's box is its own.
        (project / "overrides" / MATERIAL_SEARCH_PARTIAL).unlink(missing_ok=True)
        settings["theme"]["custom_dir"] = "overrides"
    settings.update(
        site_name=str(sanitize.text(config.site_name)),
        docs_dir="docs",
        site_dir="site",
        nav=generate.plain_yaml(handbook.nav),
        use_directory_urls=True,
        plugins=["search", "tags"],  # Zensical's own; it runs no others
        # overrides/main.html leaves Zensical's search box on its own worker with this.
        extra={**(settings.get("extra") or {}), "tipbook_engine": "zensical"},
        extra_css=[*(settings.get("extra_css") or []), ZENSICAL_CSS],
        extra_javascript=[*(settings.get("extra_javascript") or []), ZENSICAL_JS],
    )
    if config.site_url:
        settings["site_url"] = config.site_url
    if config.site_description:
        settings["site_description"] = str(sanitize.text(config.site_description))
    (project / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False))


def _render(config_file: Path) -> None:
    import zensical

    try:
        zensical.build(str(config_file), {"strict": True, "clean": True})
    except Exception as error:  # Zensical raises plain RuntimeErrors from its Rust core
        raise TipbookError(f"the zensical build failed: {error}") from None


def _add_tips_to_search(site: Path, collection: Collection, handbook: generate.Handbook) -> None:
    """Zensical's search box searches its own `search.json` (its worker speaks another
    protocol than Material's, which tipbook's worker speaks): each tip goes in as its title,
    summary and takeaway, escaped, never its body (about 300 bytes a tip, where the body
    would make the file grow as Material's did, 15 MB at 5,000 tips). The tip pages are
    kept out of Zensical's own indexing (`search: exclude`), as with MkDocs."""
    index = site / "search.json"
    if not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    chapters = {theme.id: theme.title for theme in collection.taxonomy}
    uris = set(handbook.tip_uris)
    for tip in collection.tips:
        uri = collection.src_uri(tip)
        if uri not in uris:
            continue
        words = " ".join(part for part in (tip.summary, tip.takeaway) if part)
        data.setdefault("items", []).append(
            {
                "location": tip_url(uri),
                "title": html.escape(tip.title),
                "text": f"<p>{html.escape(words)}</p>",
                "path": [html.escape(chapters.get(t, t)) for t in tip.themes[:1]],
                "tags": [],
            }
        )
    index.write_text(json.dumps(data), encoding="utf-8")


def _gate(site: Path) -> int:
    """Every page's content and the search index through the one safety gate (the MkDocs
    build does this per page, in its events); returns the number of pages."""
    count = 0
    for page in site.rglob("*.html"):
        count += 1
        if page.parent.name == "search" and page.parent.parent == site:
            continue  # tipbook's results page: its template's own form, no content
        text = page.read_text(encoding="utf-8")
        safe = _ARTICLE.sub(lambda m: m[1] + sanitize.body(m[2]) + m[3], text)
        if safe != text:
            page.write_text(safe, encoding="utf-8")
    index = site / "search.json"
    if index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        sanitize.search_entries(data.get("items", []))
        index.write_text(json.dumps(data), encoding="utf-8")
    return count
