"""The preview's kept findings (`tipbook.check.VerdictCache`): after each edit, the gate's
findings with the cache are the findings of a judgement from scratch, for every file,
also when the edit of one tip changes what `check` says of another."""

from __future__ import annotations

from pathlib import Path

from site_corpus import TODAY, write_corpus

from tipbook.check import ParseCache, VerdictCache, judge_content
from tipbook.content import iter_tip_files
from tipbook.taxonomy import THEMES_FILE, load_taxonomy


def findings(content: Path, cache: ParseCache | None, verdicts: VerdictCache | None) -> dict:
    taxonomy = load_taxonomy(content / THEMES_FILE)
    judged = judge_content(content, taxonomy, "", TODAY, cache, verdicts)
    return {v.file.shown: sorted(map(str, v.problems)) for v in judged}


def test_kept_findings_equal_a_fresh_judgement(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_corpus(content)
    cache: ParseCache = {}
    verdicts = VerdictCache()
    assert findings(content, cache, verdicts) == findings(content, None, None)
    files = sorted(iter_tip_files(content))
    first, second = files[0], files[1]
    title = next(line for line in second.read_text().splitlines() if line.startswith("title:"))

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edits = [
        (first, "\n\n", "\n\nA new paragraph, nothing else.\n\n"),  # this file only
        (first, "title: ", f"{title}\nx-old-title: "),  # the other file's finding changes
        (first, "slug: ", "slug: Not A Slug "),  # a refused slug leaves the slug index
    ]
    for number, (path, old, new) in enumerate(edits):
        edit(path, old, new)
        kept = findings(content, cache, verdicts)
        assert kept == findings(content, None, None)
        of_second = next(lines for shown, lines in kept.items() if shown.endswith(second.name))
        # The title edit of `first` gave `second` a finding, though `second` is unchanged.
        assert any("title repeats" in line for line in of_second) == (number >= 1)
