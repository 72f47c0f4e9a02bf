"""`tipbook themes`: the chapters, and a tip's theme scores with the words behind them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tipbook.cli import main
from tipbook.content import dumps_tip, load_tip, save_tip
from tipbook.editor import suggest_themes, theme_counts
from tipbook.errors import ContentError, TipbookError
from tipbook.model import Tip
from tipbook.taxonomy import Taxonomy, load_taxonomy

BODY = """\
A customer called, upset about a mistake on her bill. I said I was sorry and that I
understand how frustrating it is; she needed to feel heard before anything else.

Empathy first, then the apology, then make it right.
"""


@pytest.fixture()
def project(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "content").mkdir()
    shutil.copy(repo_root / "content" / "themes.yml", tmp_path / "content" / "themes.yml")
    (tmp_path / "tipbook.yml").write_text("content_dir: content\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture()
def taxonomy(project: Path) -> Taxonomy:
    return load_taxonomy(project / "content" / "themes.yml")


def add_tip(project: Path, **fields) -> Path:  # type: ignore[no-untyped-def]
    fields.setdefault("title", "Say Sorry With Empathy")
    fields.setdefault("date", dt.date(2026, 11, 24))
    fields.setdefault("summary", "Apologize well.")
    fields.setdefault("body", BODY)
    path, _ = save_tip(project / "content", Tip(**fields))
    return path


def run(project: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--config", str(project / "tipbook.yml"), "themes", *args])


def test_scores_name_the_words_that_triggered_them(project: Path, taxonomy: Taxonomy) -> None:
    path = add_tip(project)
    result = suggest_themes(path, taxonomy, project / "content")
    scores = {score.theme: score for score in result.scores}
    assert set(scores) == set(taxonomy.ids)
    # "Empathy" in the title counts 3, "understand", "feel heard" and "empathy" in the body 1.
    assert scores["empathy"].matches == {"empathy": 2, "understand": 1, "feel heard": 1}
    assert scores["empathy"].score == 6
    assert {"sorry", "upset", "mistake", "apology", "make it right"} <= set(
        scores["apology"].matches
    )
    assert result.suggested == ["empathy", "apology"]
    assert result.written is False
    assert load_tip(path).themes == []  # nothing written without --write


def test_write_adds_the_suggested_themes_and_keeps_the_editors(
    project: Path, taxonomy: Taxonomy
) -> None:
    path = add_tip(project, themes=["teamwork"])
    result = suggest_themes(path, taxonomy, project / "content", write=True)
    assert result.written and result.added == ["empathy", "apology"]
    tip = load_tip(path)
    assert tip.themes == ["empathy", "apology", "teamwork"]  # taxonomy order
    assert path.read_text(encoding="utf-8") == dumps_tip(tip)
    mtime = path.stat().st_mtime_ns
    again = suggest_themes(path, taxonomy, project / "content", write=True)
    assert again.added == [] and not again.written
    assert path.stat().st_mtime_ns == mtime


def test_write_refuses_a_misnamed_file(project: Path, taxonomy: Taxonomy) -> None:
    path = add_tip(project)
    moved = path.with_name("renamed.md")
    path.rename(moved)
    with pytest.raises(TipbookError, match="renamed.md is not where its date and slug put it"):
        suggest_themes(moved, taxonomy, project / "content", write=True)
    assert not path.exists()


def test_a_broken_file_names_the_problem(project: Path, taxonomy: Taxonomy) -> None:
    path = add_tip(project)
    path.write_text("---\ntitle: x\ndate: soon\n---\nbody\n", encoding="utf-8")
    with pytest.raises(ContentError, match="is not a date"):
        suggest_themes(path, taxonomy, project / "content")
    result = run(project, "suggest", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_counts_per_theme(project: Path, taxonomy: Taxonomy) -> None:
    add_tip(project, themes=["empathy", "apology"])
    add_tip(project, title="Other", date=dt.date(2026, 11, 17), themes=["empathy", "nope"])
    counts = theme_counts(project / "content", taxonomy)
    assert counts["empathy"] == 2 and counts["apology"] == 1 and counts["caring"] == 0
    assert "nope" not in counts


class TestCommand:
    def test_list(self, project: Path, taxonomy: Taxonomy) -> None:
        add_tip(project, themes=["empathy"])
        result = run(project, "list")
        assert result.exit_code == 0
        rows = {line.split("│")[1].strip(): line for line in result.output.splitlines()[3:-1]}
        assert set(rows) == set(taxonomy.ids)
        assert rows["empathy"].split("│")[3].strip() == "1"
        assert rows["caring"].split("│")[3].strip() == "0"

    def test_list_keeps_scheduled_tips_and_drafts_apart(
        self, project: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TIPBOOK_TODAY", "2026-11-19")
        add_tip(project, title="Published", date=dt.date(2026, 11, 17), themes=["empathy"])
        add_tip(project, title="Next Week", date=dt.date(2026, 11, 24), themes=["empathy"])
        add_tip(project, title="Later", date=dt.date(2026, 12, 1), themes=["empathy", "caring"])
        add_tip(project, title="Drafted", date=dt.date(2026, 12, 8), themes=["empathy"], draft=True)
        result = run(project, "list")
        assert result.exit_code == 0, result.output
        header = result.output.splitlines()[1]
        assert [cell.strip() for cell in header.split("┃")[1:-1]] == [
            "id", "title", "published", "scheduled", "drafts"
        ]  # fmt: skip
        rows = {line.split("│")[1].strip(): line for line in result.output.splitlines()[3:-1]}
        cells = [cell.strip() for cell in rows["empathy"].split("│")[3:6]]
        assert cells == ["1", "2", "1"]
        assert [cell.strip() for cell in rows["caring"].split("│")[3:6]] == ["0", "1", ""]

    def test_suggest_shows_scores_and_words(self, project: Path) -> None:
        path = add_tip(project)
        result = CliRunner().invoke(
            main,
            ["--config", str(project / "tipbook.yml"), "themes", "suggest", str(path)],
            terminal_width=200,
        )
        assert result.exit_code == 0, result.output
        empathy = next(line for line in result.output.splitlines() if "│ empathy" in line)
        assert "6" in empathy and "feel heard (1)" in empathy and "yes" in empathy
        assert "Suggested to add: empathy, apology (use --write)" in result.output
        assert load_tip(path).themes == []

    def test_suggest_write(self, project: Path) -> None:
        path = add_tip(project)
        result = run(project, "suggest", str(path), "--write")
        assert result.exit_code == 0
        assert "Added empathy, apology" in result.output
        assert load_tip(path).themes == ["empathy", "apology"]

    def test_suggest_without_signals_or_a_near_chapter_says_so(self, project: Path) -> None:
        path = add_tip(
            project, title="Dog Run", summary="A day out.", body="A dog ran in the park on Sunday."
        )
        result = run(project, "suggest", str(path), "--write")
        assert result.exit_code == 0
        assert "No theme has enough signal words and no chapter is near enough" in result.output
        assert load_tip(path).themes == []

    def test_suggest_shows_and_writes_the_nearest_chapter(self, project: Path) -> None:
        add_tip(project, title="Promises Kept", themes=["responsiveness"], body=KEPT_PROMISE)
        path = add_tip(project, title="Tell Them First", date=dt.date(2026, 12, 1), body=NO_SIGNAL)
        result = CliRunner().invoke(
            main,
            ["--config", str(project / "tipbook.yml"), "themes", "suggest", str(path), "--write"],
            terminal_width=200,
        )
        assert result.exit_code == 0, result.output
        output = " ".join(result.output.split())
        assert "No signal word places this tip. Nearest chapter: responsiveness" in output
        assert "shared words:" in output and "promises" in output
        assert "its tips most like this one: “Promises Kept” (2026-11-24)" in output
        assert "Added responsiveness" in output
        assert load_tip(path).themes == ["responsiveness"]


KEPT_PROMISE = """\
The parts were late, and the customer heard nothing about what was happening. Promises
about time are promises: say what is happening before the customer has to ask.
"""
# The responsiveness chapter's subject without one of its signal words.
NO_SIGNAL = """\
Tell customers what is happening with their order before they have to ask. Honour your
promises about time, and the speed of your answers shows them they matter.
"""


def test_nearest_chapter_only_for_a_tip_in_no_chapter(project: Path, taxonomy: Taxonomy) -> None:
    """An editor's own themes always win: the nearest chapter is shown, never added."""
    add_tip(project, title="Promises Kept", themes=["responsiveness"], body=KEPT_PROMISE)
    chosen = add_tip(
        project,
        title="Tell Them First",
        date=dt.date(2026, 12, 1),
        body=NO_SIGNAL,
        themes=["teamwork"],
    )
    result = suggest_themes(chosen, taxonomy, project / "content", write=True)
    assert result.nearest is not None and result.nearest.theme == "responsiveness"
    assert result.suggested == [] and not result.written
    assert load_tip(chosen).themes == ["teamwork"]
    # A chapter is also its tips: the same words in a teamwork tip now pull a new tip there,
    # and that tip is named as the reason (never the tip itself).
    open_tip = add_tip(project, title="Tell Them Early", date=dt.date(2026, 12, 8), body=NO_SIGNAL)
    result = suggest_themes(open_tip, taxonomy, project / "content")
    assert result.suggested == ["teamwork"] and result.nearest is not None
    assert [tip_id for tip_id, _ in result.nearest.similar] == [chosen.stem]
