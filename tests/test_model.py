"""The content model: slugs, paths, round trips of tip files."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipbook.content import (
    dumps_tip,
    field_lines,
    iter_tip_files,
    load_tip,
    load_tips,
    parse_tip,
    save_tip,
)
from tipbook.errors import ContentError
from tipbook.files import write_text_atomic
from tipbook.model import (
    SLUG_MAX_LENGTH,
    Series,
    Tip,
    is_valid_slug,
    next_tuesday,
    slugify,
    tip_relative_path,
)

HOSTILE_TITLES = [
    'Say "I\'m sorry": the Terrible Transfer',
    "Customer for Life – The Third Step",
    "# Not a heading",
    "---",
    "--- leading dashes",
    "key: value: more",
    "yes",
    "null",
    "1.0",
    "2019-02-12",
    "'quoted'",
    "[list-looking]",
    "{brace}",
    "Café crème & naïve façade",
    "Make Empathy Your Superpower 💪🦸",
    "Tab\tand  double  spaces",
    "& anchor * alias ! tag % directive @ at ` backtick",
    "Ünïcødé — “smart quotes” … ellipsis",
]


def make_tip(**changes: object) -> Tip:
    base = Tip(
        title="Make Empathy Your Superpower",
        date=dt.date(2024, 1, 2),
        themes=["empathy"],
        tags=["empathy"],
        summary="Empathy is a strength.",
        takeaway="Use empathy as a strength. Make it your superpower.",
        source="https://cssamerica.com/make-empathy-your-superpower/",
        body="I was facilitating a class.\n\n- one\n- two",
    )
    return base.with_changes(**changes)


class TestSlugs:
    @pytest.mark.parametrize(
        ("title", "slug"),
        [
            ("Convey Compassion in Customer Service", "convey-compassion-in-customer-service"),
            ("“You’re the Boss”", "youre-the-boss"),
            ("Don't Dwell", "dont-dwell"),
            ("Café crème", "cafe-creme"),
            ("../../etc/passwd", "etc-passwd"),
            ("a\\b/c", "a-b-c"),
            ("💪", "tip"),
            ("", "tip"),
        ],
    )
    def test_slugify(self, title: str, slug: str) -> None:
        assert slugify(title) == slug

    def test_long_titles_are_cut_at_a_word(self) -> None:
        slug = slugify("word " * 40)
        assert len(slug) <= SLUG_MAX_LENGTH
        assert not slug.endswith("-")
        assert slug.endswith("word")

    @pytest.mark.parametrize("title", ["a" * 400, "x" * 81 + "-y", "x" * 80 + " y"])
    def test_a_word_longer_than_a_slug_is_cut(self, title: str) -> None:
        slug = slugify(title)
        assert is_valid_slug(slug)
        assert slug == title[:SLUG_MAX_LENGTH]

    @given(st.text())
    def test_any_text_gives_a_safe_slug(self, text: str) -> None:
        slug = slugify(text)
        assert is_valid_slug(slug)
        assert ".." not in slug and "/" not in slug and "\\" not in slug

    @pytest.mark.parametrize("bad", ["../x", "a/b", "a\\b", "UPPER", "-x", "x-", "a--b", "", "é"])
    def test_unsafe_slugs_cannot_make_a_path(self, bad: str) -> None:
        with pytest.raises(ValueError, match="unsafe slug"):
            tip_relative_path(dt.date(2020, 1, 7), bad)

    def test_path_layout(self) -> None:
        tip = make_tip()
        assert str(tip.relative_path) == "tips/2024/2024-01-02-make-empathy-your-superpower.md"
        assert tip.id == "2024-01-02-make-empathy-your-superpower"


class TestRoundTrip:
    def test_dump_has_keys_in_canonical_order(self) -> None:
        text = dumps_tip(make_tip(series=Series("Customer for Life", 3), draft=True))
        assert list(field_lines(text)) == [
            "title",
            "date",
            "slug",
            "themes",
            "tags",
            "summary",
            "takeaway",
            "series",
            "source",
            "draft",
        ]

    @pytest.mark.parametrize("title", HOSTILE_TITLES)
    def test_hostile_titles_survive(self, title: str, tmp_path: Path) -> None:
        tip = make_tip(title=title, summary=title, takeaway=title)
        path, changed = save_tip(tmp_path, tip)
        assert changed
        loaded = load_tip(path)
        assert loaded.title == " ".join(title.split())
        assert loaded == tip
        assert dumps_tip(loaded) == path.read_text(encoding="utf-8")

    def test_unknown_keys_are_kept_in_order(self) -> None:
        text = dumps_tip(make_tip()).replace("---\n\n", "author: Jane\nzeta: 1\n---\n\n", 1)
        # The replace above hits the closing delimiter (the first "---\n\n").
        tip, problems = parse_tip(text)
        assert not problems and tip is not None
        assert list(tip.extra) == ["author", "zeta"]
        assert dumps_tip(tip) == text

    @settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
    @given(
        title=st.text(min_size=1).filter(lambda t: t.strip()),
        body=st.text(),
        summary=st.text(),
        tags=st.lists(st.text(alphabet=string.ascii_letters + " -é", min_size=1), max_size=4),
        day=st.dates(min_value=dt.date(2006, 1, 1), max_value=dt.date(2099, 12, 31)),
        part=st.none() | st.integers(min_value=1, max_value=20),
    )
    def test_any_tip_round_trips_byte_identically(
        self, title: str, body: str, summary: str, tags: list[str], day: dt.date, part: int | None
    ) -> None:
        if "\x00" in title + body + summary or any(
            ord(c) < 32 and c not in "\t\n\r" for c in title + body + summary
        ):
            return  # control characters are not text anyone writes; YAML refuses them too
        tip = Tip(
            title=title,
            date=day,
            tags=[t for t in tags if t.strip()],
            summary=summary,
            body=body,
            series=Series("A Series: Part", part) if part else None,
        )
        text = dumps_tip(tip)
        loaded, problems = parse_tip(text)
        assert not [p for p in problems if p.is_error], problems
        assert loaded == tip
        assert dumps_tip(loaded) == text

    def test_every_shipped_file_is_byte_stable(self, repo_root: Path) -> None:
        files = list(iter_tip_files(repo_root / "content"))
        for path in files:
            text = path.read_text(encoding="utf-8")
            tip, problems = parse_tip(text, str(path))
            assert tip is not None, problems
            assert dumps_tip(tip) == text, f"{path} is not in canonical form"


class TestLoading:
    def test_bad_yaml_names_the_file_and_line(self, tmp_path: Path) -> None:
        path = tmp_path / "tips" / "2019" / "2019-02-12-x.md"
        path.parent.mkdir(parents=True)
        path.write_text("---\ntitle: A\ndate: 2019-02-12\nsummary: a: b: [\n---\n\nbody\n")
        with pytest.raises(ContentError) as caught:
            load_tip(path)
        message = str(caught.value.message)
        assert "2019-02-12-x.md:4" in message
        assert "not valid YAML" in message

    @pytest.mark.parametrize(
        ("front", "line", "said"),
        [
            ("title: A\ndate: 2019-02-12\ntitle: B\n", 4, "`title` is written twice"),
            ("title: A\ndate: 2019-02-30\n", 3, "2019-02-30 is not a real date"),
            ("title: A\ndate: 2019-02-12\nseries: {name: S, part: 1, part: 2}\n", 4, "twice"),
            ("title: A\ndate: 2019-02-12\nseries: {name: S, part: true}\n", 4, "part number"),
        ],
    )
    def test_a_key_twice_an_impossible_date_or_a_bool_part_is_an_error_at_its_line(
        self, tmp_path: Path, front: str, line: int, said: str
    ) -> None:
        """A tip whose `title:` is written twice was published under the second one with
        `check` silent, and `part: true` as "Part True of 1": errors now, so the tip is
        held back (check and build agree)."""
        path = tmp_path / "tips" / "2019" / "2019-02-12-x.md"
        path.parent.mkdir(parents=True)
        path.write_text(f"---\n{front}---\n\nbody\n")
        with pytest.raises(ContentError) as caught:
            load_tip(path)
        message = str(caught.value.message)
        assert f"2019-02-12-x.md:{line}" in message
        assert said in message

    def test_every_problem_is_reported_at_once(self, tmp_path: Path) -> None:
        path = tmp_path / "tips" / "2019" / "2019-02-12-x.md"
        path.parent.mkdir(parents=True)
        path.write_text(
            "---\ntitle: A\ndate: someday\nthemes: {a: b}\ndraft: maybe\n"
            "series: Customer for Life\nsource: cssamerica.com\n---\n\nbody\n"
        )
        with pytest.raises(ContentError) as caught:
            load_tip(path)
        fields = [p.field for p in caught.value.problems]
        assert fields == ["date", "themes", "draft", "series", "source"]
        lines = [p.line for p in caught.value.problems]
        assert lines == [3, 4, 5, 6, 7]
        assert "write it as YYYY-MM-DD" in str(caught.value.message)
        series = caught.value.problems[3].message
        assert series.endswith("e.g. `series: {name: Customer for Life, part: 3}`")

    def test_missing_front_matter(self) -> None:
        tip, problems = parse_tip("Just a body\n", "x.md")
        assert tip is None
        assert [p.rule for p in problems] == ["front-matter"]
        assert "no front matter" in str(problems[0])

    def test_load_tips_collects_problems_of_every_file(self, tmp_path: Path) -> None:
        save_tip(tmp_path, make_tip())
        for name in ("2019-01-01-a.md", "2019-01-08-b.md"):
            bad = tmp_path / "tips" / "2019" / name
            bad.parent.mkdir(parents=True, exist_ok=True)
            bad.write_text("---\ntitle: [\n---\n")
        with pytest.raises(ContentError) as caught:
            load_tips(tmp_path)
        assert {Path(p.path).name for p in caught.value.problems} == {
            "2019-01-01-a.md",
            "2019-01-08-b.md",
        }

    def test_load_tips_sorts_by_date(self, tmp_path: Path) -> None:
        save_tip(tmp_path, make_tip(date=dt.date(2024, 1, 9), slug="b"))
        save_tip(tmp_path, make_tip(date=dt.date(2024, 1, 2), slug="a"))
        assert [t.slug for t in load_tips(tmp_path)] == ["a", "b"]


class TestAtomicWrites:
    def test_unchanged_file_keeps_its_mtime(self, tmp_path: Path) -> None:
        path, _ = save_tip(tmp_path, make_tip())
        before = path.stat().st_mtime_ns
        _, changed = save_tip(tmp_path, make_tip())
        assert not changed
        assert path.stat().st_mtime_ns == before

    def test_no_temporary_file_is_left_behind(self, tmp_path: Path) -> None:
        target = tmp_path / "a.md"
        write_text_atomic(target, "one")
        write_text_atomic(target, "two")
        assert [p.name for p in tmp_path.iterdir()] == ["a.md"]
        assert target.read_text() == "two"

    def test_a_failed_write_leaves_the_old_file(self, tmp_path: Path, monkeypatch) -> None:
        target = tmp_path / "a.md"
        write_text_atomic(target, "old")

        def broken_replace(*args: object) -> None:
            raise OSError("disk full")

        monkeypatch.setattr("tipbook.files.os.replace", broken_replace)
        with pytest.raises(OSError):
            write_text_atomic(target, "new")
        assert target.read_text() == "old"
        assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_next_tuesday() -> None:
    assert next_tuesday(dt.date(2024, 1, 2)) == dt.date(2024, 1, 9)  # a Tuesday → next week
    assert next_tuesday(dt.date(2024, 1, 4)) == dt.date(2024, 1, 9)
    assert next_tuesday(dt.date(2024, 1, 8)) == dt.date(2024, 1, 9)


def test_published_means_not_draft_and_not_future() -> None:
    tip = make_tip(date=dt.date(2024, 1, 2))
    assert tip.is_published(dt.date(2024, 1, 2))
    assert not tip.is_published(dt.date(2024, 1, 1))
    assert not tip.with_changes(draft=True).is_published(dt.date(2030, 1, 1))


def test_the_readme_front_matter_table_matches_the_reader(repo_root: Path, tmp_path: Path) -> None:
    """README's front-matter reference lists the keys tipbook reads, in the order it writes
    them, and a key it calls required is one whose absence `tipbook check` refuses."""
    from tipbook.check import check_content
    from tipbook.content import KNOWN_KEYS
    from tipbook.schemas import front_matter_table
    from tipbook.taxonomy import load_taxonomy

    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Front-matter reference", 1)[1].split("\n\n", 2)[1]
    # The table is the schema's (`python -m tipbook.schemas` prints it): same words.
    assert table == front_matter_table()
    rows = [row.split(" | ") for row in table.splitlines() if row.startswith("| `")]
    assert tuple(row[0].strip("| `") for row in rows) == KNOWN_KEYS
    required = {row[0].strip("| `") for row in rows if row[2].startswith("yes")}
    fields = {
        "title": "A title",
        "date": "2024-01-02",
        "slug": "a-title",
        "themes": "[]",
        "summary": "A summary.",
    }
    assert required == set(fields) - {"themes"}
    taxonomy = load_taxonomy(repo_root / "content" / "themes.yml")
    folder = tmp_path / "content" / "tips" / "2024"
    folder.mkdir(parents=True)
    path = folder / "2024-01-02-a-title.md"
    today = dt.date(2024, 6, 1)
    for left_out in [*required, None]:
        lines = [f"{key}: {value}" for key, value in fields.items() if key != left_out]
        path.write_text("---\n" + "\n".join(lines) + "\n---\nBody.\n", encoding="utf-8")
        errors = [p for p in check_content(tmp_path / "content", taxonomy, today=today).problems
                  if p.is_error]  # fmt: skip
        if left_out is None:
            assert not errors, errors
        else:
            assert any(left_out in str(p) for p in errors), (left_out, errors)


def test_the_front_matter_schema_exports_json_schema() -> None:
    """Editors' tools can validate a tip with the same schema: every key tipbook reads is
    a property of the exported JSON schema, with its meaning."""
    from tipbook.content import KNOWN_KEYS
    from tipbook.schemas import FrontMatter

    properties = FrontMatter.model_json_schema()["properties"]
    assert tuple(properties) == KNOWN_KEYS
    assert all(properties[key]["description"] for key in KNOWN_KEYS)


def test_a_value_is_shown_as_written_in_its_message() -> None:
    """A value holding `{field}` is quoted as it is, never filled in as a placeholder."""
    _, problems = parse_tip("---\ntitle: X\ndate: 2026-02-03\ndraft: '{field}'\n---\nBody.\n")
    assert [(p.line, p.field, p.rule) for p in problems] == [(4, "draft", "front-matter")]
    assert problems[0].message.startswith("'{field}' is not true or false")
