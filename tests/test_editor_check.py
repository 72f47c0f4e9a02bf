"""`tipbook check`: every finding has a broken file that shows it, at the right line."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipbook.check import CheckReport, check_content, judge_content
from tipbook.cli import main
from tipbook.taxonomy import load_taxonomy

TODAY = dt.date(2026, 11, 26)
SITE_URL = "https://tips.example.org/handbook/"
GOOD = """\
---
title: Listen Before You Answer
date: 2026-11-24
slug: listen-before-you-answer
themes:
  - empathy
tags: []
summary: A customer who feels heard calms down.
takeaway: Listen first.
---

A customer called about a late delivery, and I wanted to fix it at once.

- Let them finish.
- Say back what you heard.

Listen first.
"""
GOOD_PATH = "tips/2026/2026-11-24-listen-before-you-answer.md"
BODY = 12  # the line of the body's first paragraph in GOOD


@pytest.fixture()
def project(tmp_path: Path, repo_root: Path) -> Path:
    (tmp_path / "content").mkdir()
    shutil.copy(repo_root / "content" / "themes.yml", tmp_path / "content" / "themes.yml")
    (tmp_path / "tipbook.yml").write_text(
        f"content_dir: content\nsite_url: {SITE_URL}\n", encoding="utf-8"
    )
    return tmp_path


def write(project: Path, relative: str, text: str) -> Path:
    path = project / "content" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(project: Path, paths: list[Path] | None = None) -> CheckReport:
    taxonomy = load_taxonomy(project / "content" / "themes.yml")
    return check_content(project / "content", taxonomy, paths, site_url=SITE_URL, today=TODAY)


def findings(project: Path, text: str, relative: str = GOOD_PATH) -> list[tuple[int, str, str]]:
    """(line, level, rule id) of every finding about one file."""
    return [found[:3] for found in detailed(project, text, relative)]


def detailed(
    project: Path, text: str, relative: str = GOOD_PATH
) -> list[tuple[int, str, str, str]]:
    """(line, level, rule id, 'field: message') of every finding about one file: the
    message for what it names (the other file, the fix), the id for which rule fired."""
    path = write(project, relative, text)
    report = check(project)
    shown = [p for p in report.problems if Path(p.path).name == path.name]
    return [(p.line, p.level, p.rule, f"{p.field}: {p.message}") for p in shown]


def test_a_good_tip_has_no_finding(project: Path) -> None:
    assert findings(project, GOOD) == []


def broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def appended(text: str) -> str:
    """GOOD with more paragraphs at the end of the body (from line BODY + 6 on)."""
    return f"{GOOD}\n{text}\n"


# (what is wrong, the broken file, expected line, level, the rule that finds it)
CASES = [
    ("bad yaml", broken("title: Listen", "title: Tip: Listen"), 2, "error", "front-matter"),
    ("no front matter", GOOD.split("---\n", 2)[2], 1, "error", "front-matter"),
    ("missing title", broken("title: Listen Before You Answer\n", "title: ''\n"), 2, "error",
     "front-matter"),
    ("title too long", broken("title: Listen", "title: " + "Listen and " * 20 + "Listen"), 2,
     "error", "front-matter"),
    ("bad date", broken("date: 2026-11-24", "date: 24/11/2026"), 3, "error", "front-matter"),
    ("impossible date", broken("date: 2026-11-24", "date: 2026-02-30"), 3, "error",
     "front-matter"),
    ("bad slug", broken("slug: listen-before", "slug: Listen_Before"), 4, "error",
     "front-matter"),
    ("missing slug", broken("slug: listen-before-you-answer\n", ""), 3, "error", "missing-slug"),
    ("themes of the wrong type", broken("themes:\n  - empathy", "themes: 5"), 5, "error",
     "front-matter"),
    ("summary of the wrong type", broken("summary: A", "summary:\n  a: A"), 8, "error",
     "front-matter"),
    ("draft not true/false", broken("takeaway: Listen first.\n",
     "takeaway: Listen first.\ndraft: maybe\n"), 10, "error", "front-matter"),
    ("series without a part", broken("tags: []", "tags: []\nseries: {name: Steps}"), 8, "error",
     "front-matter"),
    ("unknown theme", broken("  - empathy", "  - empathy\n  - empaty-x\n  - retension"), 8,
     "error", "unknown-theme"),
    ("no themes", broken("themes:\n  - empathy", "themes: []"), 5, "warning", "no-themes"),
    ("theme listed twice", broken("  - empathy", "  - empathy\n  - empathy"), 5, "warning",
     "repeated-theme"),
    ("missing summary", broken("summary: A customer who feels heard calms down.\n", ""), 7,
     "error", "missing-summary"),
    ("empty summary", broken("summary: A customer who feels heard calms down.", "summary: ''"),
     8, "error", "missing-summary"),
    ("long summary", broken("summary: A customer", "summary: " + "word " * 70 + "A customer"), 8,
     "warning", "long-summary"),
    ("missing takeaway", broken("takeaway: Listen first.\n", ""), 8, "warning",
     "missing-takeaway"),
    ("placeholder in the body", broken("- Say back", "- TODO: say back"), BODY + 3, "error",
     "placeholder"),
    ("placeholder in the summary", broken("summary: A", "summary: FIXME A"), 8, "error",
     "placeholder"),
    ("lorem ipsum", broken("- Let them finish.", "- Lorem ipsum dolor."), BODY + 2,
     "error", "placeholder"),
    ("placeholder in a draft", broken("- Say back", "- TODO: say back").replace(
        "takeaway: Listen first.\n", "takeaway: Listen first.\ndraft: true\n"), BODY + 4,
     "warning", "placeholder"),
    ("far ahead", broken("date: 2026-11-24", "date: 2062-11-21"), 3, "warning",
     "far-ahead"),
    ("date in the title", broken("title: Listen Before You Answer", "title: Listen – 11/24/26 TOW"),
     2, "warning", "title-date"),
    ("not a Tuesday", broken("date: 2026-11-24", "date: 2026-11-26"), 3, "warning",
     "not-tuesday"),
    ("file name not date and slug", broken("slug: listen-before-you-answer", "slug: listen"),
     4, "error", "file-name"),
    ("link to a missing tip file", broken("at once.", "at once ([see](../2025/2025-01-07-x.md))."),
     BODY, "error", "broken-link"),
    ("link to a missing page", broken("at once.", "at [once](../../pages/nope.md)."), BODY,
     "error", "broken-link"),
    ("site URL of a missing tip", broken("at once.", "at [once](/tips/2025/2025-01-07-gone/)."),
     BODY, "error", "broken-link"),
    ("full URL of a missing tip", broken("at once.",
     f"at [once]({SITE_URL}tips/2025/2025-01-07-gone/)."), BODY, "error", "broken-link"),
    ("reference link to a missing tip", appended("[x]: 2026-11-17-gone.md"), BODY + 7, "error",
     "broken-link"),
    ("<script>", broken("- Let them", "<script>alert(1)</script>\n- Let them"), BODY + 2, "error",
     "dropped-tag"),
    ("<iframe>", broken("at once.", 'at once. <iframe src="https://v.example/1"></iframe>'), BODY,
     "error", "dropped-tag"),
    ("<style>", appended("<style>p{}</style>"), BODY + 7,
     "error", "dropped-tag"),
    ("event handler", broken("at once.", 'at <span onclick="x()">once</span>.'), BODY, "error",
     "event-handler"),
    ("javascript link", broken("at once.", "at [once](javascript:alert(1))."), BODY, "error",
     "dropped-link"),
    ("misspelt field", broken("tags: []", "tags: []\ntheme: empathy"), 8, "warning",
     "unknown-field"),
    ("unclosed comment", appended("<!-- a note\n\nThe closing lines."), BODY + 7, "warning",
     "unclosed-comment"),
]  # fmt: skip


@pytest.mark.parametrize(
    "extra", ["<!-- a note -->", "<!-- a note\nover lines -->", "```\n<!-- in code\n```"]
)
def test_a_closed_comment_or_one_in_code_is_no_finding(project: Path, extra: str) -> None:
    assert findings(project, appended(extra)) == []


# The site's own address as a browser reads it: another case, the default port, a trailing
# dot, no scheme. Each is the same site, so a missing tip behind it is a broken link.
OWN_ADDRESS_SPELLINGS = [
    "https://TIPS.Example.ORG/handbook/",
    "https://tips.example.org:443/handbook/",
    "https://tips.example.org./handbook/",
    "//tips.example.org/handbook/",
    "HTTPS://tips.example.org/handbook/",
]


@pytest.mark.parametrize("address", OWN_ADDRESS_SPELLINGS)
def test_a_missing_tip_at_the_sites_own_address_in_any_spelling_is_an_error(
    project: Path, address: str
) -> None:
    text = broken("at once.", f"at [once]({address}tips/2025/2025-01-07-gone/).")
    assert (BODY, "error", "broken-link") in findings(project, text)


def test_another_port_or_scheme_is_another_site(project: Path) -> None:
    for address in ("https://tips.example.org:8443/handbook/", "http://tips.example.org/handbook/"):
        text = broken("at once.", f"at [once]({address}tips/2025/2025-01-07-gone/).")
        assert findings(project, text) == []


@pytest.mark.parametrize(
    ("text", "line", "level", "rule"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_each_finding(project: Path, text: str, line: int, level: str, rule: str) -> None:
    found = findings(project, text)
    assert (line, level, rule) in found, found


# Files that are not a tip at all: each gets one finding naming its actual fault and the fix,
# not a cascade of "missing title" and "None is not a date".
MALFORMED = [
    ("front matter never closed",
     GOOD.replace("Listen first.\n---\n", "Listen first.\n", 1).encode(), 1,
     "the front matter is never closed: add a line with only '---'"),
    ("empty file", b"", 1, "the file is empty"),
    ("blank lines only", b"\n  \n", 1, "the file is empty"),
    ("binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 0, "not a text file"),
    ("not UTF-8", GOOD.replace("calms", "calms\u2014").encode("cp1252"), 0, "not a text file"),
    ("front matter a list", b"---\n- title\n- date\n---\nText.\n", 1,
     "the front matter is not `field: value` lines"),
    ("front matter a bare word", b"---\nListen\n---\nText.\n", 1,
     "the front matter is not `field: value` lines"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "line", "words"), [case[1:] for case in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_each_malformed_file_gets_the_message_for_its_fault(
    project: Path, data: bytes, line: int, words: str
) -> None:
    path = project / "content" / GOOD_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    report = check(project)
    # Unreadable bytes (line 0) or front matter that is no fields: the rule by its id, the
    # message for which fault of that rule it is.
    rule = "unreadable" if line == 0 else "front-matter"
    assert [(p.line, p.level, p.rule) for p in report.problems] == [(line, "error", rule)]
    assert words in report.problems[0].message
    assert not report.ok


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf" + GOOD.encode(), GOOD.replace("\n", "\r\n").encode()],
    ids=["byte-order mark (Windows Notepad)", "CRLF line ends"],
)
def test_a_good_tip_saved_by_a_windows_editor_has_no_finding(project: Path, data: bytes) -> None:
    path = project / "content" / GOOD_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    assert check(project).problems == []


def test_a_folder_named_like_a_tip_is_one_clear_error(project: Path) -> None:
    (project / "content" / GOOD_PATH).mkdir(parents=True)
    problems = check(project).problems
    assert [(p.level, p.rule, p.message) for p in problems] == [
        (
            "error",
            "not-a-file",
            "a folder named like a tip file: rename it so its name does not end in .md",
        )
    ]


def test_code_is_not_checked(project: Path) -> None:
    text = appended("```html\n<script>TODO</script>\n```")
    assert findings(project, text.replace("at once.", "at `<iframe>` once.")) == []


def test_a_tip_in_the_wrong_year_folder(project: Path) -> None:
    found = detailed(project, GOOD, "tips/2025/2026-11-24-listen-before-you-answer.md")
    assert (
        3,
        "error",
        "year-folder",
        "date: the file is in tips/2025/: move it to tips/2026/",
    ) in found


def test_excerpt_only_tips_need_no_takeaway(project: Path) -> None:
    text = broken("takeaway: Listen first.\n", "excerpt_only: true\n")
    assert findings(project, text) == []


def test_archive_tips_keep_their_weekday(project: Path) -> None:
    text = broken("date: 2026-11-24", "date: 2026-11-26").replace(
        "tags: []", "tags: []\nsource: https://cssamerica.com/listen/"
    )
    assert findings(project, text, "tips/2026/2026-11-26-listen-before-you-answer.md") == []


class TestAcrossTips:
    def test_duplicate_slug_names_the_other_file(self, project: Path) -> None:
        other = broken("date: 2026-11-24", "date: 2026-11-17")
        write(project, "tips/2026/2026-11-17-listen-before-you-answer.md", other)
        found = detailed(project, GOOD)
        assert any(
            f[:3] == (4, "error", "duplicate-slug")
            and f[3].startswith("slug: slug 'listen-before-you-answer' is also used by ")
            and f[3].endswith("/2026-11-17-listen-before-you-answer.md: choose another slug")
            for f in found
        ), found

    def test_a_refused_slug_takes_no_url_from_a_valid_tip(self, project: Path) -> None:
        """A tip whose `slug:` is refused is checked under a slug made from its title; that
        slug is no claim on a URL, so the valid tip that has it is published, not held back."""
        other = broken("date: 2026-11-24", "date: 2026-11-17").replace(
            "slug: listen-before-you-answer", "slug: Listen Before!"
        )
        write(project, "tips/2026/2026-11-17-listen-before.md", other)
        good = write(project, GOOD_PATH, GOOD)
        verdicts = judge_content(
            project / "content", load_taxonomy(project / "content" / "themes.yml"), SITE_URL, TODAY
        )
        passing = {v.file.path.name: v.passes for v in verdicts}
        assert passing == {good.name: True, "2026-11-17-listen-before.md": False}
        # the same title is still worth a warning; the slug is no error
        assert [f[:3] for f in detailed(project, GOOD)] == [(2, "warning", "duplicate-title")]

    def test_duplicate_date(self, project: Path) -> None:
        other = GOOD.replace("Listen Before You Answer", "Other").replace(
            "listen-before-you-answer", "other"
        )
        write(project, "tips/2026/2026-11-24-other.md", other)
        found = detailed(project, GOOD)
        assert any(
            f[:3] == (3, "warning", "duplicate-date") and "2026-11-24-other.md" in f[3]
            for f in found
        )

    def test_repeated_title(self, project: Path) -> None:
        other = broken("date: 2026-11-24", "date: 2019-02-12").replace(
            "slug: listen-before-you-answer", "slug: listen-before-you-answer-2019"
        )
        write(project, "tips/2019/2019-02-12-listen-before-you-answer-2019.md", other)
        found = findings(project, GOOD.replace("title: Listen Before", "title: Listen, before"))
        assert (2, "warning", "duplicate-title") in found

    def test_repeated_series_part(self, project: Path) -> None:
        series = "tags: []\nseries:\n  name: Steps\n  part: 2"
        write(
            project,
            "tips/2026/2026-11-17-other.md",
            GOOD.replace("Listen Before You Answer", "Other")
            .replace("listen-before-you-answer", "other")
            .replace("2026-11-24", "2026-11-17")
            .replace("tags: []", series),
        )
        found = detailed(project, broken("tags: []", series))
        assert any(
            f[:3] == (8, "warning", "duplicate-part") and "part 2 of 'Steps'" in f[3] for f in found
        )

    def test_links_to_existing_tips_are_fine(self, project: Path) -> None:
        other = (
            GOOD.replace("Listen Before You Answer", "Say Sorry Well")
            .replace("listen-before-you-answer", "say-sorry-well")
            .replace("2026-11-24", "2025-01-07")
        )
        write(project, "tips/2025/2025-01-07-say-sorry-well.md", other)
        links = (
            "See [this](../2025/2025-01-07-say-sorry-well.md), [that](/tips/2025/2025-01-07-say-"
            f"sorry-well/), [again]({SITE_URL}tips/2025/2025-01-07-say-sorry-well/#top), "
            "[the chapter](../../themes.yml) and [elsewhere](https://example.org/2025-01-07-x/)."
        )
        assert findings(project, appended(links)) == []

    def test_a_link_in_the_wrong_folder_names_the_right_one(self, project: Path) -> None:
        write(project, "tips/2025/2025-01-07-say-sorry-well.md", GOOD.replace(
            "listen-before-you-answer", "say-sorry-well").replace("2026-11-24", "2025-01-07"
        ).replace("Listen Before You Answer", "Say Sorry"))  # fmt: skip
        found = detailed(project, broken("at once.", "at [once](2025-01-07-say-sorry-well.md)."))
        assert any(
            f[2] == "broken-link" and "the tip is at '../2025/2025-01-07-say-sorry-well.md'" in f[3]
            for f in found
        )

    def test_a_wrong_date_names_the_tip_meant(self, project: Path) -> None:
        write(project, "tips/2025/2025-01-07-say-sorry-well.md", GOOD.replace(
            "listen-before-you-answer", "say-sorry-well").replace("2026-11-24", "2025-01-07"
        ).replace("Listen Before You Answer", "Say Sorry"))  # fmt: skip
        links = (
            "[a](../2025/2025-01-14-say-sorry-well.md) [b](/tips/2025/2025-01-14-say-sorry-well/)"
        )
        found = detailed(project, appended(links))
        assert [f[:3] for f in found] == [(BODY + 7, "error", "broken-link")] * 2
        assert "the tip is at '../2025/2025-01-07-say-sorry-well.md'" in found[0][3]
        assert "did you mean '2025-01-07-say-sorry-well'?" in found[1][3]

    def test_a_published_tip_linking_to_a_draft(self, project: Path) -> None:
        draft = (
            GOOD.replace("listen-before-you-answer", "later")
            .replace("2026-11-24", "2026-12-01")
            .replace("Listen Before You Answer", "Later")
            .replace("takeaway: Listen first.\n", "takeaway: Listen first.\ndraft: true\n")
        )
        write(project, "tips/2026/2026-12-01-later.md", draft)
        found = detailed(project, broken("at once.", "at [once](2026-12-01-later.md)."))
        assert [f[:3] for f in found] == [(BODY, "warning", "unpublished-link")]
        assert "2026-12-01-later.md" in found[0][3]

    def test_paths_limit_the_findings_not_the_comparison(self, project: Path) -> None:
        first = write(project, GOOD_PATH, GOOD)
        second = broken("date: 2026-11-24", "date: 2026-11-17")
        second = second.replace("summary: A", "summary: TODO")
        write(project, "tips/2026/2026-11-17-listen-before-you-answer.md", second)
        report = check(project, [first])
        assert report.checked == 1
        assert {Path(p.path).name for p in report.problems} == {first.name}
        assert any(p.rule == "duplicate-slug" for p in report.errors)
        whole = check(project, [project / "content" / "tips"])
        assert whole.checked == 2 and any(p.rule == "placeholder" for p in whole.errors)
        # The content folder: its tips, not the site's own pages beside them.
        write(project, "pages/guide.md", "# A page, not a tip\n")
        assert check(project, [project / "content"]).checked == 2


def test_checking_stays_linear_in_the_number_of_tips(project: Path) -> None:
    """Many tips sharing one date and title: findings per tip stay constant (no pair lists)."""
    for number in range(60):
        slug = f"tip-{number}"
        write(project, f"tips/2026/2026-11-24-{slug}.md", GOOD.replace(
            "slug: listen-before-you-answer", f"slug: {slug}"))  # fmt: skip
    report = check(project)
    assert report.checked == 60
    per_file: dict[str, int] = {}
    for problem in report.problems:
        per_file[problem.path] = per_file.get(problem.path, 0) + 1
    assert set(per_file.values()) == {2}  # one date warning, one title warning each


class TestCommand:
    @pytest.fixture(autouse=True)
    def in_project(self, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(project)  # paths are shown relative to where the editor is

    def run(self, project: Path, *args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["--config", str(project / "tipbook.yml"), "check", *args])

    def test_text_lists_errors_then_warnings_and_exits_1(self, project: Path) -> None:
        write(project, GOOD_PATH, broken("themes:\n  - empathy", "themes: []").replace(
            "- Say back", "- TODO say back"))  # fmt: skip
        result = self.run(project)
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        pattern = re.compile(r"^content/tips/\S+\.md:\d+: (error|warning): ")
        levels = [pattern.match(line).group(1) for line in lines]  # type: ignore[union-attr]
        assert levels == ["error", "warning"]
        assert "1 tip(s) checked: 1 error(s), 1 warning(s)" in result.stderr

    def test_warnings_alone_exit_0(self, project: Path) -> None:
        write(project, GOOD_PATH, broken("themes:\n  - empathy", "themes: []"))
        result = self.run(project)
        assert result.exit_code == 0 and "warning" in result.stdout

    def test_json_keeps_errors_and_warnings_apart(self, project: Path) -> None:
        path = write(project, GOOD_PATH, broken("themes:\n  - empathy", "themes: [empaty]"))
        result = self.run(project, "--format", "json", str(path))
        assert result.exit_code == 1
        document = json.loads(result.stdout)
        assert document["checked"] == 1
        assert [e["field"] for e in document["errors"]] == ["themes"]
        assert [e["rule"] for e in document["errors"]] == ["unknown-theme"]
        assert document["errors"][0]["line"] == 5
        assert "did you mean 'empathy'" in document["errors"][0]["message"]
        assert document["warnings"] == []

    def old_tips(self, project: Path, count: int = 5) -> list[Path]:
        """Archive tips dated in 2019, each with no themes (one repeated warning)."""
        paths = []
        for number in range(count):
            day = (dt.date(2019, 1, 1) + dt.timedelta(weeks=number)).isoformat()
            text = GOOD.replace("2026-11-24", day).replace("themes:\n  - empathy", "themes: []")
            text = text.replace("listen-before-you-answer", f"old-{number}")
            text = text.replace("Listen Before You Answer", f"Old Tip {number}")
            text = text.replace("tags: []", "tags: []\nsource: https://cssamerica.com/old/")
            paths.append(write(project, f"tips/2019/{day}-old-{number}.md", text))
        return paths

    def test_own_tips_first_and_repeated_warnings_folded(self, project: Path) -> None:
        self.old_tips(project)
        draft = broken("summary: A", "summary: TODO A").replace(
            "takeaway: Listen first.\n", "draft: true\n"
        )
        write(project, GOOD_PATH, draft)
        result = self.run(project)
        assert result.exit_code == 0, result.output  # warnings only, as before
        lines = result.stdout.splitlines()
        assert all(GOOD_PATH in line for line in lines[:2]), lines  # the draft's findings
        assert len(lines) == 3, lines
        assert lines[2].startswith("5 other tips: warning: themes: no themes")
        assert "`tipbook themes suggest FILE --write`" in lines[2]
        assert "`tipbook check --all` lists them" in lines[2]
        assert "5 of them folded" in result.stderr
        # --all lists every finding, the editor's own still first; exit code unchanged.
        result = self.run(project, "--all")
        lines = result.stdout.splitlines()
        assert result.exit_code == 0 and len(lines) == 7
        assert all(GOOD_PATH in line for line in lines[:2])
        assert sum("no themes" in line for line in lines) == 5
        # An error on an old tip is never folded, and still makes the exit code 1.
        old = self.old_tips(project)[0]
        old.write_text(old.read_text().replace("summary: A", "summary: TODO A"))
        result = self.run(project)
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert all(GOOD_PATH in line for line in lines[:2])
        assert "old-0.md" in lines[2] and ": error: summary: placeholder" in lines[2]

    @pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
    def test_tips_changed_in_git_come_first(self, project: Path) -> None:
        paths = self.old_tips(project, 6)
        git = ["git", "-c", "user.name=Ed", "-c", "user.email=ed@example.org"]
        subprocess.run([*git, "init", "-q"], cwd=project, check=True)
        subprocess.run([*git, "add", "."], cwd=project, check=True)
        subprocess.run([*git, "commit", "-qm", "archive"], cwd=project, check=True)
        changed = paths[3]
        changed.write_text(changed.read_text().replace("Let them finish", "Let them speak"))
        result = self.run(project)
        lines = result.stdout.splitlines()
        assert lines[0].startswith(f"content/tips/2019/{changed.name}:5: warning: themes")
        assert lines[1].startswith("5 other tips: warning: themes: no themes")
        assert len(lines) == 2

    def test_a_missing_path_is_a_usage_error(self, project: Path) -> None:
        result = self.run(project, "content/tips/nope.md")
        assert result.exit_code == 2


def test_the_pre_commit_hook_checks_changed_tip_files(repo_root: Path, project: Path) -> None:
    hooks = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "tipbook-check")
    files = re.compile(hook["files"])
    assert files.search("content/tips/2026/2026-11-24-listen-before-you-answer.md")
    assert not files.search("content/themes.yml")
    assert not files.search("README.md")
    assert hook["pass_filenames"] is True
    # Run the hook's entry as pre-commit would: the entry, then the changed files.
    bad = write(project, GOOD_PATH, broken("summary: A", "summary: TODO A"))
    script = Path(sys.executable).parent / hook["entry"].split()[0]
    command = [str(script), *hook["entry"].split()[1:], *hook.get("args", [])]
    result = subprocess.run(
        [*command, str(bad.relative_to(project))], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr
    assert "placeholder left in summary" in result.stdout
    write(project, GOOD_PATH, GOOD)
    result = subprocess.run(
        [*command, str(bad.relative_to(project))], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_this_repository_runs_the_published_hook(repo_root: Path) -> None:
    published = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    local = yaml.safe_load((repo_root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = next(h for repo in local["repos"] for h in repo["hooks"] if h["id"] == "tipbook-check")
    assert hook["entry"].endswith(published[0]["entry"])
    assert (hook["files"], hook["pass_filenames"]) == (published[0]["files"], True)


def test_today_can_be_set_for_the_draft_link_warning(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    write(project, "tips/2026/2026-12-01-later.md", GOOD.replace(
        "listen-before-you-answer", "later").replace("2026-11-24", "2026-12-01"))  # fmt: skip
    write(project, GOOD_PATH, broken("at once.", "at [once](2026-12-01-later.md)."))
    args = ["--config", str(project / "tipbook.yml"), "check", "--format", "json"]
    for today, warned in (("2026-11-24", True), ("2026-12-01", False)):
        monkeypatch.setenv("TIPBOOK_TODAY", today)
        document = json.loads(CliRunner().invoke(main, args).stdout)
        assert any(w["rule"] == "unpublished-link" for w in document["warnings"]) is warned
    monkeypatch.setenv("TIPBOOK_TODAY", "next week")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "TIPBOOK_TODAY='next week' is not a date" in result.output


def test_the_shipped_content_has_no_error(repo_root: Path) -> None:
    content = repo_root / "content"
    report = check_content(content, load_taxonomy(content / "themes.yml"))
    assert report.errors == [], "\n".join(str(p) for p in report.errors)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    front=st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120),
        # Field lines with values YAML reads as dates, numbers, lists, maps, tags, …
        st.lists(
            st.tuples(
                st.sampled_from(["title", "date", "slug", "themes", "summary", "series", "draft"]),
                st.one_of(
                    st.from_regex(r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z"),
                    st.sampled_from(["[a, b]", "{name: x}", "!!binary aGk=", "~", "yes", "1e3"]),
                    st.text(max_size=20),
                ),
            ),
            max_size=7,
        ).map(lambda pairs: "\n".join(f"{key}: {value}" for key, value in pairs)),
    ),
    body=st.text(st.sampled_from(list("[]()<>`:/-#*_ \nabcTODO0123456789.'\"=")), max_size=200),
)
def test_any_file_gives_findings_never_a_crash(project: Path, front: str, body: str) -> None:
    """Whatever an editor saves, `check` answers with findings, not a traceback."""
    write(project, GOOD_PATH, f"---\n{front}\n---\n\n{body}\n")
    write(project, "tips/2026/2026-11-17-other.md", broken("at once.", body or "x"))
    report = check(project)
    assert report.checked == 2
    assert all(p.level in ("error", "warning") and p.line >= 0 for p in report.problems)


def test_every_finding_names_its_rule(project: Path) -> None:
    """Each finding carries the id of the one rule that made it (tipbook/rules.py): what
    folds warnings together, never their text."""
    from tipbook import rules
    from tipbook.check_report import arrange

    known = {v.id: v for v in vars(rules).values() if isinstance(v, rules.Rule)}
    assert len(known) == len([v for v in vars(rules).values() if isinstance(v, rules.Rule)])
    sloppy = (
        GOOD.replace("title: Listen Before You Answer", "title: Listen – 1/2/24 TOW")
        .replace("  - empathy", "  - empaty")
        .replace("summary: A customer who feels heard calms down.", "summary: TODO")
        + '\n<span style="x" onclick="y">z</span> [a](2019-01-01-nowhere.md) {: .nope }\n'
    )
    for number in range(4):
        day = TODAY - dt.timedelta(days=7 * number + 2)
        slug = f"tip-{number}"
        text = sloppy.replace("date: 2026-11-24", f"date: {day.isoformat()}").replace(
            "slug: listen-before-you-answer", f"slug: {slug}"
        )
        write(project, f"tips/{day.year}/{day.isoformat()}-{slug}.md", text)
    report = check(project)
    rule_ids = {p.rule for p in report.problems}
    assert rule_ids <= known.keys()
    assert {
        "title-date",
        "unknown-theme",
        "placeholder",
        "event-handler",
        "broken-link",
    } <= rule_ids
    assert all(known[p.rule].level == p.level for p in report.problems if p.rule != "placeholder")
    _, _, folded = arrange(report)
    for group in folded:
        assert len({p.rule for p in group.problems}) == 1
    # The title-date warnings of four tips differ in nothing but their file: one group.
    assert [len(g.problems) for g in folded if g.problems[0].rule == "title-date"] == [4]
