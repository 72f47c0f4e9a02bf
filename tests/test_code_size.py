"""No class in the packages over 250 lines, no function over 80: read from the source (AST).

`ALLOWED` lists the units over the limits today, each with its length then, while their
owners split them: it may only shrink. A unit that grows past its recorded length fails, and
so does an entry that is no longer needed (remove it when its unit is split).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGES = ("tipbook", "search", "scraper")
MAX_CLASS_LINES = 250
MAX_FUNCTION_LINES = 80

# "path:qualified name" → lines today, for a unit being split: empty now, and a unit over
# the limits has to be split before it is merged.
ALLOWED: dict[str, int] = {}


def oversized(root: Path) -> dict[str, int]:
    """Every class over `MAX_CLASS_LINES` and function over `MAX_FUNCTION_LINES` lines."""
    found: dict[str, int] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            _walk(tree, path.relative_to(root).as_posix(), "", found)
    return found


def _walk(node: ast.AST, path: str, prefix: str, found: dict[str, int]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{child.name}"
            lines = (child.end_lineno or child.lineno) - child.lineno + 1
            limit = MAX_CLASS_LINES if isinstance(child, ast.ClassDef) else MAX_FUNCTION_LINES
            if lines > limit:
                found[f"{path}:{name}"] = lines
            _walk(child, path, f"{name}.", found)
        else:
            _walk(child, path, prefix, found)


def test_no_class_or_function_is_over_its_limit(repo_root: Path) -> None:
    found = oversized(repo_root)
    new = {unit: n for unit, n in found.items() if unit not in ALLOWED}
    assert not new, f"over {MAX_CLASS_LINES} lines (class) or {MAX_FUNCTION_LINES} (function)"
    grown = {unit: n for unit, n in found.items() if unit in ALLOWED and n > ALLOWED[unit]}
    assert not grown, f"grew past the length the allowlist records: {grown}"


def test_the_allowlist_only_shrinks(repo_root: Path) -> None:
    found = oversized(repo_root)
    stale = sorted(unit for unit in ALLOWED if unit not in found)
    assert not stale, f"now within the limits: remove from ALLOWED: {stale}"


def test_the_measure_finds_an_oversized_function(tmp_path: Path) -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "tipbook").mkdir()
    (tmp_path / "tipbook" / "big.py").write_text(f"class A:\n    def f(self):\n{body}\n")
    for package in PACKAGES[1:]:
        (tmp_path / package).mkdir()
    assert oversized(tmp_path) == {"tipbook/big.py:A.f": MAX_FUNCTION_LINES + 1}
