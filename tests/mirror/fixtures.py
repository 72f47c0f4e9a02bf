"""pytest fixtures for the scraper tests: the mirror on a real loopback server, and helpers.

`tests/conftest.py` imports the fixtures so every test module can ask for them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mirror.build import Mirror, build_mirror
from mirror.server import MirrorServer

REPO_ROOT = Path(__file__).resolve().parents[2]
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
    root = Path(__file__).resolve().parent  # serves nothing useful; only its log matters
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
