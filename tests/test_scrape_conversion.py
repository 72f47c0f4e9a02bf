"""HTML → Markdown: real lists from `•` lines, absolute links, nothing unsafe survives.

Each `tests/fixtures/convert/NAME.html` converts to exactly `tests/expected/convert/NAME.md`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.convert import html_to_markdown, safe_url

FIXTURES = Path(__file__).parent / "fixtures" / "convert"
EXPECTED = Path(__file__).parent / "expected" / "convert"
PAGE = "https://cssamerica.com/some-tip-1-2-24/"
MIRROR = {"http://127.0.0.1:8123": "https://cssamerica.com"}
CASES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def test_every_fixture_has_its_expected_markdown() -> None:
    assert sorted(p.stem for p in EXPECTED.glob("*.md")) == CASES
    assert {"bullets_br", "bullets_paragraphs", "hostile", "links", "structure"} <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_conversion_matches_expected_markdown(name: str) -> None:
    html = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    expected = (EXPECTED / f"{name}.md").read_text(encoding="utf-8")
    assert html_to_markdown(html, PAGE, MIRROR) + "\n" == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/contact-us/", "https://cssamerica.com/contact-us/"),
        ("https://example.org/a?utm_source=x&id=2", "https://example.org/a?id=2"),
        ("http://127.0.0.1:8123/p/", "https://cssamerica.com/p/"),
        ("mailto:tips@cssamerica.com", "mailto:tips@cssamerica.com"),
        ("javascript:alert(1)", None),
        ("  JAVASCRIPT:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("vbscript:msgbox(1)", None),
        ("data:text/html,<script>", None),
        ("#top", None),
    ],
)
def test_safe_url(href: str, expected: str | None) -> None:
    assert safe_url(href, PAGE, MIRROR) == expected


UNSAFE_TAGS = ["script", "iframe", "style", "object", "embed", "form", "svg", "img"]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    tag=st.sampled_from(UNSAFE_TAGS),
    handler=st.sampled_from(["onclick", "onerror", "onload", "onmouseover"]),
    scheme=st.sampled_from(["javascript", "JavaScript", " javascript", "data", "vbscript"]),
)
def test_nothing_unsafe_survives(text: str, tag: str, handler: str, scheme: str) -> None:
    html = (
        f'<p {handler}="x()">{text}</p><{tag} src="x" {handler}="y()">evil</{tag}>'
        f'<a href="{scheme}:alert(1)" {handler}="z()">{text or "link"}</a>'
    )
    markdown = html_to_markdown(html, PAGE)
    lowered = markdown.lower()
    assert f"<{tag}" not in lowered and handler not in lowered
    assert "](javascript" not in lowered.replace(" ", "") and "](data:" not in lowered
    assert "<" not in markdown.replace("&lt;", "")  # no raw HTML reaches Markdown
