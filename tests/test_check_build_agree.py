"""`check` and `build` agree (property test): on generated tips, the build publishes exactly
the due tips `check` finds no error in, and never fails because of a tip."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from site_corpus import REPO_ROOT, site_config

from tipbook.check import check_content
from tipbook.site import build_site
from tipbook.taxonomy import load_taxonomy

pytestmark = pytest.mark.slow

TODAY = dt.date(2024, 3, 1)
WORDS = st.sampled_from(["listen", "answer", "kindly", "customer", "promise", "warmly"])
# Each piece is something an editor writes, right or wrong: `check` decides which.
TITLES = st.sampled_from(["Be Kind", "Listen First", "TODO", "Note: this", "Call Back 2013"])
SUMMARIES = st.sampled_from(["A plain sentence.", "", "TODO: one or two plain sentences."])
THEMES = st.lists(st.sampled_from(["empathy", "apology", "temwork", "caring"]), max_size=2)
LINKS = st.sampled_from(
    [
        "",
        "See [the guide](../../pages/editors-guide.md).",
        "See [nothing](missing.md).",
        "See [home](/tips/2024/2024-01-02-tip-0/).",
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
    ]
)
TIP = st.fixed_dictionaries(
    {
        "title": TITLES,
        "summary": SUMMARIES,
        "themes": THEMES,
        "link": LINKS,
        "draft": st.booleans(),
        "weeks": st.integers(min_value=-10, max_value=3),  # from TODAY: past or scheduled
        "words": st.lists(WORDS, min_size=1, max_size=5),
    }
)


def tip_text(index: int, tip: dict, date: dt.date) -> str:
    themes = "".join(f"\n  - {theme}" for theme in tip["themes"]) or " []"
    summary = f"summary: {tip['summary']}\n" if tip["summary"] else ""
    return (
        f"---\ntitle: {tip['title']} {index}\ndate: {date.isoformat()}\nslug: tip-{index}\n"
        f"themes:{themes}\n{summary}{'draft: true' + chr(10) if tip['draft'] else ''}---\n\n"
        f"{' '.join(tip['words'])}.\n\n{tip['link']}\n"
    )


@settings(
    max_examples=6,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a build per example: no shrinking
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(tips=st.lists(TIP, min_size=1, max_size=6))
def test_build_publishes_exactly_what_check_passes(
    tips: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIPBOOK_TODAY", TODAY.isoformat())
    root = Path(tempfile.mkdtemp(prefix="tipbook-agree-"))
    try:
        content = root / "content"
        (content / "pages").mkdir(parents=True)
        shutil.copy(REPO_ROOT / "content" / "themes.yml", content / "themes.yml")
        shutil.copy(
            REPO_ROOT / "content" / "pages" / "editors-guide.md",
            content / "pages" / "editors-guide.md",
        )
        expected = set()
        files = {}
        for index, tip in enumerate(tips):
            date = dt.date(2024, 1, 2) + dt.timedelta(weeks=index)
            date = date if tip["weeks"] <= 0 else TODAY + dt.timedelta(weeks=tip["weeks"])
            path = content / "tips" / str(date.year) / f"{date.isoformat()}-tip-{index}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(tip_text(index, tip, date))
            files[path] = tip
        config = site_config(root)
        report = check_content(content, load_taxonomy(content / "themes.yml"), today=TODAY)
        failing = {Path(p.path).name for p in report.errors}
        for path, tip in files.items():
            due = not tip["draft"] and path.name[:10] <= TODAY.isoformat()
            if due and path.name not in failing:
                expected.add(path.stem)
        result = build_site(config)  # never raises because of a tip
        built = {page.parent.name for page in config.site_dir.glob("tips/*/*/index.html")}
        assert built == expected
        withheld = {Path(w.shown).name for w in result.held_back.withheld}
        due_failing = {
            p.name
            for p, tip in files.items()
            if not tip["draft"] and p.name[:10] <= TODAY.isoformat() and p.name in failing
        }
        # A file whose front matter cannot be read is held back whatever it says (draft?).
        unreadable = {Path(p.path).name for p in report.errors if p.rule == "front-matter"}
        assert withheld == due_failing | unreadable
    finally:
        shutil.rmtree(root, ignore_errors=True)
