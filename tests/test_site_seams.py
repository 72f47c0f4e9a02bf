"""The MkDocs seam: every MkDocs or Material internal tipbook relies on is in
`tipbook/site/speedups.py` or listed in its `ELSEWHERE`, beside `KNOWN_GOOD`; the copies
of Material's templates are the installed Material's plus tipbook's marked changes."""

from __future__ import annotations

import difflib
import re
from importlib import resources
from pathlib import Path

import pytest
from site_corpus import REPO_ROOT

from tipbook.site import speedups

SEAM = "tipbook/site/speedups.py"
# How a use of a MkDocs or Material internal shows in tipbook's code and templates.
MARKERS = (
    "error_handler",
    "RequestHandlerClass",
    "__config",
    "_populate_page",
    "_build_page",
    "search_index.entries",
    "env.cache",
    ".render = ",
)
SCANNED = ("tipbook/**/*.py", "search/**/*.py", "scraper/**/*.py", "overrides/**/*.*")
MATERIAL = resources.files("material") / "templates"
_HEADER = re.compile(r"\A\{#-.*?-#\}\n", re.DOTALL)


def test_each_listed_internal_is_where_the_list_says() -> None:
    for path, marker, _what, _check in speedups.ELSEWHERE:
        assert marker in (REPO_ROOT / path).read_text(encoding="utf-8"), (path, marker)


def test_no_other_file_uses_a_mkdocs_or_material_internal() -> None:
    listed = {path for path, *_ in speedups.ELSEWHERE} | {SEAM}
    found = {
        (path.relative_to(REPO_ROOT).as_posix(), marker)
        for pattern in SCANNED
        for path in REPO_ROOT.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
        for marker in MARKERS
        if marker in path.read_text(encoding="utf-8", errors="replace")
    }
    assert found, "the scan found nothing: the markers or the paths are wrong"
    assert sorted(hit for hit in found if hit[0] not in listed) == []


@pytest.mark.parametrize("name", ["partials/search.html", "partials/tags.html"])
def test_copied_partials_are_materials_plus_marked_changes(name: str) -> None:
    """A Material release that changes a partial tipbook copied fails here, not silently on
    the site: every line that differs from the installed Material's is marked `tipbook:`."""
    ours = _HEADER.sub("", (REPO_ROOT / "overrides" / name).read_text(encoding="utf-8"))
    theirs = _HEADER.sub("", (MATERIAL / name).read_text(encoding="utf-8"))
    ours_lines, theirs_lines = ours.splitlines(), theirs.splitlines()
    matcher = difflib.SequenceMatcher(a=theirs_lines, b=ours_lines, autojunk=False)
    unmarked = [
        (theirs_lines[i1:i2], ours_lines[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal" and not all("tipbook:" in line for line in ours_lines[j1:j2] or [""])
    ]
    assert unmarked == []


def test_materials_script_config_still_names_the_search_worker() -> None:
    """overrides/main.html rewrites the `search` entry of Material's `__config`."""
    base = (MATERIAL / "base.html").read_text(encoding="utf-8")
    assert 'id="__config"' in base
    assert re.search(r'"search":\s*"assets/javascripts/workers/search', base), "no worker entry"
    assert "{% block config %}" in base


def test_the_seam_is_named_the_one_place_in_readme_and_architecture() -> None:
    for doc in ("README.md", "ARCHITECTURE.md"):
        text = (REPO_ROOT / doc).read_text(encoding="utf-8")
        places = re.findall(r"the one place[^.]*?`([^`]+)`", text, re.IGNORECASE)
        assert places and set(places) == {SEAM}, (doc, places)


def test_the_listing_sits_beside_the_version_bounds() -> None:
    source = Path(speedups.__file__).read_text(encoding="utf-8")
    assert source.index("ELSEWHERE:") < source.index("def active(")
    assert source.index("KNOWN_GOOD:") < source.index("def active(")
