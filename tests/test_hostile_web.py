"""A hostile web server (benchmarks/mirror/hostile.py) against the scraper's network side.

Each attack of issue #21 runs in a child process whose peak memory (ru_maxrss) is read
after it: a bomb must end in one clear failure with memory bounded (≤ 400 MB), never in a
`MemoryError` or a traceback, and nothing it names on a local address is requested.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mirror_fixtures import fetch_settings

from benchmarks.mirror.hostile import (
    GIB,
    HostileServer,
    compression_bomb,
    entity_bomb_feed,
    plain,
    trickle,
)
from scraper.fetch import Fetcher, FetchError, is_local_address
from scraper.images import ImageStore
from scraper.netsafe import address_problem

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_PEAK_MB = 400
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture()
def hostile() -> Iterator[HostileServer]:
    server = HostileServer().start()
    yield server
    server.stop()


def run_bounded(code: str) -> tuple[str, float]:
    """Run `code` (which prints one line) in a child process: its output and peak RSS in MB."""
    program = "\n".join(
        [
            "import resource, sys",
            f"sys.path[:0] = [{str(REPO_ROOT)!r}, {str(REPO_ROOT / 'tests')!r}]",
            textwrap.dedent(code),
            'print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)',
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    return "\n".join(lines[:-1]), float(lines[-1].split()[1])


FETCH_ONE = """
from mirror_fixtures import fetch_settings
from scraper.fetch import Fetcher, FetchError
with Fetcher(fetch_settings(retries=0), allowed_origins={{{base!r}}}) as fetcher:
    try:
        response = fetcher.get({url!r})
        print("FETCHED", len(response.content))
    except FetchError as error:
        print("REFUSED", error.reason)
"""


@pytest.mark.parametrize("layers", [2, 1], ids=["gzip, gzip (2.5 KB)", "gzip (1 MB)"])
def test_a_compression_bomb_is_refused_with_memory_bounded(
    hostile: HostileServer, layers: int
) -> None:
    url = hostile.serve("/wp-json/wp/v2/posts", compression_bomb("application/json", GIB, layers))
    output, peak = run_bounded(FETCH_ONE.format(base=hostile.base_url, url=url))
    assert output.startswith("REFUSED"), output
    expected = "stacked encodings" if layers == 2 else "decompresses to over the 2,000,000-byte cap"
    assert expected in output
    assert peak <= MAX_PEAK_MB, f"peak {peak:.0f} MB"


def test_a_plain_gzip_answer_is_still_read(hostile: HostileServer) -> None:
    import gzip

    body = gzip.compress(b'{"ok": true}')
    url = hostile.serve("/ok", plain(200, "application/json", body, **{"Content-Encoding": "gzip"}))
    with Fetcher(fetch_settings(), allowed_origins={hostile.base_url}) as fetcher:
        assert json.loads(fetcher.get(url).content) == {"ok": True}


def test_an_entity_bomb_feed_is_refused_with_memory_bounded(hostile: HostileServer) -> None:
    url = hostile.serve("/feed/", entity_bomb_feed())
    code = f"""
    from mirror_fixtures import fetch_settings
    from scraper.doors import DoorError, read_feed
    from scraper.fetch import Fetcher
    with Fetcher(fetch_settings(retries=0), allowed_origins={{{hostile.base_url!r}}}) as f:
        try:
            posts = [p for batch in read_feed(f, {url!r}) for p in batch]
            print("READ", sum(len(p.excerpt or "") for p in posts))
        except DoorError as error:
            print("REFUSED", error.reason)
    """
    output, peak = run_bounded(code)
    assert output.startswith("REFUSED") and "declares a DTD or entities" in output, output
    assert peak <= MAX_PEAK_MB, f"peak {peak:.0f} MB"


def test_a_trickling_server_cannot_hold_a_request_past_its_deadline(
    hostile: HostileServer,
) -> None:
    url = hostile.serve("/slow/", trickle("text/html", seconds=20, every=0.2))
    settings = fetch_settings(retries=0, timeout=5.0, deadline=2.0)
    started = time.monotonic()
    with (
        Fetcher(settings, allowed_origins={hostile.base_url}) as fetcher,
        pytest.raises(FetchError, match="whole-request deadline"),
    ):
        fetcher.get(url)
    assert time.monotonic() - started < 8


# Loopback and the cloud metadata address in the spellings inet_aton (and so curl or a
# browser) reads, which `ipaddress` alone does not.
LOCAL_SPELLINGS = [
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://0x7f.1/",
    "http://2852039166/",  # 169.254.169.254
    "http://0xa9fea9fe/",
    "http://169.254.43518/",
    "http://0251.0376.0251.0376/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:127.0.0.1]/",
]


@pytest.mark.parametrize("url", LOCAL_SPELLINGS)
def test_every_spelling_of_a_local_address_is_local(url: str) -> None:
    assert is_local_address(url)


@pytest.mark.parametrize(
    "url",
    [u for u in LOCAL_SPELLINGS if "169" in u or "a9fe" in u or "0251" in u or "2852039166" in u],
)
def test_the_metadata_address_is_refused_even_for_a_private_mirror(url: str) -> None:
    assert address_problem(url, allow_private=True) == "a cloud metadata address"


@pytest.mark.parametrize("spelling", ["127.1", "2130706433", "0x7f000001", "0177.0.0.1"])
def test_an_image_on_loopback_in_another_spelling_is_not_requested(
    hostile: HostileServer, tmp_path: Path, spelling: str
) -> None:
    """The site is public: a post naming a loopback image in any spelling gets no request."""
    hostile.serve("/secret.png", plain(200, "image/png", PNG))
    port = hostile.base_url.rsplit(":", 1)[1]
    with Fetcher(fetch_settings(), allowed_origins={"https://tips.example.org"}) as fetcher:
        result = ImageStore(fetcher, tmp_path, 10_000).get(f"http://{spelling}:{port}/secret.png")
    assert result.path is None and "local or private network address" in result.reason
    assert hostile.requests == []
    assert not list(tmp_path.iterdir())


def test_a_name_resolving_to_loopback_is_not_requested(
    hostile: HostileServer, tmp_path: Path
) -> None:
    name = socket.gethostname()
    if not is_local_address(f"http://{socket.gethostbyname(name)}/"):
        pytest.skip(f"{name} does not resolve to a local address here")
    hostile.serve("/secret.png", plain(200, "image/png", PNG))
    port = hostile.base_url.rsplit(":", 1)[1]
    with Fetcher(fetch_settings(), allowed_origins={"https://tips.example.org"}) as fetcher:
        result = ImageStore(fetcher, tmp_path, 10_000).get(f"http://{name}:{port}/secret.png")
    assert result.path is None and "local or private network address" in result.reason
    assert hostile.requests == []


@pytest.mark.parametrize(
    "url",
    ["http://0177.0.0.1:1/x.png", "http://1.2.3.999/x.png", "http://ex\u2603ample..com/x.png"],
)
@pytest.mark.parametrize("site", ["https://tips.example.org", "http://127.0.0.1:1"])
def test_a_bad_image_url_is_one_failed_image(tmp_path: Path, url: str, site: str) -> None:
    """Never an `httpx.InvalidURL` traceback, for a public site or a private mirror."""
    with Fetcher(fetch_settings(retries=0), allowed_origins={site}) as fetcher:
        result = ImageStore(fetcher, tmp_path, 10_000).get(url)
    assert result.path is None and result.reason


# Dots of other scripts and full-width digits: IDNA (as the HTTP client applies it) turns
# these into the ASCII address, so they must be read as that address, not as a name.
IDNA_SPELLINGS = [
    "http://169\u3002254\u3002169\u3002254/",  # ideographic full stop
    "http://169\uff0e254\uff0e169\uff0e254/",  # full-width full stop
    "http://169\uff61254\uff61169\uff61254/",  # half-width ideographic full stop
    "http://\uff11\uff16\uff19.254.169.254/",  # full-width digits
]


@pytest.mark.parametrize("url", IDNA_SPELLINGS)
def test_the_metadata_address_in_other_scripts_is_refused_for_a_private_mirror(url: str) -> None:
    """A private mirror resolves no names: the literal must be recognised as one."""
    assert address_problem(url, allow_private=True) == "a cloud metadata address"


@pytest.mark.parametrize("url", [u.replace("169", "127", 1) for u in IDNA_SPELLINGS[:3]])
def test_loopback_in_other_scripts_is_local_without_resolving(url: str) -> None:
    assert is_local_address(url)


@pytest.mark.parametrize(
    "url", ["http://foo.localhost./", "http://localhost./", "http://a.LOCALHOST./"]
)
def test_a_localhost_name_with_a_trailing_dot_is_local(url: str) -> None:
    """Browsers and curl send every `*.localhost` to loopback, trailing dot or not."""
    assert is_local_address(url)
