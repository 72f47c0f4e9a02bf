"""The two engines, one handbook: the shipped content built with MkDocs + Material and with
Zensical gives the same pages at the same URLs, linking to the same pages (previous/next
by date included), with the safety gate and the static search index applied to both."""

from __future__ import annotations

import dataclasses
import json
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from site_corpus import REPO_ROOT, site_config

from tipbook.config import Config
from tipbook.site import build_site

pytestmark = pytest.mark.slow

SHIPPED = REPO_ROOT / "content"


def page_links(site: Path) -> dict[str, set[str]]:
    """Each page (its URL) → the pages its content and its previous/next links point to
    (site paths, resolved), leaving out the theme's own links (assets, header, sidebars)."""
    found: dict[str, set[str]] = {}
    for page in site.rglob("index.html"):
        base = page.parent.relative_to(site).as_posix()
        tree = lxml.html.fromstring(page.read_bytes())
        anchors = tree.xpath("//article//a[@href] | //a[contains(@class, 'md-footer__link')]")
        targets = set()
        for anchor in anchors:
            parts = urlsplit(anchor.get("href"))
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = posixpath.normpath(posixpath.join(base, parts.path))
            targets.add(target.removesuffix("/index.html").strip("/") or ".")
        key = "." if base == "." else base
        found[key] = targets
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("engines")
    sites = []
    for engine in ("mkdocs", "zensical"):
        config: Config = dataclasses.replace(
            site_config(root / engine, SHIPPED), site_url="https://tips.example.org/"
        )
        result = build_site(config, engine=engine)
        assert result.tips > 30
        sites.append(result.site_dir)
    return sites[0], sites[1]


def test_same_pages_at_the_same_urls(both: tuple[Path, Path]) -> None:
    mkdocs, zensical = both
    pages = {p.relative_to(mkdocs).as_posix() for p in mkdocs.rglob("*.html")}
    assert len(pages) > 60
    assert pages == {p.relative_to(zensical).as_posix() for p in zensical.rglob("*.html")}
    for extra in ("feed.xml", "sitemap.xml"):
        assert (zensical / extra).is_file(), extra
    # The static search index (Pagefind), the same files as the MkDocs build's.
    index = sorted(p.suffix for p in (mkdocs / "pagefind").rglob("*") if p.is_file())
    assert index and index == sorted(
        p.suffix for p in (zensical / "pagefind").rglob("*") if p.is_file()
    )


def test_same_links_every_one_resolving(both: tuple[Path, Path]) -> None:
    mkdocs, zensical = both
    expected, got = page_links(mkdocs), page_links(zensical)
    assert expected.keys() == got.keys()
    differing = {
        page: (expected[page], got[page]) for page in expected if expected[page] != got[page]
    }
    assert differing == {}
    broken = [
        f"{page} → {target}"
        for page, targets in got.items()
        for target in targets
        if not ((zensical / target).is_file() or (zensical / target / "index.html").is_file())
    ]
    assert broken == []


def test_search_index_holds_tips_without_their_bodies_and_no_markup_the_gate_refuses(
    both: tuple[Path, Path],
) -> None:
    _, zensical = both
    items = json.loads((zensical / "search.json").read_text())["items"]
    assert items
    assert not [i for i in items if "<script" in i["text"] or "onerror" in i["text"]]
    # Zensical's box searches this file: each tip is in it once, by its title, summary and
    # takeaway (its body would make the file grow with the archive, as Material's did).
    tips = [i for i in items if i["location"].startswith("tips/")]
    pages = {
        p.parent.relative_to(zensical).as_posix() + "/"
        for p in zensical.glob("tips/*/*/index.html")
    }
    assert sorted(i["location"] for i in tips) == sorted(pages)
    assert max(len(i["text"]) for i in tips) < 1000
    for tip in tips:  # the body stays out: a long tip's entry is far shorter than it
        slug = tip["location"].rstrip("/").rsplit("/", 1)[1]
        source = next(SHIPPED.glob(f"tips/*/{slug}.md")).read_text(encoding="utf-8")
        body = source.split("---", 2)[2].strip()
        if len(body) > 2000:
            assert len(tip["text"]) < len(body) / 2, slug
