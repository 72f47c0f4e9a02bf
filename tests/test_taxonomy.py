"""The theme taxonomy (content/themes.yml), validation against it, and the classifier."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tipbook import rules
from tipbook.content import dumps_tip
from tipbook.errors import ContentError
from tipbook.model import Tip
from tipbook.taxonomy import Taxonomy, load_taxonomy
from tipbook.validate import LocatedTip, validate_collection, validate_file

REQUIRED_THEMES = {
    "compassion",
    "empathy",
    "retention",
    "caring",
    "apology",
    "communication",
    "teamwork",
    "responsiveness",
    "relationships",
}


@pytest.fixture(scope="module")
def taxonomy(repo_root: Path) -> Taxonomy:
    return load_taxonomy(repo_root / "content" / "themes.yml")


def test_shipped_taxonomy_has_the_chapters(taxonomy: Taxonomy) -> None:
    assert set(taxonomy.ids) >= REQUIRED_THEMES
    assert 5 <= len(taxonomy) <= 15  # few and clear: they are the handbook's chapters
    for theme in taxonomy:
        assert theme.title and len(theme.description) > 60 and theme.signals


def test_misspelt_theme_gets_the_nearest_id(taxonomy: Taxonomy) -> None:
    assert taxonomy.suggest("empaty") == "empathy"
    assert taxonomy.unknown_theme_message("empaty") == (
        "unknown theme 'empaty' (did you mean 'empathy'?)"
    )
    assert "known themes:" in taxonomy.unknown_theme_message("zzzzzz")


def test_site_tags_map_onto_themes(taxonomy: Taxonomy) -> None:
    assert taxonomy.themes_for_tags(["Empathy", "caring", "Customer Service"]) == [
        "empathy",
        "caring",
    ]


def test_classifier_explains_its_themes(taxonomy: Taxonomy) -> None:
    title = "Retain through Responsiveness"
    body = (
        "The customer waited weeks and nearly did not renew. Loyal customers leave when "
        "nobody calls back; lost business follows."
    )
    themes = taxonomy.classify(title, body)
    assert "retention" in themes
    scores = {s.theme: s for s in taxonomy.score(title, body)}
    assert scores["retention"].matches["retain"] == 1
    assert "renew" in scores["retention"].matches
    assert "compassion" not in themes and scores["compassion"].score == 0


def test_classifier_is_deterministic(taxonomy: Taxonomy) -> None:
    text = "empathy and compassion, sorry and apology, co-workers hand-offs"
    assert taxonomy.score("T", text) == taxonomy.score("T", text)


def test_broken_taxonomy_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "themes.yml"
    path.write_text(
        "themes:\n"
        "  - id: Empathy\n    title: E\n    description: d\n"
        "  - id: caring\n    description: ''\n    signals: nope\n"
        "  - id: caring\n    title: C\n    description: d\n"
    )
    with pytest.raises(ContentError) as caught:
        load_taxonomy(path)
    text = str(caught.value.message)
    assert "themes[1].id" in text and "caring.title" in text and "caring.signals" in text
    assert "duplicate id 'caring'" in text
    assert str(path.name) in text


def test_validation_names_file_field_and_fix(tmp_path: Path, taxonomy: Taxonomy) -> None:
    tip = Tip(title="X", date=dt.date(2019, 2, 12), slug="x", themes=["empaty"], summary="s")
    path = tmp_path / "content" / "tips" / "2019" / "2019-02-12-x.md"
    path.parent.mkdir(parents=True)
    path.write_text(dumps_tip(tip))
    _, problems = validate_file(path, taxonomy)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "error: themes: unknown theme 'empaty' (did you mean 'empathy'?)"
    ]
    assert problems[0].path.endswith("content/tips/2019/2019-02-12-x.md")
    assert problems[0].line == 5  # the `themes:` line


def test_misplaced_file_is_reported(tmp_path: Path, taxonomy: Taxonomy) -> None:
    tip = Tip(title="X", date=dt.date(2019, 2, 12), slug="x", summary="s")
    path = tmp_path / "2019-02-19-x.md"
    path.write_text(dumps_tip(tip))
    _, problems = validate_file(path, taxonomy)
    assert problems[0].rule == "file-name"
    assert "rename the file to 2019-02-12-x.md" in str(problems[0])


def test_duplicate_slugs_and_dates(taxonomy: Taxonomy) -> None:
    a = Tip(title="A", date=dt.date(2019, 2, 12), slug="same")
    b = Tip(title="B", date=dt.date(2019, 2, 12), slug="same")
    problems = validate_collection(
        [LocatedTip(Path(n), n, t) for n, t in (("a.md", a), ("b.md", b))]
    )
    # Each file is told which other file it clashes with (as `tipbook check` says it).
    assert {(p.path, p.level, p.field, p.rule) for p in problems} == {
        (name, level, field, rule.id)
        for name in ("a.md", "b.md")
        for level, field, rule in (
            ("error", "slug", rules.DUPLICATE_SLUG),
            ("warning", "date", rules.DUPLICATE_DATE),
        )
    }


def test_every_shipped_tip_is_in_a_chapter(taxonomy: Taxonomy, repo_root: Path) -> None:
    from tipbook.content import iter_tip_files, load_tip

    tips = [load_tip(path) for path in iter_tip_files(repo_root / "content")]
    assert len(tips) >= 40
    assert [tip.id for tip in taxonomy.in_no_chapter(tips)] == []


def test_tips_in_no_chapter_are_found(taxonomy: Taxonomy) -> None:
    day = dt.date(2019, 2, 12)
    placed = Tip(title="A", date=day, themes=["empathy"])
    none = Tip(title="B", date=day)
    unknown = Tip(title="C", date=day, themes=["empaty"])  # `check` names it; no chapter has it
    assert taxonomy.in_no_chapter([placed, none, unknown]) == [none, unknown]


def test_each_taxonomy_problem_names_its_line(tmp_path: Path) -> None:
    """themes.yml is read by its schema (tipbook.schemas.ThemesFile): each problem is at
    the line of the value it is about, `file:line: field: what to do`."""
    path = tmp_path / "themes.yml"
    path.write_text(
        "themes:\n"
        "  - id: caring\n    title: C\n    description: d\n    min_score: 0\n"
        "  - id: empathy\n    title: E\n    description: d\n    tags: nope\n"
    )
    with pytest.raises(ContentError) as caught:
        load_taxonomy(path)
    found = [(p.line, p.field, p.rule) for p in caught.value.problems]
    assert found == [(5, "caring.min_score", "taxonomy"), (9, "empathy.tags", "taxonomy")]
    assert "write `tags: [word, a phrase]`" in caught.value.problems[1].message
