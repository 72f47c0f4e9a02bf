"""Extraction and discovery on the mirror's pages: titles, dates, bodies, archives, URLs."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks.mirror.build import CATEGORY, EXTERNAL_PATH, Mirror
from scraper.discover import canonicalize_url, is_archive, parse_archive, soup_of, url_key
from scraper.extract import (
    ExtractError,
    clean_title,
    extract_article,
    is_boilerplate_text,
    resolve_year,
)
from scraper.fetch import decode_html

BASE = "http://127.0.0.1:8000"


def page(mirror: Mirror, path: str) -> str:
    file = mirror.root / path.strip("/") / "index.html"
    return decode_html(file.read_bytes(), "text/html")


@pytest.mark.parametrize(
    ("raw", "title", "date"),
    [
        (
            "Convey Compassion in Customer Service – 8/13/13 TOW",
            "Convey Compassion in Customer Service",
            dt.date(2013, 8, 13),
        ),
        (
            "Know the Customer’s Value Proposition - 2/12/19",
            "Know the Customer’s Value Proposition",
            dt.date(2019, 2, 12),
        ),
        (
            "Make Empathy Your Superpower – 1/2/24",
            "Make Empathy Your Superpower",
            dt.date(2024, 1, 2),
        ),
        (
            "Customer for Life – The Final Step - 4/16/19",
            "Customer for Life – The Final Step",
            dt.date(2019, 4, 16),
        ),
        ("It’s Not What You Did… – 12/12/23", "It’s Not What You Did…", dt.date(2023, 12, 12)),
        ("A Tip — 3/4/2008", "A Tip", dt.date(2008, 3, 4)),
        ("A Tip (3/4/08)", "A Tip", dt.date(2008, 3, 4)),
        ("Serve Well TOW", "Serve Well", None),
        ("2018 Holiday Poem", "2018 Holiday Poem", None),
        ("Look Up, or Look Out!", "Look Up, or Look Out!", None),
        ("Bad date – 13/45/19", "Bad date", None),
        # a heading that is a paragraph: cut at a word, under the length `check` allows
        (
            "Listen well, " * 30 + "– 1/2/24",
            ("Listen well, " * 15).strip(" ,") + "…",
            dt.date(2024, 1, 2),
        ),
    ],
)
def test_clean_title(raw: str, title: str, date: dt.date | None) -> None:
    assert clean_title(raw) == (title, date)


def test_two_digit_years_resolve_to_the_latest_sensible_century() -> None:
    today = dt.date(2026, 11, 26)
    assert resolve_year(13, today) == 2013
    assert resolve_year(27, today) == 2027  # next year's scheduled tips
    assert resolve_year(28, today) == 1928
    assert resolve_year(99, today) == 1999
    assert resolve_year(2006, today) == 2006


def test_wordpress_post_page(mirror_files: Mirror) -> None:
    path = mirror_files.post_paths["Why to Become an Empathy Expert"]
    extracted = extract_article(page(mirror_files, path), BASE + path)
    assert extracted.title == "Why to Become an Empathy Expert"
    assert extracted.raw_title == "Why to Become an Empathy Expert – 11/13/18"
    assert (extracted.date, extracted.date_source) == (dt.date(2018, 11, 13), "time")
    assert extracted.canonical == "https://cssamerica.com" + path
    assert extracted.tags == ["caring", "empathy"]
    assert extracted.wordpress
    body = extracted.body_html
    assert body.startswith("<p>People who are great at customer service")
    for chrome in ("Signup for FREE", "Share this", "jp-relatedposts", "Posted on", "Leave a"):
        assert chrome not in body


def test_generic_article_page(mirror_files: Mirror) -> None:
    extracted = extract_article(page(mirror_files, EXTERNAL_PATH), BASE + EXTERNAL_PATH)
    assert extracted.title == "Caring Crucial to Customer Service"
    assert (extracted.date, extracted.date_source) == (dt.date(2016, 5, 10), "url")
    assert not extracted.wordpress and extracted.tags == []
    assert extracted.body_html.count("<p>") == 4
    for chrome in ("Most Popular", "cookies", "newsletter", "business-people-writing", "Staff"):
        assert chrome not in extracted.body_html


def test_date_falls_back_to_meta_then_title() -> None:
    html = """<html><head><meta property="article:published_time" content="2019-03-05T06:00">
    </head><body class="single"><article><h1 class="entry-title">Tip – 3/6/19</h1>
    <div class="entry-content"><p>Text of the tip that is long enough.</p></div></article>
    </body></html>"""
    assert extract_article(html, BASE + "/tip/").date == dt.date(2019, 3, 5)
    no_meta = html.replace("article:published_time", "other")
    extracted = extract_article(no_meta, BASE + "/tip/")
    assert (extracted.date, extracted.date_source) == (dt.date(2019, 3, 6), "title")


def test_date_from_a_written_meta_line() -> None:
    html = """<html><body class="single"><article><h1 class="entry-title">Tip</h1>
    <div class="entry-meta">Posted on November 13, 2018 in Tips</div>
    <div class="entry-content"><p>Text of the tip that is long enough.</p></div></article>
    </body></html>"""
    extracted = extract_article(html, BASE + "/tip/")
    assert (extracted.date, extracted.date_source) == (dt.date(2018, 11, 13), "meta")


def test_a_page_without_an_article_is_an_error() -> None:
    with pytest.raises(ExtractError, match="no article text"):
        extract_article("<html><body><nav><a href='/'>Home</a></nav></body></html>", BASE)


@pytest.mark.parametrize(
    "text",
    [
        "Signup for FREE Tips!\xa0\xa0\xa0 Contact Us\xa0\xa0\xa0 More Resources for You    Visit Our Home Page",  # noqa: E501
        "Posted on in\xa0 Customer Service Tip of the Week Please leave a comment",
        "Share this:",
        "Like this:",
    ],
)
def test_boilerplate_text(text: str) -> None:
    assert is_boilerplate_text(text)


def test_boilerplate_text_keeps_real_sentences() -> None:
    assert not is_boilerplate_text("Signup for FREE Tips! is what we told the customer.")
    assert not is_boilerplate_text("Contact Us is the page customers visit most.")


def test_tag_archive_page_lists_posts_widget_tips_and_the_next_page(mirror_files: Mirror) -> None:
    url = BASE + "/tag/caring/"
    listing = parse_archive(page(mirror_files, "/tag/caring/"), url)
    posts = [e for e in listing.entries if not e.from_widget]
    widget = [e for e in listing.entries if e.from_widget]
    assert [e.title for e in posts] == [
        "Why to Become an Empathy Expert – 11/13/18",
        "Love is never having to say you’re sorry – 11/6/18",
    ]
    assert [e.tags for e in posts] == [["caring", "empathy"], ["caring"]]
    assert len(widget) == 10
    assert widget[0].title == "Know the Customer’s Value Proposition - 2/12/19"
    assert widget[0].excerpt.startswith("I’ve written about how it’s important")
    assert widget[0].excerpt.endswith("When the teller contacts a")
    assert "utm_" not in widget[0].url
    assert listing.next_url == BASE + "/tag/caring/page/2/"


def test_last_archive_page_has_no_next(mirror_files: Mirror) -> None:
    path = f"/category/{CATEGORY}/page/4/"
    listing = parse_archive(page(mirror_files, path), BASE + path)
    assert listing.next_url is None
    assert [e.title for e in listing.entries if not e.from_widget] == [
        "Re-Invigorate Your Clients – 7/30/13 TOW"
    ]


def test_next_page_from_older_posts_link_or_page_number() -> None:
    older = '<html><body class="archive"><a href="/x/page/3/">Older posts</a></body></html>'
    assert parse_archive(older, BASE + "/x/page/2/").next_url == BASE + "/x/page/3/"
    numbered = '<html><body class="archive"><a href="/x/page/2/">2</a></body></html>'
    assert parse_archive(numbered, BASE + "/x/").next_url == BASE + "/x/page/2/"


def test_archive_or_article(mirror_files: Mirror) -> None:
    for path in ("/tag/empathy/", f"/category/{CATEGORY}/page/2/"):
        assert is_archive(soup_of(page(mirror_files, path)), BASE + path)
    for path in (mirror_files.post_paths["Apply Selfless Service"], EXTERNAL_PATH):
        assert not is_archive(soup_of(page(mirror_files, path)), BASE + path)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://CSSAmerica.com:443/tag/x/?utm_source=a&p=2#frag",
            "https://cssamerica.com/tag/x/?p=2",
        ),
        ("http://127.0.0.1:8000/a/?fbclid=1&replytocom=5", "http://127.0.0.1:8000/a/"),
        ("https://cssamerica.com", "https://cssamerica.com/"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_url_key_ignores_the_host() -> None:
    assert url_key("http://127.0.0.1:9/tip-1-2-24/?utm_medium=x") == "/tip-1-2-24"
    assert url_key("https://cssamerica.com/tip-1-2-24") == "/tip-1-2-24"
    assert url_key("https://cssamerica.com/?p=4242") == "/?p=4242"
