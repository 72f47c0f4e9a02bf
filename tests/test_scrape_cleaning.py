"""Theme-independent cleaning: WordPress's excerpt endings in every common form (a fixture
per form in tests/fixtures/excerpts/), and series in the common title shapes, never invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.discover import parse_archive
from scraper.excerpt import excerpt_from_html, strip_excerpt_ending
from scraper.series import detect_series
from tipbook.model import Series

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "excerpts"
TEXT = "Customers want to feel cared for when they call with a problem about their account"
TITLE = "Convey Compassion – 8/13/13 TOW"
SHAPES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def test_every_shape_has_a_fixture() -> None:
    assert len(SHAPES) >= 12


@pytest.mark.parametrize("shape", SHAPES)
def test_excerpt_endings_go_from_feed_and_rest_excerpts(shape: str) -> None:
    html = (FIXTURES / f"{shape}.html").read_text(encoding="utf-8")
    assert excerpt_from_html(html, TITLE).rstrip(".") == TEXT


@pytest.mark.parametrize("shape", SHAPES)
def test_excerpt_endings_go_from_archive_pages(shape: str) -> None:
    html = (FIXTURES / f"{shape}.html").read_text(encoding="utf-8")
    page = (
        '<html><body class="archive"><main><article class="post hentry">'
        f'<h2 class="entry-title"><a href="/convey-compassion/">{TITLE}</a></h2>'
        f'<div class="entry-summary">{html}</div></article>'
        '<article class="post hentry"><h2 class="entry-title"><a href="/other/">Other</a></h2>'
        "</article></main></body></html>"
    )
    (entry, _other) = parse_archive(page, "https://example.org/category/tips/").entries
    assert entry.excerpt.rstrip(".") == TEXT


@pytest.mark.parametrize(
    "text",
    [
        "Tell the customer you want to hear more.",
        "We read more than we write.",
        "Keep reading the signals: they say more…",
        "The post office knows service.",
    ],
)
def test_text_that_only_looks_like_an_ending_stays(text: str) -> None:
    assert strip_excerpt_ending(text).rstrip("…") == text.rstrip("…")


def test_a_recent_posts_list_with_screen_reader_titles() -> None:
    page = (
        '<html><body class="archive"><ul class="wp-block-latest-posts__list"><li>'
        '<a class="wp-block-latest-posts__post-title" href="/a/">A Tip – 1/2/24</a>'
        f'<div class="wp-block-latest-posts__post-excerpt">{TEXT} <a class="wp-block-latest-'
        'posts__read-more" href="/a/">Read more<span class="screen-reader-text">: A Tip – '
        "1/2/24</span></a></div></li></ul></body></html>"
    )
    (entry,) = parse_archive(page, "https://example.org/tag/x/").entries
    assert entry.title == "A Tip – 1/2/24" and entry.excerpt == TEXT


@pytest.mark.parametrize(
    ("title", "series"),
    [
        ("Customer for Life, Part 2: Keep Them Coming Back", Series("Customer for Life", 2)),
        ("Handling Complaints (2 of 4)", Series("Handling Complaints", 2)),
        ("Handling Complaints [3/4]", Series("Handling Complaints", 3)),
        ("Handling Complaints – 4 of 4", Series("Handling Complaints", 4)),
        ("Service Recovery – Step 2", Series("Service Recovery", 2)),
        ("Service Recovery, Step 3: Follow Up", Series("Service Recovery", 3)),
        ("The Art of Listening, Part Two", Series("The Art of Listening", 2)),
        ("The Art of Listening – Part II", Series("The Art of Listening", 2)),
        ("The Art of Listening (Part IV)", Series("The Art of Listening", 4)),
        ("Phone Skills: Second Installment", Series("Phone Skills", 2)),
        ("Phone Skills – The Third Lesson", Series("Phone Skills", 3)),
        ("Service Recovery, Pt. 3", Series("Service Recovery", 3)),
        ("Customer for Life – The Third Step", Series("Customer for Life", 3)),
        # Never invented:
        ("5 Steps to Better Service", None),
        ("Step Up Your Service", None),
        ("Part of the Team", None),
        ("Ask Once (1 of 1)", None),
        ("Go the Extra Mile in 2 of 3 Ways", None),
        ("Room 101 (0 of 3)", None),
        ("Part 2", None),
        ("Service, Part 99", None),
        ("I, Part of the Crew", None),
    ],
)
def test_series_title_shapes(title: str, series: Series | None) -> None:
    assert detect_series(title) == series
