"""End to end, as an editor works: new → write → check → fix → build before and on the date.

The editor's week, through the real command line in a project of its own: `tipbook new`
starts next Tuesday's tip, the editor writes it (and forgets things `check` then reports),
fixes them, and the weekly build publishes the tip on its date, not a day before: on
the site, in Material's search index and in `tipbook search`. Today is
set with `TIPBOOK_TODAY`, the one switch the build and the editor commands share.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tipbook.cli import main
from tipbook.content import load_tip, save_tip
from tipbook.model import Tip

EARLIER = [
    (
        dt.date(2026, 11, 10),
        "Thank the Customer Who Complains",
        ["apology"],
        "A complaint is a customer giving you a second chance. Thank them for telling you.",
    ),
    (
        dt.date(2026, 11, 17),
        "Know What Your Customer Values",
        ["relationships"],
        "Ask what matters most to the customer before you offer anything at all.",
    ),
]
TITLE = "Own the Mistake, Not the Excuse"
TIP_DATE = dt.date(2026, 11, 24)  # the first Tuesday after the newest tip (2026-11-17)
UNIQUE = "turnstile"  # a body word no other tip has: search must find the tip by it
STORY = f"""\
Last week a visitor at the museum was stuck at the {UNIQUE} for ten minutes because her
ticket had been sold twice. She waited while the attendant said the system had been acting
up all morning. That was true, and it did not help her at all; waiting longer made it worse.

Customers do not care whose fault it is. They care that someone owns it:

- Apologize for what happened to them, not for the system.
- Say what you will do, and do it quickly, while they are still with you.
- Leave the excuse out: it sounds like blame, even when it is an explanation.

TODO: add the follow-up story about the refund.

Own the mistake, not the excuse.
"""


@pytest.fixture()
def project(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A handbook of its own: the shipped mkdocs.yml, theme overrides and themes, two tips."""
    shutil.copy(repo_root / "mkdocs.yml", tmp_path / "mkdocs.yml")
    if (repo_root / "overrides").is_dir():
        shutil.copytree(repo_root / "overrides", tmp_path / "overrides")
    (tmp_path / "content").mkdir()
    shutil.copy(repo_root / "content" / "themes.yml", tmp_path / "content" / "themes.yml")
    shutil.copytree(repo_root / "content" / "pages", tmp_path / "content" / "pages")
    (tmp_path / "tipbook.yml").write_text(
        "site_name: Tips\nsite_url: http://127.0.0.1:8000/\ncontent_dir: content\n"
        "site_dir: site\nindex_dir: .tipbook/index\n",
        encoding="utf-8",
    )
    for date, title, themes, text in EARLIER:
        save_tip(
            tmp_path / "content",
            Tip(title, date, themes=themes, summary=text, takeaway=text.split(".")[0] + ".",
                body=f"{text}\n\nThat is the whole tip.\n\n{text.split('.')[0]}."),
        )  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIPBOOK_TODAY", "2026-11-19")  # a Thursday: next Tuesday's tip is due
    monkeypatch.delenv("TIPBOOK_CONFIG", raising=False)
    return tmp_path


def tipbook(*args: str) -> Result:
    return CliRunner().invoke(main, ["--config", "tipbook.yml", *args])


def findings(result: Result) -> list[tuple[str, str]]:
    """(level, message) of each `path:line: level: field: message` line of `check`."""
    pattern = re.compile(r"^(\S+):(\d+): (error|warning): (.*)$")
    return [(m.group(3), m.group(4)) for m in map(pattern.match, result.stdout.splitlines()) if m]


def search(query: str) -> dict:
    """`tipbook search QUERY --json`, as the terminal or a script would run it."""
    result = tipbook("search", query, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def build(monkeypatch: pytest.MonkeyPatch, today: str) -> Path:
    monkeypatch.setenv("TIPBOOK_TODAY", today)
    shutil.rmtree("site", ignore_errors=True)
    result = tipbook("build")
    assert result.exit_code == 0, result.output
    return Path("site")


def static_search_pages(site: Path) -> int:
    """Tips in the static export's search index (Pagefind's bundles, search.static)."""
    return sum(
        json.loads(entry.read_text(encoding="utf-8"))["languages"]["en"]["page_count"]
        for entry in (site / "pagefind").glob("*/pagefind-entry.json")
    )


def test_an_editors_week(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1. Start next week's tip.
    result = tipbook("new", TITLE, "--theme", "apology")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == project / "content/tips/2026/2026-11-24-own-the-mistake-not-the-excuse.md"
    tip = load_tip(path)
    assert (tip.date, tip.draft) == (TIP_DATE, True)

    # 2. The fresh draft: placeholders are only warnings while it is a draft.
    result = tipbook("check", str(path))
    assert result.exit_code == 0
    assert {level for level, _ in findings(result)} == {"warning"}
    assert any("placeholder left in summary" in message for _, message in findings(result))

    # 2b. Preview: a build with --drafts shows the draft; the real build would not.
    result = tipbook("build", "--drafts", "--site-dir", "preview")
    assert result.exit_code == 0, result.output
    preview = Path("preview/tips/2026/2026-11-24-own-the-mistake-not-the-excuse/index.html")
    assert TITLE in preview.read_text(encoding="utf-8")

    # 3. Write the tip, as an editor would in a text editor: body, summary, takeaway, and
    #    the draft line removed; one TODO forgotten, and a link to a tip that does not exist.
    text = path.read_text(encoding="utf-8")
    front, _ = text.split("\n---\n", 1)
    front = front.replace("draft: true\n", "").replace("\ndraft: true", "")
    front = re.sub(r"summary: .*", "summary: Customers care that someone owns the problem.", front)
    front = re.sub(r"takeaway: .*", "takeaway: Own the mistake, not the excuse.", front)
    body = STORY.replace(
        "Customers do not care",
        "As in [thanking complainers](2026-11-03-thank-the-customer-who-complains.md), "
        "customers do not care",
    )
    path.write_text(f"{front}\n---\n\n{body}", encoding="utf-8")

    # 4. `check` now fails, naming the lines to fix.
    result = tipbook("check")
    assert result.exit_code == 1
    errors = [message for level, message in findings(result) if level == "error"]
    assert len(errors) == 2, result.stdout
    assert any("placeholder left in the text" in e for e in errors)
    assert any("points nowhere" in e and "2026-11-10-thank" in e for e in errors)

    # 5. Fix what it reports; ask the classifier for themes; check is clean.
    text = path.read_text(encoding="utf-8")
    text = text.replace("TODO: add the follow-up story about the refund.\n\n", "")
    text = text.replace("(2026-11-03-thank", "(2026-11-10-thank")
    path.write_text(text, encoding="utf-8")
    result = tipbook("themes", "suggest", str(path), "--write")
    assert result.exit_code == 0, result.output
    themes = load_tip(path).themes
    assert "apology" in themes and len(themes) > 1  # the classifier added at least one
    result = tipbook("check")
    assert result.exit_code == 0, result.output
    assert findings(result) == []

    # 6. The weekly build the day before: the tip is nowhere on the site.
    site = build(monkeypatch, "2026-11-23")
    page = site / "tips/2026/2026-11-24-own-the-mistake-not-the-excuse/index.html"
    assert not page.exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert TITLE not in home and "Know What Your Customer Values" in home
    for theme in themes:
        assert TITLE not in (site / f"themes/{theme}/index.html").read_text(encoding="utf-8")
    assert UNIQUE not in (site / "search/search_index.json").read_text(encoding="utf-8")
    assert search(UNIQUE)["total"] == 0
    indexed = static_search_pages(site)

    # 7. The build on the date publishes it everywhere.
    site = build(monkeypatch, "2026-11-24")
    assert page.is_file()
    assert "Own the mistake, not the excuse." in page.read_text(encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    week = home.split("This week", 1)[1][:2000]
    assert TITLE.replace("'", "&#x27;") in week or TITLE in week
    for theme in themes:
        assert TITLE in (site / f"themes/{theme}/index.html").read_text(encoding="utf-8"), theme
    chapter = (site / "themes/apology/index.html").read_text(encoding="utf-8")
    assert chapter.index(TITLE) < chapter.index("Thank the Customer Who Complains")  # newest first
    assert static_search_pages(site) == indexed + 1  # the site's search box (static) has it
    found = search(UNIQUE)
    assert found["total"] == 1 and found["hits"][0]["title"] == TITLE
    assert found["hits"][0]["path"].endswith("2026-11-24-own-the-mistake-not-the-excuse.md")

    # The editors' guide is part of the site, in its navigation.
    guide = (site / "pages/editors-guide/index.html").read_text(encoding="utf-8")
    assert 'id="what-check-reports"' in guide
    assert "pages/editors-guide/" in home
