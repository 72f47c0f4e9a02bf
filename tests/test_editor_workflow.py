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
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from tipbook.cli import main
from tipbook.content import load_tip, save_tip
from tipbook.model import Tip

if TYPE_CHECKING:
    from tipbook.schedule import Publisher

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


def findings(result: Result) -> list[tuple[str, str, str, str]]:
    """(level, rule id, field, message) of each finding of `check --format json`."""
    document = json.loads(result.stdout)
    return [
        (found["level"], found["rule"], found["field"], found["message"])
        for found in document["errors"] + document["warnings"]
    ]


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
    result = tipbook("check", str(path), "--format", "json")
    assert result.exit_code == 0
    assert {found[0] for found in findings(result)} == {"warning"}
    assert ("warning", "placeholder", "summary") in [found[:3] for found in findings(result)]

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
    result = tipbook("check", "--format", "json")
    assert result.exit_code == 1
    errors = [found[1:] for found in findings(result) if found[0] == "error"]
    assert sorted(rule for rule, _, _ in errors) == ["broken-link", "placeholder"], errors
    assert any(rule == "broken-link" and "2026-11-10-thank" in e for rule, _, e in errors)

    # 5. Fix what it reports; ask the classifier for themes; check is clean.
    text = path.read_text(encoding="utf-8")
    text = text.replace("TODO: add the follow-up story about the refund.\n\n", "")
    text = text.replace("(2026-11-03-thank", "(2026-11-10-thank")
    path.write_text(text, encoding="utf-8")
    result = tipbook("themes", "suggest", str(path), "--write")
    assert result.exit_code == 0, result.output
    themes = load_tip(path).themes
    assert "apology" in themes and len(themes) > 1  # the classifier added at least one
    result = tipbook("check", "--format", "json")
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


def finished_tip(path: Path) -> None:
    """Write the tip as the editor would: the text, summary and takeaway; no draft line."""
    text = path.read_text(encoding="utf-8")
    front, _ = text.split("\n---\n", 1)
    front = front.replace("draft: true\n", "").replace("\ndraft: true", "")
    front = re.sub(r"summary: .*", "summary: Customers care that someone owns the problem.", front)
    front = re.sub(r"takeaway: .*", "takeaway: Own the mistake, not the excuse.", front)
    body = STORY.replace("TODO: add the follow-up story about the refund.\n\n", "")
    path.write_text(f"{front}\n---\n\n{body}", encoding="utf-8")


def test_the_editors_draft_is_not_buried_under_old_warnings(project: Path) -> None:
    # An archive of scraped tips, each with a warning (no themes: in no chapter).
    for week in range(25):
        date = dt.date(2019, 1, 1) + dt.timedelta(weeks=week)
        save_tip(
            project / "content",
            Tip(f"Archive Tip {week}", date, summary="An old tip.", takeaway="Old.",
                source=f"https://cssamerica.com/archive-tip-{week}/", body="Old text."),
        )  # fmt: skip
    result = tipbook("new", TITLE, "--theme", "apology")
    assert result.exit_code == 0, result.output
    draft = Path(result.stdout.strip()).relative_to(project).as_posix()

    result = tipbook("check")
    assert result.exit_code == 0, result.output  # warnings only: exit code as before
    lines = result.stdout.splitlines()
    own = [line for line in lines if line.startswith(draft)]
    assert own and lines[: len(own)] == own  # the draft's findings, first
    assert any("placeholder left in summary" in line for line in own)
    assert lines[len(own) :] == [line for line in lines if line.startswith("25 other tips")]
    assert "no themes" in lines[-1] and "`tipbook check --all` lists them" in lines[-1]
    # --all: every finding, the draft's still first.
    lines = tipbook("check", "--all").stdout.splitlines()
    assert lines[: len(own)] == own and len(lines) == len(own) + 25


def get(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_a_scheduled_tip_is_reported_then_published_on_its_date_by_the_running_server(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from tipbook.config import load_config
    from tipbook.schedule import Publisher
    from tipbook.server import serve

    result = tipbook("new", TITLE, "--theme", "apology")
    path = Path(result.stdout.strip())
    finished_tip(path)
    assert tipbook("check", str(path)).exit_code == 0

    # Thursday's build leaves next Tuesday's tip out, and says so with its date.
    result = tipbook("build")
    assert result.exit_code == 0, result.output
    assert "Scheduled: 1 tip(s), left out until their date (a build on or after" in result.stdout
    assert f"2026-11-24  {TITLE}  (content/tips/2026/{path.name})" in result.stdout
    assert (
        "site_url is http://127.0.0.1:8000/: the feed and sitemap will point at this machine"
        in (result.stderr)
    )
    # A draft is reported too (as a draft, not as scheduled).
    assert tipbook("new", "Still Writing This", "--date", "2026-12-01").exit_code == 0
    result = tipbook("build")
    assert "Drafts: 1 tip(s), left out until `draft: true` is removed:" in result.stdout
    assert "2026-12-01  Still Writing This" in result.stdout

    # `tipbook serve` as the command runs it: the server and its publisher, no restart.
    config = load_config(project / "tipbook.yml")
    server = serve(config, "127.0.0.1", 0)
    server.quiet = True  # type: ignore[attr-defined]
    publisher = Publisher(config, server.site_dir, interval=0.1)
    assert publisher.next_date == TIP_DATE  # the draft dated 2026-12-01 is not scheduled
    threading.Thread(target=server.serve_forever, daemon=True).start()
    publisher.start()
    url = f"{server.url}tips/2026/2026-11-24-own-the-mistake-not-the-excuse/"
    try:
        assert get(url)[0] == 404
        monkeypatch.setenv("TIPBOOK_TODAY", "2026-11-23")  # Monday: still nothing to publish
        assert looked_again(publisher) and publisher.builds == 0 and get(url)[0] == 404
        monkeypatch.setenv("TIPBOOK_TODAY", "2026-11-24")  # Tuesday: the tip goes live
        deadline = time.monotonic() + 120
        while (publisher.builds == 0 or get(url)[0] != 200) and time.monotonic() < deadline:
            time.sleep(0.2)
        status, page = get(url)
        assert status == 200 and "Own the mistake, not the excuse." in page
        assert TITLE in get(server.url)[1].split("This week", 1)[1][:2000]
        assert publisher.builds == 1
        assert publisher.next_date is None  # nothing else is scheduled
        assert looked_again(publisher) and publisher.builds == 1  # no rebuild without a reason
        found = json.loads(get(f"{server.url}api/search?q={UNIQUE}")[1])
        assert found["total"] == 1 and found["hits"][0]["title"] == TITLE
    finally:
        publisher.stop()
        server.shutdown()
        server.server_close()


def looked_again(publisher: Publisher, times: int = 2, timeout: float = 60) -> bool:
    """Wait until the publisher has looked at the clock `times` more times (a look that
    never comes fails the test, where a sleep would have passed it)."""
    import time

    target = publisher.checks + times
    deadline = time.monotonic() + timeout
    while publisher.checks < target and time.monotonic() < deadline:
        time.sleep(0.02)
    return publisher.checks >= target
