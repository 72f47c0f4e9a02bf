"""Fixtures shared by every capability's tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# The scraper's local mirror of the tip archive on a loopback server (benchmarks/mirror/).
from mirror_fixtures import mirror_files, mirror_site, offhost_server, scrape_content_dir  # noqa: F401
from site_corpus import BuiltCorpus, build_corpus, site_config

from benchmarks.search_box import CHROMIUM_FLAGS
from tipbook.config import Config
from tipbook.site import BuildResult, build_site

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
ARTIFACTS_DIR = REPO_ROOT / "tests" / "artifacts"  # screenshots and logs; not in git


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium. Missing: skip locally, fail under CI=true (CI must not go blind)."""
    path = os.environ.get("TIPBOOK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        message = "Chromium is missing: run `make test` as root, or `apt-get install chromium`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    """One headless Chromium for the session, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltCorpus:
    """tests/site_corpus.py's tips built once per test process (a build costs seconds, a
    copy milliseconds): read-only; a test that changes it works on `corpus_site.copy_to`."""
    return build_corpus(tmp_path_factory.mktemp("corpus-site"))


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, BuildResult]:
    """The shipped content (content/) built once per test process: (config, BuildResult).
    Read-only, like `corpus_site`."""
    config = site_config(tmp_path_factory.mktemp("shipped-site"), REPO_ROOT / "content")
    return config, build_site(config)


def _written_state(folder: Path) -> dict[str, int]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.fixture(scope="session", autouse=True)
def checkout_left_alone() -> object:
    """No test writes into the checkout's own `.tipbook/` (index, cache, query log): a test
    whose configuration still points there would mix its queries and index with a
    developer's. Fails the session's last test in each worker if anything changed."""
    folder = REPO_ROOT / ".tipbook"
    before = _written_state(folder)
    yield
    changed = sorted(k for k, v in _written_state(folder).items() if before.get(k) != v)
    assert not changed, f"tests wrote into the checkout's .tipbook/: {changed[:5]}"


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served engine's index of the shipped content (content/tips), made once per test
    process for the tests that judge ranking over it."""
    from search.indexer import update_index

    content = REPO_ROOT / "content"
    if not any((content / "tips").rglob("*.md")):
        pytest.skip("no shipped tips in content/tips yet")
    index = tmp_path_factory.mktemp("shipped-index") / "index"
    update_index(content, index)
    return index


@pytest.fixture()
def shipped_searcher(shipped_index: Path) -> Iterator[object]:
    """A searcher over `shipped_index`, closed after the test."""
    from search.query import TipSearcher

    searcher = TipSearcher(shipped_index)
    yield searcher
    searcher.close()
