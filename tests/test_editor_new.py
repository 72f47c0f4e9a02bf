"""`tipbook new`: a draft tip from the house template, on the right Tuesday, never clashing."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tipbook.cli import main
from tipbook.content import dumps_tip, load_tip, save_tip
from tipbook.editor import PLACEHOLDER, default_date, existing_tips, new_tip, series_option
from tipbook.errors import TipbookError, UsageError
from tipbook.model import Series, Tip
from tipbook.taxonomy import Taxonomy, load_taxonomy

TODAY = dt.date(2026, 11, 26)  # a Thursday


@pytest.fixture()
def project(tmp_path: Path, repo_root: Path) -> Path:
    """A tipbook project of its own: tipbook.yml, the shipped themes, no tips yet."""
    (tmp_path / "content").mkdir()
    shutil.copy(repo_root / "content" / "themes.yml", tmp_path / "content" / "themes.yml")
    (tmp_path / "tipbook.yml").write_text("content_dir: content\n", encoding="utf-8")
    return tmp_path


@pytest.fixture()
def taxonomy(project: Path) -> Taxonomy:
    return load_taxonomy(project / "content" / "themes.yml")


def add_tip(project: Path, title: str, date: dt.date, **fields) -> Path:  # type: ignore[no-untyped-def]
    fields.setdefault("summary", "A summary.")
    path, _ = save_tip(project / "content", Tip(title=title, date=date, **fields))
    return path


def run(project: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        main, ["--config", str(project / "tipbook.yml"), *args], env=env, catch_exceptions=False
    )


class TestDefaultDate:
    def test_first_tuesday_after_the_newest_tip(self, project: Path, taxonomy: Taxonomy) -> None:
        add_tip(project, "Older", dt.date(2026, 11, 24))
        add_tip(project, "Written ahead", dt.date(2026, 12, 1), draft=True)
        created = new_tip(project / "content", taxonomy, "Next One", today=TODAY)
        assert created.tip.date == dt.date(2026, 12, 8)
        assert created.path == project / "content/tips/2026/2026-12-08-next-one.md"
        assert created.warnings == []

    def test_empty_archive_starts_on_the_coming_tuesday(self) -> None:
        assert default_date([], TODAY) == dt.date(2026, 12, 1)
        assert default_date([], dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)

    def test_a_stale_archive_does_not_back_date_the_tip(self, project: Path) -> None:
        add_tip(project, "Last archived tip", dt.date(2024, 1, 2))
        assert default_date(existing_tips(project / "content"), TODAY) == dt.date(2026, 12, 1)

    def test_a_day_other_than_tuesday_is_accepted_with_a_warning(
        self, project: Path, taxonomy: Taxonomy
    ) -> None:
        created = new_tip(
            project / "content", taxonomy, "Midweek", date=dt.date(2026, 12, 3), today=TODAY
        )
        assert created.path.is_file()
        assert created.tip.date == dt.date(2026, 12, 3)
        assert "Thursday" in created.warnings[0] and "2026-12-08" in created.warnings[0]

    def test_a_past_date_is_accepted_with_a_warning(
        self, project: Path, taxonomy: Taxonomy
    ) -> None:
        created = new_tip(
            project / "content", taxonomy, "Late", date=dt.date(2026, 11, 24), today=TODAY
        )
        assert created.path.is_file()
        assert len(created.warnings) == 1 and "in the past" in created.warnings[0]


class TestTemplate:
    def test_front_matter_is_filled_in(self, project: Path, taxonomy: Taxonomy) -> None:
        created = new_tip(
            project / "content",
            taxonomy,
            "Listen  Before You Answer",
            date=dt.date(2026, 12, 1),
            themes=["empathy", "communication"],
            series=Series("Customer for Life", 2),
        )
        tip = load_tip(created.path)
        assert tip.title == "Listen Before You Answer"
        assert tip.date == dt.date(2026, 12, 1)
        assert tip.slug == "listen-before-you-answer"
        assert tip.themes == ["empathy", "communication"]
        assert tip.series == Series("Customer for Life", 2)
        assert tip.draft is True
        assert tip.summary.startswith(PLACEHOLDER) and tip.takeaway.startswith(PLACEHOLDER)
        # The file is in the canonical format: loading and saving it changes nothing.
        assert created.path.read_text(encoding="utf-8") == dumps_tip(tip)

    def test_body_skeleton_is_in_the_house_style(self, project: Path, taxonomy: Taxonomy) -> None:
        created = new_tip(project / "content", taxonomy, "A Tip", date=dt.date(2026, 12, 1))
        paragraphs = load_tip(created.path).body.split("\n\n")
        assert "story or scenario" in paragraphs[0]
        points = [line for line in paragraphs[2].splitlines() if line.startswith("- ")]
        assert len(points) == 3
        assert "takeaway line" in paragraphs[-1]
        assert all(PLACEHOLDER in p for p in paragraphs)

    @pytest.mark.parametrize(
        "title",
        [
            "Customer for Life: Part 2",
            "#1 'Quoted' \"Title\" - yes",
            "Café – Déjà vu?",
            "- dash",
            "Supercalifragilistic" * 5,  # one word longer than a slug may be
        ],
    )
    def test_hostile_titles_survive(self, project: Path, taxonomy: Taxonomy, title: str) -> None:
        created = new_tip(project / "content", taxonomy, title, date=dt.date(2026, 12, 1))
        assert load_tip(created.path).title == title


class TestRefusals:
    def test_a_newest_tip_at_the_end_of_time_is_named(
        self, project: Path, taxonomy: Taxonomy
    ) -> None:
        new_tip(project / "content", taxonomy, "Typo Year", date=dt.date(9999, 12, 28))
        with pytest.raises(
            TipbookError, match=r"9999-12-28-typo-year\.md \(9999-12-28, a typo\?\)"
        ):
            new_tip(project / "content", taxonomy, "Next One")
        # Any other day of the last week: a warning without "the next Tuesday".
        late = new_tip(project / "content", taxonomy, "Last Day", date=dt.date(9999, 12, 31))
        assert late.warnings == ["9999-12-31 is a Friday: weekly tips publish on Tuesdays"]

    def test_a_taken_date_names_the_tip(self, project: Path, taxonomy: Taxonomy) -> None:
        other = add_tip(project, "Already Here", dt.date(2026, 12, 1))
        before = other.read_bytes()
        with pytest.raises(TipbookError, match="2026-12-01-already-here.md"):
            new_tip(project / "content", taxonomy, "Already Here", date=dt.date(2026, 12, 1))
        assert other.read_bytes() == before  # never overwritten

    def test_a_taken_slug_names_the_tip(self, project: Path, taxonomy: Taxonomy) -> None:
        add_tip(project, "Say Sorry Well", dt.date(2019, 2, 12))
        with pytest.raises(TipbookError, match="say-sorry-well.*2019-02-12-say-sorry-well.md"):
            new_tip(project / "content", taxonomy, "Say sorry well!", date=dt.date(2026, 12, 1))

    def test_an_existing_file_is_not_overwritten(self, project: Path, taxonomy: Taxonomy) -> None:
        path = project / "content/tips/2026/2026-12-01-hand-written.md"
        path.parent.mkdir(parents=True)
        path.write_text("not even a tip", encoding="utf-8")
        with pytest.raises(TipbookError):
            new_tip(project / "content", taxonomy, "Hand Written", date=dt.date(2026, 12, 1))
        assert path.read_text(encoding="utf-8") == "not even a tip"

    def test_unknown_theme_names_the_nearest(self, project: Path, taxonomy: Taxonomy) -> None:
        with pytest.raises(UsageError, match="did you mean 'empathy'"):
            new_tip(
                project / "content", taxonomy, "T", date=dt.date(2026, 12, 1), themes=["empaty"]
            )
        assert not (project / "content" / "tips").exists()

    def test_series_needs_a_name_and_a_part(self) -> None:
        assert series_option(None, None) is None
        assert series_option(" Customer  for Life ", 3) == Series("Customer for Life", 3)
        for name, part in (("Customer for Life", None), (None, 2), ("  ", 2)):
            with pytest.raises(UsageError, match="give both series .* and part N"):
                series_option(name, part)


class TestCommand:
    def test_prints_the_path(self, project: Path) -> None:
        result = run(project, "new", "Listen First", "--date", "2026-12-01", "--theme", "empathy")
        assert result.exit_code == 0, result.output
        path = Path(result.stdout.strip())
        assert path == project / "content/tips/2026/2026-12-01-listen-first.md"
        assert load_tip(path).themes == ["empathy"]

    def test_series_and_part(self, project: Path) -> None:
        result = run(
            project, "new", "Step Two", "--date", "2026-12-01", "--series", "Steps", "--part", "2"
        )
        assert result.exit_code == 0, result.output
        assert load_tip(Path(result.stdout.strip())).series == Series("Steps", 2)

    def test_an_existing_series_part_is_refused_with_the_next_free_part(
        self, project: Path
    ) -> None:
        for part, day in ((1, 3), (2, 10), (3, 17)):
            series = Series("Customer for Life", part)
            add_tip(project, f"Step {part}", dt.date(2026, 11, day), series=series)
        result = run(project, "new", "Step Again", "--series", "customer for life", "--part", "3")
        assert result.exit_code == 1
        assert "part 3 of 'customer for life' is already" in result.stderr
        assert "2026-11-17-step-3.md" in result.stderr
        assert "the next free part is --part 4" in result.stderr
        assert not list((project / "content/tips/2026").glob("*step-again*"))  # nothing written
        result = run(project, "new", "Step Four", "--series", "Customer for Life", "--part", "4")
        assert result.exit_code == 0, result.output
        assert load_tip(Path(result.stdout.strip())).series == Series("Customer for Life", 4)

    def test_a_gap_in_a_series_is_offered_too(self, project: Path) -> None:
        for part, day in ((1, 3), (3, 17)):
            series = Series("Steps", part)
            add_tip(project, f"Step {part}", dt.date(2026, 11, day), series=series)
        result = run(project, "new", "Again", "--series", "Steps", "--part", "1")
        assert result.exit_code == 1
        assert "the next free part is --part 4 (or 2, unused)" in result.stderr

    def test_warns_about_a_day_other_than_tuesday(self, project: Path) -> None:
        result = run(project, "new", "Midweek", "--date", "2026-12-03")
        assert result.exit_code == 0
        assert "warning" in result.stderr and "Thursday" in result.stderr

    def test_usage_errors_exit_2_without_a_traceback(self, project: Path) -> None:
        for args in (
            ["new", "T", "--theme", "empaty"],
            ["new", "T", "--series", "Steps"],
            ["new", "T", "--date", "1st of May"],
        ):
            result = run(project, *args)
            assert result.exit_code == 2, (args, result.output)
            assert "Traceback" not in result.output

    def test_clash_exits_1_naming_the_tip(self, project: Path) -> None:
        assert run(project, "new", "Once", "--date", "2026-12-01").exit_code == 0
        result = run(project, "new", "Once", "--date", "2026-12-08")
        assert result.exit_code == 1
        assert "2026-12-01-once.md" in result.stderr

    def test_edit_opens_the_editor(self, project: Path, tmp_path: Path) -> None:
        log = tmp_path / "editor.log"
        editor = tmp_path / "editor.py"
        # A stand-in $EDITOR: a real program that records the file it was asked to open.
        editor.write_text(
            f"import sys\nopen({str(log)!r}, 'a').write(sys.argv[1])\n", encoding="utf-8"
        )
        result = run(
            project,
            "new",
            "Edit Me",
            "--date",
            "2026-12-01",
            "--edit",
            env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""},
        )
        assert result.exit_code == 0, result.output
        assert log.read_text(encoding="utf-8") == result.stdout.strip()
