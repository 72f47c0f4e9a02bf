"""pytest fixtures for the scraper tests: the mirror on a real loopback server, and helpers.

`tests/conftest.py` imports the fixtures so every test module can ask for them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.mirror.build import Mirror, build_mirror
from benchmarks.mirror.server import MirrorServer

REPO_ROOT = Path(__file__).resolve().parents[1]
THEMES_FILE = REPO_ROOT / "content" / "themes.yml"
REAL_SITE = "https://cssamerica.com"


@dataclass
class MirrorSite:
    """A running mirror: its server (faults, request log), what it holds, the off-host server."""

    server: MirrorServer
    offhost: MirrorServer
    mirror: Mirror

    def url(self, path: str) -> str:
        return self.server.url(path)

    @property
    def start_urls(self) -> list[str]:
        return [self.url(p) for p in self.mirror.start_paths]

    @property
    def all_urls(self) -> list[str]:
        """The archives and the external article: every tip the seeds hold."""
        return [*self.start_urls, self.url(self.mirror.external_path)]


@pytest.fixture(scope="session")
def offhost_server() -> Iterator[MirrorServer]:
    """Another "site" on its own port: the mirror links to it; nothing may request it."""
    root = Path(__file__).resolve().parent  # tests/: serves nothing useful; only its log matters
    server = MirrorServer(root / "_nothing_").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mirror_files(tmp_path_factory: pytest.TempPathFactory, offhost_server: MirrorServer) -> Mirror:
    """The mirror, built once per session from the seeds."""
    return build_mirror(tmp_path_factory.mktemp("mirror"), offhost_server.base_url)


@pytest.fixture
def mirror_site(mirror_files: Mirror, offhost_server: MirrorServer) -> Iterator[MirrorSite]:
    """A fresh server over the mirror for one test (empty request log, no faults)."""
    server = MirrorServer(mirror_files.root).start()
    offhost_server.clear_log()
    yield MirrorSite(server, offhost_server, mirror_files)
    server.stop()


@pytest.fixture
def scrape_content_dir(tmp_path: Path) -> Path:
    """An empty content folder with the project's theme taxonomy."""
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(THEMES_FILE, folder / "themes.yml")
    return folder


TEST_AGENT = "tipbook-tests/0 (+https://github.com/tipbook/tipbook)"


def fetch_settings(**overrides: object):  # type: ignore[no-untyped-def]
    """Fast, still polite settings for tests: no delay, short timeouts, tiny backoff."""
    from scraper.fetch import FetchSettings

    values: dict[str, object] = {
        "user_agent": TEST_AGENT,
        "delay": 0.0,
        "concurrency": 2,
        "timeout": 5.0,
        "retries": 2,
        "max_bytes": 2_000_000,
        "backoff": 0.01,
        "max_retry_after": 0.05,
    }
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def scrape_mirror(
    site: MirrorSite,
    content_dir: Path,
    cache_dir: Path | None,
    urls: list[str] | None = None,
    settings: dict[str, object] | None = None,
    **options: object,
):  # type: ignore[no-untyped-def]
    """Run the pipeline in-process against the mirror; sources map to the real site."""
    from scraper.pipeline import ScrapeOptions, scrape

    return scrape(
        ScrapeOptions(
            urls=urls or site.all_urls,
            content_dir=content_dir,
            themes_file=content_dir / "themes.yml",
            settings=fetch_settings(**(settings or {})),
            cache_dir=cache_dir,
            source_base=REAL_SITE,
            **options,  # type: ignore[arg-type]
        )
    )
