"""Images in posts are kept: downloaded once into content/media/, linked relatively
with their alt text, checked (only real images), capped, revalidated on re-runs; an image on
another host is fetched as politely as the site; a failed image never fails its tip."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mirror_fixtures import MirrorSite, scrape_mirror

from benchmarks.mirror.build import (
    IMAGE_POSTS,
    OFFSITE_IMAGE,
    ImageSet,
    Mirror,
    build_mirror,
    image_bytes,
)
from benchmarks.mirror.server import MirrorServer
from tipbook.content import iter_tip_files, load_tip
from tipbook.model import Tip

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
UPLOADS = "/wp-content/uploads/2013/08/"
CAP = {"max_image_bytes": 100_000}  # huge.png is 300 kB
IMAGE_LINK = re.compile(r"!\[([^\]]*)\]\(([^)]+)\)")


@pytest.fixture(scope="module")
def image_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    """Another host with one image (and a robots.txt that allows it)."""
    root = tmp_path_factory.mktemp("image-host")
    (root / OFFSITE_IMAGE.strip("/")).parent.mkdir(parents=True)
    (root / OFFSITE_IMAGE.strip("/")).write_bytes(image_bytes("jpeg"))
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", "utf-8")
    server = MirrorServer(root).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def image_mirror(
    tmp_path_factory: pytest.TempPathFactory,
    offhost_server: MirrorServer,
    image_host: MirrorServer,
) -> Mirror:
    return build_mirror(
        tmp_path_factory.mktemp("image-mirror"),
        offhost_server.base_url,
        images=ImageSet(image_host.base_url),
    )


@pytest.fixture
def site(image_mirror, offhost_server: MirrorServer, image_host: MirrorServer):  # type: ignore[no-untyped-def]
    server = MirrorServer(image_mirror.root).start()
    image_host.clear_log()
    yield MirrorSite(server, offhost_server, image_mirror)
    server.stop()


def content_dir(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(REPO / "content" / "themes.yml", folder / "themes.yml")
    return folder


def tip_titled(content: Path, title: str) -> tuple[Path, Tip]:
    for path in iter_tip_files(content):
        tip = load_tip(path)
        if tip.title == title:
            return path, tip
    raise AssertionError(f"no tip {title!r}")


COMPASSION, PEERS = sorted(IMAGE_POSTS, key=lambda t: IMAGE_POSTS[t])


@pytest.mark.parametrize("via", ["rest", "html"])
def test_images_are_downloaded_and_linked_relatively(
    site: MirrorSite, image_host: MirrorServer, tmp_path: Path, via: str
) -> None:
    content = content_dir(tmp_path / "content")
    report = scrape_mirror(site, content, tmp_path / "cache", via=via, settings=CAP)
    assert report.ok, report.failures  # the failed images failed no tip
    path, tip = tip_titled(content, COMPASSION)
    links = IMAGE_LINK.findall(tip.body)
    assert links[0][0] == "Two hands held in comfort"
    # Linked from tips/<year>/ to content/media/, and the file is the image.
    target = (path.parent / links[0][1]).resolve()
    assert target.parent == (content / "media").resolve()
    assert target.read_bytes() == image_bytes("png")
    _path, peers = tip_titled(content, PEERS)
    alts = {alt: link for alt, link in IMAGE_LINK.findall(peers.body)}
    assert set(alts) == {"Two hands held in comfort", 'A team "huddle" (photo)', "Lazy"}
    assert alts["Two hands held in comfort"] == links[0][1]  # one file for both tips
    assert (path.parent / alts['A team "huddle" (photo)']).read_bytes() == image_bytes("jpeg")
    assert (path.parent / alts["Lazy"]).read_bytes() == image_bytes("gif")
    files = sorted(p.name for p in (content / "media").iterdir())
    assert len(files) == 3 and all(re.fullmatch(r"[a-z0-9-]+\.(png|jpg|gif)", f) for f in files)
    # Readable by others (a web server), as the umask allows: not mkstemp's 0o600.
    mask = os.umask(0o022)
    os.umask(mask)
    for file in [*(content / "media").iterdir(), path]:
        assert file.stat().st_mode & 0o777 == 0o666 & ~mask, file
    assert "Our team" in peers.body
    for left_out in ("Gone", "Fake", "Huge", "data:", "wp-content"):
        assert left_out not in peers.body
    skipped = {p.url.rsplit("/", 1)[-1]: p.reason for p in report.skipped if p.stage == "image"}
    assert skipped.keys() == {"gone.png", "fake.jpg", "huge.png"}
    assert "404" in skipped["gone.png"]
    assert skipped["fake.jpg"] == "not an image (text/html); left out"
    assert "cap" in skipped["huge.png"]
    # Each image requested once, though shown in two tips.
    requested = site.server.paths()
    assert requested.count(f"{UPLOADS}compassion.png") == 1
    # The other host: robots.txt first, then the image, once.
    assert image_host.paths() == ["/robots.txt", OFFSITE_IMAGE]


def test_a_re_run_revalidates_images_and_keeps_the_files(
    site: MirrorSite, image_host: MirrorServer, tmp_path: Path
) -> None:
    content = content_dir(tmp_path / "content")
    scrape_mirror(site, content, tmp_path / "cache", via="rest", settings=CAP)
    before = {p.name: p.stat().st_mtime_ns for p in (content / "media").iterdir()}
    site.server.clear_log()
    image_host.clear_log()
    again = scrape_mirror(site, content, tmp_path / "cache", via="rest", full=True, settings=CAP)
    assert again.counts["new"] == again.counts["updated"] == 0
    image_requests = [r for r in site.server.requests if r.path.startswith(UPLOADS)]
    kept = [r for r in image_requests if r.path.endswith(("compassion.png", "lazy.gif"))]
    assert len(kept) == 2 and all(r.status == 304 for r in kept)
    assert all("if-none-match" in r.headers for r in kept)
    assert [r.status for r in image_host.requests if r.path == OFFSITE_IMAGE] == [304]
    after = {p.name: p.stat().st_mtime_ns for p in (content / "media").iterdir()}
    assert after == before


def test_images_can_be_left_out(site: MirrorSite, tmp_path: Path) -> None:
    content = content_dir(tmp_path / "content")
    report = scrape_mirror(site, content, None, via="rest", images=False)
    assert report.ok
    _path, tip = tip_titled(content, COMPASSION)
    assert "![" not in tip.body
    assert not (content / "media").exists()
    assert not any(p.startswith(UPLOADS) for p in site.server.paths())
