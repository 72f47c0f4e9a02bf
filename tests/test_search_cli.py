"""`tipbook index` and `tipbook search` as a user runs them, on a real project folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from search_corpus import TIPS, by_title, write_corpus

from tipbook.cli import main
from tipbook.content import save_tip

SORRY = by_title("Love is never having to say you're sorry")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tipbook.yml").write_text(
        "content_dir: content\nindex_dir: .tipbook/index\nsite_dir: site\n", encoding="utf-8"
    )
    write_corpus(tmp_path / "content")
    return tmp_path


def run(project: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(project / "tipbook.yml"), *args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_index_builds_then_reports_up_to_date(project: Path) -> None:
    code, _, err = run(project, "index")
    assert code == 0
    assert f"{len(TIPS)} tip(s) indexed" in err and "rebuilt" in err
    code, _, err = run(project, "index")
    assert code == 0 and "up to date" in err
    code, _, err = run(project, "index", "--rebuild")
    assert code == 0 and "rebuild requested" in err


def test_index_reports_invalid_tips_and_exits_1(project: Path) -> None:
    bad = project / "content" / "tips" / "2019" / "2019-01-01-bad.md"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    code, _, err = run(project, "index")
    assert code == 1
    assert "2019-01-01-bad.md" in err and "left out of the index" in err
    assert "Traceback" not in err


def test_search_lists_numbered_hits_with_theme_counts(project: Path) -> None:
    code, out, _ = run(project, "search", "say sorry after a transfer")
    assert code == 0
    assert "1. Love is never having to say you're sorry" in out
    assert "2018-11-06" in out and "[apology]" in out
    assert f"content/{SORRY.relative_path}" in out
    assert "transferred" in out  # the snippet
    assert "By theme:" in out and "apology 1" in out


def test_search_brings_the_index_up_to_date_first(project: Path) -> None:
    assert run(project, "search", "wombat")[0] == 0  # builds the index on first use
    save_tip(project / "content", SORRY.with_changes(body="A wombat called the help desk."))
    code, out, _ = run(project, "search", "wombat", "--json")
    assert code == 0
    assert [hit["id"] for hit in json.loads(out)["hits"]] == [SORRY.id]


def test_search_json_and_filters(project: Path) -> None:
    code, out, _ = run(
        project,
        "search",
        "customer OR empathy",
        "--theme",
        "empathy",
        "--since",
        "2018-01-01",
        "--until",
        "2018-12-31",
        "--limit",
        "5",
        "--json",
    )
    assert code == 0
    document = json.loads(out)
    assert document["query"] == "customer OR empathy"
    assert document["filters"] == {
        "themes": ["empathy"],
        "since": "2018-01-01",
        "until": "2018-12-31",
        "limit": 5,
    }
    assert [hit["title"] for hit in document["hits"]] == ["Why to Become an Empathy Expert"]
    assert document["facets"] == {"themes": {"empathy": 1}}


def test_no_hits_suggests_and_exits_0(project: Path) -> None:
    code, out, _ = run(project, "search", "empahty")
    assert code == 0
    assert "No tip matches 'empahty'. Showing results for empathy." in out
    code, out, _ = run(project, "search", "compasion tone")  # "tone" matches: only suggested
    assert code == 0 and "Did you mean: compassion tone?" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (['"unclosed'], "unbalanced quotes"),
        (["author:me"], "unknown field"),
        (["empathy", "--limit", "0"], "--limit"),
        (["empathy", "--since", "last week"], "--since"),
        (["empathy", "--theme", "empaty"], "did you mean empathy"),
    ],
)
def test_bad_queries_and_options_exit_2_without_traceback(
    project: Path, args: list[str], message: str
) -> None:
    code, out, err = run(project, "search", *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_search_finds_only_what_the_build_publishes(project: Path, repo_root: Path) -> None:
    """A tip the gate holds back (an error `check` reports) is not found; --drafts finds it."""
    (project / "content" / "themes.yml").write_bytes(
        (repo_root / "content" / "themes.yml").read_bytes()
    )
    held = SORRY.with_changes(title="Wombat Apologies", themes=["no-such-chapter"])
    save_tip(project / "content", held)
    code, out, _ = run(project, "search", "wombat", "--json")
    assert code == 0 and json.loads(out)["total"] == 0
    code, out, _ = run(project, "search", "wombat", "--json", "--drafts")
    assert code == 0 and [hit["title"] for hit in json.loads(out)["hits"]] == [held.title]
    # Fixed, it is published, and found.
    save_tip(project / "content", held.with_changes(themes=["apology"]))
    code, out, _ = run(project, "search", "wombat", "--json")
    assert [hit["title"] for hit in json.loads(out)["hits"]] == [held.title]


def test_the_gates_answer_is_kept_until_content_or_the_day_changes(
    project: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Judging every tip costs seconds per thousand: a search while nothing changed reuses
    the last answer (.tipbook/cache/held-back.json); an edit, a new chapter list or another
    day (a scheduled tip goes live) makes it judge again."""
    import tipbook.check

    themes = (repo_root / "content" / "themes.yml").read_bytes()
    (project / "content" / "themes.yml").write_bytes(themes)
    held = SORRY.with_changes(title="Wombat Apologies", themes=["no-such-chapter"])
    save_tip(project / "content", held)
    assert json.loads(run(project, "search", "wombat", "--json")[1])["total"] == 0
    assert (project / ".tipbook" / "cache" / "held-back.json").is_file()
    judged: list[object] = []
    real_judge = tipbook.check.judge_content

    def counting_judge(*args: object, **kwargs: object) -> object:
        judged.append(args)
        return real_judge(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tipbook.check, "judge_content", counting_judge)
    assert json.loads(run(project, "search", "wombat", "--json")[1])["total"] == 0
    assert judged == []  # nothing changed: the kept answer
    chapter = b"\n\n  - id: no-such-chapter\n    title: Wombats\n    description: About wombats.\n"
    (project / "content" / "themes.yml").write_bytes(themes.rstrip(b"\n") + chapter)
    found = json.loads(run(project, "search", "wombat", "--json")[1])
    assert len(judged) == 1 and found["total"] == 1  # the chapter now exists: published
    monkeypatch.setenv("TIPBOOK_TODAY", "2031-01-07")
    run(project, "search", "wombat", "--json")
    assert len(judged) == 2  # another day
