"""A hostile WordPress: whatever its REST API or feed answers, a scrape ends in findings.

A small site on a real loopback server answers each path with what the test gives it (JSON
of the wrong types, posts linked off the site, markup in titles). The scrape never raises:
it reports the archive or the post it could not take, names it, and writes only tips that
`tipbook check` accepts.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from mirror_fixtures import THEMES_FILE, fetch_settings

from scraper.pipeline import ScrapeOptions, scrape
from scraper.report import ScrapeReport
from tipbook.content import iter_tip_files, load_tip
from tipbook.model import Tip

ARCHIVE = "/category/tips/"


@dataclass
class HostileSite:
    """Answers `routes[path]` (status, content type, body); `{base}` in a body is its URL."""

    routes: dict[str, tuple[int, str, str | bytes]] = field(default_factory=dict)
    base: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # sent with every answer
    # path → a function of the query's `page` giving the JSON (a listing per page)
    paged: dict[str, Callable[[int], object]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def json(self, path: str, data: object) -> None:
        self.routes[path] = (200, "application/json", json.dumps(data))


@pytest.fixture()
def site() -> Iterator[HostileSite]:
    hostile = HostileSite()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
            hostile.requests.append(self.path)
            status, kind, body = hostile.routes.get(path, (404, "text/plain", "not found"))
            if path in hostile.paged:
                page = int(query.get("page", ["1"])[0])
                status, kind, body = 200, "application/json", json.dumps(hostile.paged[path](page))
            data = (
                body if isinstance(body, bytes) else body.replace("{base}", hostile.base).encode()
            )
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in hostile.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hostile.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    archive = '<html><head><link rel="https://api.w.org/" href="{base}/wp-json/"></head></html>'
    hostile.routes[ARCHIVE] = (200, "text/html", archive)
    hostile.json("/wp-json/", {"namespaces": ["wp/v2"], "gmt_offset": 0})
    hostile.json("/wp-json/wp/v2/categories", [{"id": 7, "slug": "tips"}])
    hostile.json("/wp-json/wp/v2/tags", [{"id": 5, "slug": "empathy"}])
    yield hostile
    server.shutdown()
    server.server_close()


def post(number: int, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": number,
        "date": "2020-01-07T10:00:00",
        "slug": f"post-{number}",
        "link": f"{{base}}/2020/01/07/post-{number}/",
        "title": {"rendered": f"Post Number {number}"},
        "content": {"rendered": f"<p>Post {number} says: listen to the customer first.</p>"},
        "excerpt": {"rendered": "<p>Listen first.</p>"},
        "tags": [5],
    }
    record.update(fields)
    return record


def run(site: HostileSite, tmp_path: Path, via: str = "rest") -> tuple[ScrapeReport, list[Tip]]:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    shutil.copy(THEMES_FILE, content / "themes.yml")
    report = scrape(
        ScrapeOptions(
            urls=[site.base + ARCHIVE],
            content_dir=content,
            themes_file=content / "themes.yml",
            settings=fetch_settings(retries=0),
            cache_dir=tmp_path / "cache",
            via=via,
        )
    )
    return report, [load_tip(path) for path in iter_tip_files(content)]


@pytest.mark.parametrize(
    "categories",
    [[5], ["id"], [{"id": "seven"}], [{"id": 1e300}], [{"id": True}], {"id": 7}, [None]],
    ids=["a number", "a string", "id text", "id float", "id bool", "an object", "null"],
)
def test_a_category_answer_of_the_wrong_shape_is_one_failure(
    site: HostileSite, tmp_path: Path, categories: object
) -> None:
    site.json("/wp-json/wp/v2/categories", categories)
    report, tips = run(site, tmp_path)
    assert tips == []
    assert [f.reason for f in report.failures] == [
        "{via} rest: the REST API has no category 'tips'"
    ]


def test_posts_with_fields_of_the_wrong_types_are_taken_or_skipped(
    site: HostileSite, tmp_path: Path
) -> None:
    site.json("/wp-json/", {"namespaces": ["wp/v2"], "gmt_offset": "1e400"})
    site.json("/wp-json/wp/v2/tags", [{"id": "x", "slug": "a"}, {"id": 5, "slug": ["b"]}, 3])
    site.json(
        "/wp-json/wp/v2/posts",
        [
            post(1, tags=5),  # not a list
            post(2, tags=[[1], {"a": 1}, "x", 5], id="two"),
            post(3, title=5, content=[1], date=None, date_gmt="2020-01-07T23:30:00"),
            post(4, link=None),
            5,
            "post",
            None,
        ],
    )
    report, tips = run(site, tmp_path)
    titles = sorted(t.title for t in tips)
    assert titles == ["Post Number 1", "Post Number 2"], (titles, report.failures)
    assert all(t.tags == [] for t in tips)  # no tag id resolved to a name
    assert [s.url for s in report.skipped] == ["rest post 4 (no link)"]
    # Post 3: no title, no content: a finding naming it, not a crash.
    assert [f.url.rsplit("/", 2)[-2] for f in report.failures] == ["post-3"]


def test_a_post_linked_off_the_site_is_not_taken(site: HostileSite, tmp_path: Path) -> None:
    site.json(
        "/wp-json/wp/v2/posts",
        [
            post(1, link="https://elsewhere.example/2020/01/07/post-1/"),
            post(2, link="javascript:alert(1)"),
            post(3, link="file:///etc/passwd"),
            post(5, link="http://[::1/2020/01/07/post-5/"),
            post(4),
        ],
    )
    report, tips = run(site, tmp_path)
    assert [t.source for t in tips] == [f"{site.base}/2020/01/07/post-4/"]
    skipped = {s.url: s.reason for s in report.skipped}
    assert set(skipped) == {
        "https://elsewhere.example/2020/01/07/post-1/",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://[::1/2020/01/07/post-5/",
    }
    assert all("links a post off the site" in reason for reason in skipped.values())


def test_a_title_with_markup_is_its_text(site: HostileSite, tmp_path: Path) -> None:
    rendered = "<script>alert(1)</script>Caf&eacute; &amp; <b>Tea</b> &#8211; <em>Part 2</em>"
    site.json("/wp-json/wp/v2/posts", [post(1, title={"rendered": rendered})])
    report, tips = run(site, tmp_path)
    assert report.ok, report.failures
    assert [t.title for t in tips] == ["Café & Tea – Part 2"]
    assert "<" not in tips[0].title and "alert" not in tips[0].title


def test_a_listing_that_claims_endless_pages_ends(site: HostileSite, tmp_path: Path) -> None:
    site.headers["X-WP-TotalPages"] = "999999999999"
    site.paged["/wp-json/wp/v2/posts"] = lambda page: [post(1), post(2)]  # the same each time
    report, tips = run(site, tmp_path)
    assert len(tips) == 2 and report.ok, report.failures
    listings = [r for r in site.requests if r.startswith("/wp-json/wp/v2/posts")]
    assert len(listings) == 2  # the second page brought nothing new: the end


def test_a_listing_of_ever_new_posts_stops_at_the_loop_guard(
    site: HostileSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scraper.doors

    monkeypatch.setattr(scraper.doors, "MAX_FEED_PAGES", 3)
    site.headers["X-WP-TotalPages"] = "999999999999"
    site.paged["/wp-json/wp/v2/posts"] = lambda page: [post(page)]
    _report, tips = run(site, tmp_path)
    assert sorted(t.title for t in tips) == [f"Post Number {n}" for n in (1, 2, 3)]


# URLs that make `urlsplit` / `urljoin` raise: a bad IPv6 host, a port out of range or not a
# number. One of them on a page stopped the whole scrape with a traceback.
UNPARSABLE = ["http://[::1/x", "http://h:99999/y", "http://h:x/", "//[bad/"]


@pytest.mark.parametrize("via", ["html", "auto"])
def test_links_no_url_function_can_parse_are_dead_links(
    site: HostileSite, tmp_path: Path, via: str
) -> None:
    bad = UNPARSABLE
    entries = "".join(
        f'<article><h2 class="entry-title"><a href="{href}">Tip {n} – 1/{n + 1}/19</a></h2>'
        "<p>Short text.</p></article>"
        for n, href in enumerate([*bad, "{base}/2020/01/07/post-1/"])
    )
    site.routes[ARCHIVE] = (
        200,
        "text/html",
        f'<html><head><link rel="alternate" type="application/rss+xml" href="{bad[0]}">'
        f'<link rel="https://api.w.org/" href="{bad[1]}"></head><body><main>{entries}'
        f'<a class="next" rel="next" href="{bad[2]}">Older</a></main></body></html>',
    )
    links = "".join(
        f'<a href="{href}">link {n}</a> <img src="{href}" alt="i{n}">' for n, href in enumerate(bad)
    )
    site.routes["/2020/01/07/post-1/"] = (
        200,
        "text/html",
        f"<html><head><link rel='canonical' href='{bad[0]}'></head><body><article>"
        "<h1 class='entry-title'>Listen First</h1><time datetime='2020-01-07'>7 Jan</time>"
        f"<div class='entry-content'><p>Let the customer finish, then answer. {links}</p>"
        "</div></article></body></html>",
    )
    site.json("/wp-json/wp/v2/posts", [])
    report, tips = run(site, tmp_path, via=via)
    assert [t.title for t in tips] == ["Listen First"], report.failures
    assert "link 0" in tips[0].body and "[::1" not in tips[0].body


@pytest.mark.parametrize("url", UNPARSABLE)
def test_a_start_url_no_url_function_can_parse_is_a_usage_error(url: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tipbook.cli import main

    result = CliRunner().invoke(main, ["scrape", "--content-dir", str(tmp_path), url])
    assert result.exit_code == 2 and "is not a web address" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("site_origin", "fetched"),
    [("https://tips.example.org", False), ("http://127.0.0.1:1", True)],
    ids=["a public site: refused", "a site on this machine (a mirror): its neighbours too"],
)
def test_an_image_on_a_local_address_is_requested_only_for_a_local_site(
    site: HostileSite, tmp_path: Path, site_origin: str, fetched: bool
) -> None:
    from scraper.fetch import Fetcher
    from scraper.images import ImageStore

    site.routes["/secret.png"] = (200, "image/png", PNG + b"secret")
    image = f"{site.base}/secret.png"
    for address in (image, image.replace("127.0.0.1", "localhost")):
        with Fetcher(fetch_settings(), allowed_origins={site_origin}) as fetcher:
            result = ImageStore(fetcher, tmp_path, 10_000).get(address)
        assert (result.path is not None) is fetched, result.reason
        if not fetched:
            assert "is on a local or private network address" in result.reason
    assert any(r == "/secret.png" for r in site.requests) is fetched


@pytest.mark.parametrize("location", ["http://[::1/x.png", "http://h:99999/x.png"])
def test_a_redirect_to_no_address_is_a_failed_image(
    site: HostileSite, tmp_path: Path, location: str
) -> None:
    from scraper.fetch import Fetcher
    from scraper.images import ImageStore

    site.routes["/moved.png"] = (302, "text/plain", "")
    site.headers["Location"] = location
    with Fetcher(fetch_settings(), allowed_origins={site.base}) as fetcher:
        result = ImageStore(fetcher, tmp_path, 10_000).get(f"{site.base}/moved.png")
    # (httpx itself refuses an unclosed IPv6 host in a Location: a failed request.)
    reasons = (f"redirects to {location!r}, not an address", "Invalid URL in location header")
    assert result.path is None and any(reason in result.reason for reason in reasons)


def test_a_password_protected_post_is_not_taken(site: HostileSite, tmp_path: Path) -> None:
    protected = {"rendered": "", "protected": True}
    site.json("/wp-json/wp/v2/posts", [post(1, content=protected), post(2)])
    form = (
        "<html><body><article><h1 class='entry-title'>Post Number 1</h1>"
        "<time datetime='2020-01-07'>7 Jan</time><div class='entry-content'><form>"
        "<p>This content is password protected. To view it please enter your password "
        "below:</p><input type='password'></form></div></article></body></html>"
    )
    site.routes["/2020/01/07/post-1/"] = (200, "text/html", form)
    report, tips = run(site, tmp_path)
    assert [t.title for t in tips] == ["Post Number 2"]
    assert [(s.url.rsplit("/", 2)[-2], s.reason) for s in report.skipped] == [
        ("post-1", "password-protected on the site; not taken")
    ]
    assert "/2020/01/07/post-1/" not in site.requests


def test_a_sitemap_index_listing_itself_is_read_once(site: HostileSite) -> None:
    from scraper.doors import count_sitemap_posts
    from scraper.fetch import Fetcher

    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    index = "".join(
        f"<sitemap><loc>{{base}}/{name}</loc></sitemap>"
        for name in ("wp-sitemap.xml", "post-sitemap.xml", "wp-sitemap.xml")
    )
    site.routes["/wp-sitemap.xml"] = (
        200,
        "application/xml",
        f"<sitemapindex {ns}>{index}</sitemapindex>",
    )
    back = "<sitemap><loc>{base}/wp-sitemap.xml</loc></sitemap>"  # and back to the index
    posts = "".join(f"<url><loc>{{base}}/p{n}/</loc></url>" for n in range(3))
    site.routes["/post-sitemap.xml"] = (200, "application/xml", f"<urlset {ns}>{posts}</urlset>")
    with Fetcher(fetch_settings(), allowed_origins={site.base}) as fetcher:
        assert count_sitemap_posts(fetcher, f"{site.base}/wp-sitemap.xml") == 3
        site.routes["/post-sitemap.xml"] = (
            200,
            "application/xml",
            f"<sitemapindex {ns}>{back}</sitemapindex>",
        )
        assert count_sitemap_posts(fetcher, f"{site.base}/post-sitemap.xml") == 0
    assert site.requests.count("/wp-sitemap.xml") <= 2


@pytest.mark.parametrize("path", ["/wp-json/", "/wp-json/wp/v2/categories", "/wp-json/wp/v2/posts"])
def test_json_nested_past_the_stack_is_not_json(
    site: HostileSite, tmp_path: Path, path: str
) -> None:
    depth = 200_000  # 400 kB, under the size cap; json.loads raises RecursionError
    site.routes[path] = (200, "application/json", "[" * depth + "]" * depth)
    report, tips = run(site, tmp_path)
    assert tips == []
    (failure,) = report.failures
    assert failure.reason.startswith("{via} rest: ")
    assert "the answer is not JSON" in failure.reason or "no REST API" in failure.reason


@pytest.mark.parametrize("via", ["rest", "html"])
def test_a_post_nested_thousands_deep_keeps_its_text(
    site: HostileSite, tmp_path: Path, via: str
) -> None:
    depth = 5_000  # converting this recursed past Python's stack (and extraction was quadratic)
    deep = "<div>" * depth + "<p>The deep advice: listen.</p>" + "</div>" * depth
    body = f"<p>Let the customer finish, then answer.</p>{deep}"
    site.json("/wp-json/wp/v2/posts", [post(1, content={"rendered": body})])
    site.routes["/2020/01/07/post-1/"] = (
        200,
        "text/html",
        "<html><body><article><h1 class='entry-title'>Post Number 1</h1>"
        f"<time datetime='2020-01-07'>7 Jan</time><div class='entry-content'>{body}</div>"
        "</article></body></html>",
    )
    if via == "html":
        del site.routes["/wp-json/"]
        site.routes[ARCHIVE] = (
            200,
            "text/html",
            "<html><body class='archive category'><main><article><h2 class='entry-title'>"
            "<a href='{base}/2020/01/07/post-1/'>Post Number 1</a></h2></article></main>"
            "</body></html>",
        )
    report, tips = run(site, tmp_path, via=via)
    assert report.ok, report.failures
    (tip,) = tips
    assert "Let the customer finish" in tip.body and "The deep advice: listen." in tip.body


def test_a_rescrape_keeps_a_tips_themes(site: HostileSite, tmp_path: Path) -> None:
    """The README promises a re-scrape never moves a tip: the site dropping its tag (or the
    text changing) keeps the chapters the tip was filed in; the text itself is updated."""
    site.json("/wp-json/wp/v2/posts", [post(1)])
    _report, [first] = run(site, tmp_path)
    assert "empathy" in first.themes
    changed = post(1, tags=[], content={"rendered": "<p>Post 1 now says: smile and wave.</p>"})
    site.json("/wp-json/wp/v2/posts", [changed])
    content = tmp_path / "content"
    scrape(
        ScrapeOptions(
            urls=[site.base + ARCHIVE],
            content_dir=content,
            themes_file=content / "themes.yml",
            settings=fetch_settings(retries=0),
            cache_dir=tmp_path / "cache",
            via="rest",
            full=True,
        )
    )
    [again] = [load_tip(path) for path in iter_tip_files(content)]
    assert "smile and wave" in again.body
    assert again.themes == first.themes
