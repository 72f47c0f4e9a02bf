"""The fetcher against a real loopback server: faults, politeness, charsets, cache, offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from mirror_fixtures import TEST_AGENT, MirrorSite, fetch_settings

from benchmarks.mirror.build import CP1252_TIP
from benchmarks.mirror.server import Fault
from scraper.fetch import Fetcher, FetchError, decode_html, origin

POST = "/why-to-become-an-empathy-expert-11-13-18/"


class Recorder:
    """A fake clock and sleep: records every wait, never really waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds

    def clock(self) -> float:
        return self.now


def make_fetcher(
    site: MirrorSite, cache: Path | None = None, recorder: Recorder | None = None, **settings
) -> Fetcher:
    recorder = recorder or Recorder()
    return Fetcher(
        fetch_settings(**settings),
        allowed_origins={origin(site.server.base_url)},
        cache_dir=cache,
        sleep=recorder.sleep,
        clock=recorder.clock,
    )


def requests_to(site: MirrorSite, path: str) -> int:
    return sum(1 for p in site.server.paths() if p == path)


def test_server_error_is_retried_with_backoff(mirror_site: MirrorSite) -> None:
    mirror_site.server.fail(POST, Fault(status=500), Fault(status=502))
    recorder = Recorder()
    with make_fetcher(mirror_site, recorder=recorder, backoff=0.5) as fetcher:
        response = fetcher.get(mirror_site.url(POST))
    assert response.status == 200 and "Become an Empathy Expert" in response.text
    assert requests_to(mirror_site, POST) == 3
    assert recorder.sleeps == [0.5, 1.0]  # exponential backoff


def test_repeated_failure_gives_up_with_a_reason(mirror_site: MirrorSite) -> None:
    mirror_site.server.fail(POST, *[Fault(status=503)] * 3)
    with make_fetcher(mirror_site, retries=2) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(mirror_site.url(POST))
    assert caught.value.transient and caught.value.reason == "HTTP 503 after 3 tries"
    assert requests_to(mirror_site, POST) == 3


def test_429_honours_retry_after_up_to_the_cap(mirror_site: MirrorSite) -> None:
    mirror_site.server.fail(
        POST,
        Fault(status=429, headers={"Retry-After": "7"}),
        Fault(status=429, headers={"Retry-After": "3600"}),
    )
    recorder = Recorder()
    with make_fetcher(mirror_site, recorder=recorder, max_retry_after=30) as fetcher:
        assert fetcher.get(mirror_site.url(POST)).status == 200
    assert recorder.sleeps == [7.0, 30.0]


def test_timeout_is_retried(mirror_site: MirrorSite) -> None:
    mirror_site.server.fail(POST, Fault(delay=1.5))
    with make_fetcher(mirror_site, timeout=0.3) as fetcher:
        assert fetcher.get(mirror_site.url(POST)).status == 200
    assert requests_to(mirror_site, POST) == 2


def test_huge_response_is_refused_while_streaming(mirror_site: MirrorSite) -> None:
    mirror_site.server.fail(POST, Fault(huge=20_000_000))
    fetcher = make_fetcher(mirror_site, max_bytes=1_000_000)
    with fetcher, pytest.raises(FetchError, match="over the 1,000,000-byte cap"):
        fetcher.get(mirror_site.url(POST))
    assert requests_to(mirror_site, POST) == 1  # a refusal is not retried


def test_missing_page_is_gone_not_failed(mirror_site: MirrorSite) -> None:
    with make_fetcher(mirror_site) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(mirror_site.url("/no-such-tip-1-1-19/"))
    assert caught.value.gone and caught.value.status == 404


def test_robots_txt_is_obeyed(mirror_site: MirrorSite) -> None:
    with make_fetcher(mirror_site) as fetcher:
        for path in ("/print/why-to-become-an-empathy-expert-11-13-18/", "/wp-admin/"):
            with pytest.raises(FetchError, match="disallowed by robots.txt"):
                fetcher.get(mirror_site.url(path))
    assert mirror_site.server.paths() == ["/robots.txt"]


def test_robots_txt_server_error_means_hands_off(mirror_site: MirrorSite) -> None:
    mirror_site.server.fail("/robots.txt", *[Fault(status=500)] * 3)
    with make_fetcher(mirror_site) as fetcher, pytest.raises(FetchError, match="RFC 9309"):
        fetcher.get(mirror_site.url(POST))
    assert requests_to(mirror_site, POST) == 0


def test_other_hosts_are_never_requested(mirror_site: MirrorSite) -> None:
    with make_fetcher(mirror_site) as fetcher:
        with pytest.raises(FetchError, match="another host"):
            fetcher.get(mirror_site.offhost.url("/partner/"))
        mirror_site.server.fail(
            POST, Fault(status=302, headers={"Location": mirror_site.offhost.url("/trap/")})
        )
        with pytest.raises(FetchError, match="redirects to another host"):
            fetcher.get(mirror_site.url(POST))
    assert mirror_site.offhost.requests == []


def test_same_host_redirects_are_followed(mirror_site: MirrorSite) -> None:
    with make_fetcher(mirror_site) as fetcher:
        response = fetcher.get(mirror_site.url("/?p=4242"))
    assert response.final_url == mirror_site.url("/make-empathy-your-superpower-1-2-24/")


def test_user_agent_and_per_host_delay(mirror_site: MirrorSite) -> None:
    recorder = Recorder()
    with make_fetcher(mirror_site, recorder=recorder, delay=5.0) as fetcher:
        fetcher.get(mirror_site.url(POST))
        fetcher.get(mirror_site.url("/tag/caring/"))
    assert {r.headers["user-agent"] for r in mirror_site.server.requests} == {TEST_AGENT}
    # robots.txt, then the post, then the archive: each 5 s after the one before.
    assert recorder.sleeps == [5.0, 5.0]


def test_windows_1252_page_is_decoded_by_its_meta_charset(mirror_site: MirrorSite) -> None:
    path = mirror_site.mirror.post_paths[CP1252_TIP]
    with make_fetcher(mirror_site) as fetcher:
        response = fetcher.get(mirror_site.url(path))
    assert response.headers["content-type"] == "text/html"  # no charset in the header
    assert "Love is never having to say you’re sorry" in response.text


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        ("café “quoted”".encode("cp1252"), "text/html; charset=windows-1252", "café “quoted”"),
        ("café “quoted”".encode("cp1252"), "text/html; charset=ISO-8859-1", "café “quoted”"),
        (
            b'<meta charset="windows-1252"><p>\x93hi\x94</p>',
            None,
            '<meta charset="windows-1252"><p>“hi”</p>',
        ),
        ("<p>naïve</p>".encode(), "text/html", "<p>naïve</p>"),
        (b"<p>\x93undeclared\x94</p>", "text/html", "<p>“undeclared”</p>"),
        ("<p>é</p>".encode(), "text/html; charset=utf-8", "<p>é</p>"),
    ],
)
def test_decode_html(content: bytes, content_type: str | None, expected: str) -> None:
    assert decode_html(content, content_type) == expected


def test_cache_revalidates_with_etag_and_serves_offline(
    mirror_site: MirrorSite, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    with make_fetcher(mirror_site, cache=cache) as fetcher:
        first = fetcher.get(mirror_site.url(POST))
    with make_fetcher(mirror_site, cache=cache) as fetcher:
        second = fetcher.get(mirror_site.url(POST))
    assert second.from_cache and second.content == first.content
    post_requests = [r for r in mirror_site.server.requests if r.path == POST]
    assert [r.status for r in post_requests] == [200, 304]
    assert post_requests[1].headers.get("if-none-match")
    assert post_requests[1].headers.get("if-modified-since")

    mirror_site.server.clear_log()
    offline = Fetcher(fetch_settings(), allowed_origins={origin(mirror_site.server.base_url)},
                      cache_dir=cache, offline=True)  # fmt: skip
    with offline:
        assert offline.get(mirror_site.url(POST)).content == first.content
        with pytest.raises(FetchError, match="not in the cache"):
            offline.get(mirror_site.url("/tag/caring/"))
    assert mirror_site.server.requests == []
    assert offline.request_count == 0


def test_cache_falls_back_to_last_modified(mirror_site: MirrorSite, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with make_fetcher(mirror_site, cache=cache) as fetcher:
        fetcher.get(mirror_site.url(POST))
    mirror_site.server.clear_log()
    with make_fetcher(mirror_site, cache=cache) as fetcher:
        assert fetcher.get(mirror_site.url(POST)).from_cache
    request = next(r for r in mirror_site.server.requests if r.path == POST)
    assert request.status == 304


def test_unreachable_host_fails_with_a_clear_reason(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tag/empathy/"
    recorder = Recorder()
    fetcher = Fetcher(fetch_settings(retries=1), allowed_origins={origin(url)},
                      sleep=recorder.sleep, clock=recorder.clock)  # fmt: skip
    with fetcher:
        with pytest.raises(FetchError) as caught:
            fetcher.get(url)
        assert caught.value.url == url and "cannot connect" in caught.value.reason
        waited = list(recorder.sleeps)
        other = url.replace("/tag/empathy/", "/tag/caring/")
        with pytest.raises(FetchError, match="cannot connect"):
            fetcher.get(other)  # the host is known to be down: no new attempts
    assert recorder.sleeps == waited
    assert fetcher.request_count == 2  # robots.txt, tried twice


def test_a_post_robots_txt_forbids_is_never_fetched(
    tmp_path: Path, scrape_content_dir: Path, offhost_server
) -> None:
    """Through the pipeline: the excerpt stands in for a disallowed post; no request to it."""
    from mirror_fixtures import MirrorSite, scrape_mirror

    from benchmarks.mirror.server import MirrorServer

    site_dir = tmp_path / "site"
    (site_dir / "tag" / "x").mkdir(parents=True)
    (site_dir / "robots.txt").write_text("User-agent: *\nDisallow: /members/\n", encoding="utf-8")
    (site_dir / "tag" / "x" / "index.html").write_text(
        """<html><body class="archive"><ul>
<li><a href="/members/secret-tip-3-5-19/">Secret Tip - 3/5/19</a>
<p>The excerpt of the members-only tip, long enough to be read. <a href="/members/secret-tip-3-5-19/">Read more</a></p></li>
<li><a href="/members/other-1-1-19/">No date here</a>
<p>Another excerpt. <a href="/members/other-1-1-19/">Read more</a></p></li>
</ul></body></html>""",  # noqa: E501
        encoding="utf-8",
    )
    server = MirrorServer(site_dir).start()
    try:
        site = MirrorSite(server, offhost_server, None)  # type: ignore[arg-type]
        report = scrape_mirror(site, scrape_content_dir, None, urls=[server.url("/tag/x/")])
    finally:
        server.stop()
    assert not any(p.startswith("/members/") for p in server.paths())
    [record] = report.tips
    assert record.excerpt_only and record.note == "disallowed by robots.txt; not fetched"
    assert report.ok  # a post we may not fetch is skipped, not failed
    # The other has no date for an excerpt tip: skipped, with the reason.
    assert [(s.url, s.reason) for s in report.skipped] == [
        (server.url("/members/other-1-1-19/"), "disallowed by robots.txt; not fetched")
    ]


def test_robots_crawl_delay_is_honoured_when_longer(tmp_path: Path) -> None:
    from benchmarks.mirror.server import MirrorServer

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>a</p>", encoding="utf-8")
    (tmp_path / "robots.txt").write_text("User-agent: *\nCrawl-delay: 3\n", encoding="utf-8")
    server = MirrorServer(tmp_path).start()
    recorder = Recorder()
    try:
        fetcher = Fetcher(fetch_settings(delay=1.0), allowed_origins={origin(server.base_url)},
                          sleep=recorder.sleep, clock=recorder.clock)  # fmt: skip
        with fetcher:
            fetcher.get(server.url("/a/"))
            fetcher.get(server.url("/a/"))
    finally:
        server.stop()
    assert recorder.sleeps == [1.0, 3.0]  # robots.txt was read at the configured pace
