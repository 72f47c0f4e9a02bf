"""Safety in `tipbook check`: raw HTML and `{: …}` attribute lists in a tip are reported on
their line, saying what the site's sanitiser will drop; what it keeps is not reported."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from hostile_corpus import load_corpus

from tipbook import sanitize
from tipbook.check import check_content
from tipbook.cli import main
from tipbook.content import load_tip
from tipbook.editor import new_tip
from tipbook.errors import UsageError
from tipbook.model import is_valid_slug
from tipbook.taxonomy import load_taxonomy

TODAY = dt.date(2026, 11, 26)
HEAD = """\
---
title: Listen Before You Answer
date: 2026-11-24
slug: listen-before-you-answer
themes:
  - empathy
summary: A customer who feels heard calms down.
takeaway: Listen first.
---

A customer called about a late delivery.

"""
FIRST = HEAD.count("\n") + 1  # the file line of the first line after HEAD


def findings(tmp_path: Path, repo_root: Path, body: str) -> list[tuple[int, str, str, str]]:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    shutil.copy(repo_root / "content" / "themes.yml", content / "themes.yml")
    path = content / "tips" / "2026" / "2026-11-24-listen-before-you-answer.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + body + "\n", encoding="utf-8")
    report = check_content(content, load_taxonomy(content / "themes.yml"), today=TODAY)
    return [(p.line, p.level, p.rule, p.message) for p in report.problems if p.field == "body"]


@pytest.mark.parametrize(
    ("body", "line", "level", "rule", "names"),
    [
        ("<details open>x</details>", 0, "warning", "unkept-tag", "<details>"),
        ("<svg><circle r=1></circle></svg>", 0, "warning", "unkept-tag", "<svg> and everything"),
        ('<div style="color:red">x</div>', 0, "warning", "unkept-attribute", "style= attribute"),
        ("Text\n<img src=x\nonerror=alert(1)>", 2, "error", "event-handler", "onerror="),
        ('<a href="java&#x73;cript:alert(1)">x</a>', 0, "error", "dropped-link", "javascript:"),
        ("[x](java&#x73;cript:alert(1))", 0, "error", "dropped-link", "javascript:"),
        ("[x](data:text/html,hi)", 0, "error", "dropped-link", "data:"),
        ("Text.\n{: onfocus=alert(1) autofocus }", 1, "error", "event-handler", "onfocus="),
        ("Text.\n{: onfocus=alert(1) autofocus }", 1, "warning", "attribute-list",
         "(onfocus, autofocus)"),
        ("## Heading {: #anchor .fancy }", 0, "warning", "attribute-list", "{: #anchor .fancy }"),
        ('<h2 id="__config">{}</h2>', 0, "warning", "unkept-attribute", "id='__config'"),
        ('<td style="text-align:expression(x)">', 0, "warning", "unkept-attribute",
         "only text-align: left"),
    ],
)  # fmt: skip
def test_check_reports_what_the_site_drops_on_its_line(
    tmp_path: Path, repo_root: Path, body: str, line: int, level: str, rule: str, names: str
) -> None:
    """Which rule fired is matched by its id; `names` is what the message points at."""
    found = findings(tmp_path, repo_root, body)
    assert any(
        (number, kind, fired) == (FIRST + line, level, rule) and names in message
        for number, kind, fired, message in found
    ), found


@pytest.mark.parametrize(
    "body",
    [
        "Plain *emphasis*, **strong**, `<code>` and a [link](https://example.com/).",
        '<p class="admonition-title">Kept</p> <abbr title="x">X</abbr>',
        "| a | b |\n| --- | --- |\n| 1 | 2 |",
        "Sets {braces} in a sentence and <https://example.com/> as an autolink.",
        "[Read more](https://example.com/){ .md-button } and ## kept {: #anchor }",
        "Escaped markup: \\{: onfocus=x \\} and \\[x\\](javascript:y) stay text.",
        "```html\n<script>alert(1)</script>\n```",
    ],
)
def test_check_is_quiet_about_what_the_site_keeps(
    tmp_path: Path, repo_root: Path, body: str
) -> None:
    assert findings(tmp_path, repo_root, body) == []


def test_check_flags_every_hostile_body_of_the_corpus(tmp_path: Path, repo_root: Path) -> None:
    """Each body vector gets a finding, unless Markdown itself renders it harmless: no tag
    the site drops, no event handler (a quote inside a URL or an admonition's title)."""
    quiet = []
    for body in load_corpus()["body"]:
        if not findings(tmp_path, repo_root, body):
            quiet.append(body)
    assert len(quiet) < 5
    for body in quiet:
        rendered = markdown.markdown(body, extensions=["admonition", "attr_list", "tables"])
        for element in BeautifulSoup(rendered, "html.parser").find_all(True):
            assert element.name in sanitize.BODY_TAGS, body
            assert not any(name.startswith("on") for name in element.attrs), body


@pytest.mark.parametrize("title", ["Supercalifragilistic" * 6, "Longer " * 28, "x" * 81])
def test_a_very_long_title_makes_a_tip_not_a_traceback(
    tmp_path: Path, repo_root: Path, title: str
) -> None:
    """A careless editor's title: a first word longer than a slug may be (80 characters) was
    cut at a "word boundary" it does not have, and `tipbook new` died on the unsafe slug."""
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(repo_root / "content" / "themes.yml", content / "themes.yml")
    created = new_tip(content, load_taxonomy(content / "themes.yml"), title, today=TODAY)
    assert is_valid_slug(created.tip.slug) and created.path.is_file()
    assert load_tip(created.path).title == " ".join(title.split())


def test_a_title_longer_than_a_title_may_be_is_refused_saying_so(
    tmp_path: Path, repo_root: Path
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(repo_root / "content" / "themes.yml", content / "themes.yml")
    with pytest.raises(UsageError, match="13999 characters long: shorten it to at most 200"):
        new_tip(content, load_taxonomy(content / "themes.yml"), "Longer " * 2000, today=TODAY)
    assert not list(content.rglob("*.md"))


LAUGHS = "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 7)
)  # l6 stands for 9**7 values; a real attack nests a few more levels (minutes, gigabytes)


@pytest.mark.parametrize("field", ["date", "slug", "draft", "tags", "a_key_of_its_own"])
def test_yaml_aliases_in_front_matter_are_refused(
    tmp_path: Path, repo_root: Path, field: str
) -> None:
    """Billion laughs: `date: *l9` (aliases of aliases) once made `check` print the whole
    expansion in its message, for minutes and gigabytes. Aliases are refused, naming the line."""
    text = HEAD.replace(
        "---\n\n",
        f"l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n{LAUGHS}{field}: *l6\n---\n\n",
    )
    if field in ("date", "slug", "draft"):
        text = text.replace(f"\n{field}: ", f"\nold_{field}: ", 1)
    content = tmp_path / "content"
    path = content / "tips" / "2026" / "2026-11-24-listen-before-you-answer.md"
    path.parent.mkdir(parents=True)
    shutil.copy(repo_root / "content" / "themes.yml", content / "themes.yml")
    path.write_text(text, encoding="utf-8")
    report = check_content(content, load_taxonomy(content / "themes.yml"), today=TODAY)
    alias_line = text.splitlines().index(f"l1: &l1 [{', '.join(['*l0'] * 9)}]") + 1
    assert [(p.line, p.rule, p.message) for p in report.problems if p.is_error] == [
        (
            alias_line,
            "front-matter",
            "front matter is not valid YAML (`*` starts a YAML alias, which tipbook does not "
            "allow): quote values that contain ': ' or start with a special character",
        )
    ]


def test_a_python_tag_in_front_matter_is_text_for_no_one(tmp_path: Path, repo_root: Path) -> None:
    """The safe loader refuses `!!python/…` tags: a clear error, nothing run."""
    marker = tmp_path / "ran"
    text = HEAD.replace(
        "title: Listen Before You Answer",
        f'title: !!python/object/apply:os.system ["touch {marker}"]',
    )
    content = tmp_path / "content"
    path = content / "tips" / "2026" / "2026-11-24-listen-before-you-answer.md"
    path.parent.mkdir(parents=True)
    shutil.copy(repo_root / "content" / "themes.yml", content / "themes.yml")
    path.write_text(text, encoding="utf-8")
    report = check_content(content, load_taxonomy(content / "themes.yml"), today=TODAY)
    assert [p.rule for p in report.problems if p.is_error] == ["front-matter"]
    assert any("could not determine a constructor" in p.message for p in report.problems)
    assert not marker.exists()


def test_tip_text_cannot_drive_the_terminal_or_break_rich_markup(
    tmp_path: Path, repo_root: Path
) -> None:
    """Titles and text come from the web: an ESC in them cleared the screen or retitled the
    window from `tipbook search`, and a `[/x]` in a value quoted by a problem was read as
    rich markup and ended `tipbook index` and `search` in a traceback."""
    (tmp_path / "tipbook.yml").write_text(
        "content_dir: content\nindex_dir: .tipbook/index\nsite_dir: site\n", encoding="utf-8"
    )
    content = tmp_path / "content"
    (content / "tips" / "2026").mkdir(parents=True)
    shutil.copy(repo_root / "content" / "themes.yml", content / "themes.yml")
    hostile = HEAD.replace(
        "title: Listen Before You Answer",
        'title: "Listen \\e[2J\\e]0;owned\\a [red]now[/red] \\u202eright"',
    ).replace("summary: A customer", 'summary: "Listen \\e[41m [/x] A customer')
    hostile = hostile.replace("heard calms down.", 'heard calms down."')
    (content / "tips" / "2026" / "2026-11-24-listen-before-you-answer.md").write_text(
        hostile + "Listen with \x1b[8m hidden text and [/y].\n", encoding="utf-8"
    )
    broken = HEAD.replace("2026-11-24", "2026-11-17").replace(
        "slug: listen-before-you-answer", 'slug: "[/x]"'
    )
    (content / "tips" / "2026" / "2026-11-17-x.md").write_text(broken, encoding="utf-8")
    runner = CliRunner()
    outputs = []
    # --drafts: the broken tip's fallback slug collides with the other's, so both are held
    # back, and `tipbook search` finds only what is published.
    for args in (["index"], ["search", "--drafts", "listen"], ["check"], ["themes", "list"]):
        result = runner.invoke(main, ["--config", str(tmp_path / "tipbook.yml"), *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        outputs.append(result.stdout + result.stderr)
    index, search, check, _ = outputs
    assert "'[/x]' is not a valid slug" in index and "'[/x]' is not a valid slug" in check
    assert "[red]now[/red]" in search and "[/x]" in search and "[/y]" in search
    for output in outputs:
        assert "Traceback" not in output
        assert not any(ch in output for ch in "\x1b\x07\u202e"), output
