"""The build's speed-ups (tipbook/site/speedups.py) change nothing but the time: a stock
MkDocs build and a fast two-process build of the same content write the same site, and a
release or internal the speed-ups do not know makes the build fall back, saying so once."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fresh_build import build_with_worker
from site_corpus import BuiltCorpus, site_config, write_corpus

from tipbook.site import build_site, load_mkdocs_config, pages, parallel, speedups

pytestmark = pytest.mark.slow
SEARCH_INDEX = "search/search_index.json"


def site_files(site: Path) -> dict[str, bytes]:
    """The site's files, but the search indexes (`pagefind/`, `.tipbook-search/`): they are
    written from the tips, not from the rendered pages, under names made anew each run."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.relative_to(site).parts[0] not in ("pagefind", ".tipbook-search")
    }


def assert_same_site(stock: Path, fast: Path) -> None:
    """Byte for byte, but for the order of the search index's entries: the only thing a
    build may legitimately change (the worker's entries are merged in by page order)."""
    one, two = site_files(stock), site_files(fast)
    assert (stock / "pagefind").is_dir() and (fast / "pagefind").is_dir()
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name] and name != SEARCH_INDEX] == []
    entries = [
        sorted(json.dumps(doc, sort_keys=True) for doc in json.loads(files[SEARCH_INDEX])["docs"])
        for files in (one, two)
    ]
    assert entries[0] == entries[1]


@pytest.fixture()
def fresh_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Forget what the gate concluded and reported earlier in this process."""
    speedups.unsupported.cache_clear()
    monkeypatch.setattr(speedups, "_told", set())
    yield
    speedups.unsupported.cache_clear()


@pytest.fixture(scope="module")
def stock_site(tmp_path_factory: pytest.TempPathFactory, corpus_site: BuiltCorpus) -> Path:
    """The corpus built by stock MkDocs (speed-ups off), once for the module's comparisons."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(speedups.ENV_SWITCH, "0")
        stock = tmp_path_factory.mktemp("stock") / "site"
        return build_site(corpus_site.config, site_dir=stock).site_dir


def test_stock_and_fast_builds_write_the_same_site(
    tmp_path: Path,
    corpus_site: BuiltCorpus,
    stock_site: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_gate: None,
) -> None:
    assert speedups.active()
    # the fast build forks its worker (checked by `build_with_worker`): in a fresh process
    fast = Path(build_with_worker(corpus_site.root, site_dir=tmp_path / "fast")["site_dir"])
    assert_same_site(stock_site, fast)


def test_an_unknown_mkdocs_release_builds_as_stock_and_says_so_once(
    tmp_path: Path,
    corpus_site: BuiltCorpus,
    stock_site: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_gate: None,
) -> None:
    monkeypatch.setitem(speedups.KNOWN_GOOD, "mkdocs", ((0, 1), (0, 2)))
    monkeypatch.setattr(parallel, "MIN_PAGES", 1)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    with caplog.at_level(logging.WARNING, logger=speedups.log.name):
        first = build_site(corpus_site.config, site_dir=tmp_path / "first").site_dir
        build_site(corpus_site.config, site_dir=tmp_path / "second")
    notices = [r.getMessage() for r in caplog.records if r.name == speedups.log.name]
    assert len(notices) == 1
    assert "speed-ups off" in notices[0] and "mkdocs 1.6" in notices[0]
    assert_same_site(stock_site, first)


def test_a_missing_mkdocs_internal_builds_as_stock(
    tmp_path: Path,
    corpus_site: BuiltCorpus,
    stock_site: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_gate: None,
) -> None:
    # As if MkDocs had renamed one of the private tree processors the fast render uses.
    wanted = (*speedups._PAGE_PROCESSORS, "_RenamedTreeprocessor")
    monkeypatch.setattr(speedups, "_PAGE_PROCESSORS", wanted)
    with caplog.at_level(logging.WARNING, logger=speedups.log.name):
        site = build_site(corpus_site.config, site_dir=tmp_path / "fallback").site_dir
    notices = [r.getMessage() for r in caplog.records if r.name == speedups.log.name]
    assert len(notices) == 1 and "_RenamedTreeprocessor" in notices[0]
    assert_same_site(stock_site, site)


def test_without_materials_record_of_tag_listings_the_pages_with_one_are_found(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_gate: None,
) -> None:
    """The tags plugin writes listings into pages after they passed the sanitising gate;
    which pages, tipbook reads from the plugin's private record. Without it (another
    Material), every page whose source holds the listing directive is found instead."""
    from mkdocs.structure.files import get_files
    from mkdocs.structure.pages import Page

    write_corpus(tmp_path / "content")
    config = load_mkdocs_config(site_config(tmp_path), site_dir=tmp_path / "site")
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    documents = [Page(None, file, config) for file in files.documentation_pages()]
    assert len(documents) > 10
    assert speedups.tag_listing_pages(config, documents) == []  # none recorded yet

    monkeypatch.setattr(speedups, "_TAG_LISTINGS", ("listings", "renamed"))
    with caplog.at_level(logging.WARNING, logger=speedups.log.name):
        found = speedups.tag_listing_pages(config, documents)
        again = speedups.tag_listing_pages(config, documents)
    assert [page.file.src_uri for page in found] == [pages.TAGS_INDEX] and again == found
    notices = [r.getMessage() for r in caplog.records if r.name == speedups.log.name]
    assert len(notices) == 1 and "tags plugin" in notices[0]


def test_a_damaged_template_cache_file_is_compiled_again(tmp_path: Path) -> None:
    """The compiled templates kept below the cache folder: a file cut short (a full disk,
    a copy interrupted) failed the next build with Jinja's traceback; it is a miss now."""
    write_corpus(tmp_path / "content")
    config = site_config(tmp_path)
    first = build_site(config).site_dir
    home = (first / "index.html").read_bytes()
    kept = sorted((config.cache_dir / "site-templates").glob("*.cache"))
    assert kept
    for path in kept:
        path.write_bytes(path.read_bytes()[:20])  # the header and a cut checksum
    assert (build_site(config).site_dir / "index.html").read_bytes() == home
