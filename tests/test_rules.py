"""tipbook/rules.py is the home of every rule: its id, level, gate, message and the one
function that checks it; every finding carries its rule's id."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from tipbook import rules
from tipbook.errors import Problem

PACKAGES = ("tipbook", "search", "scraper")


def _checker(pointer: str) -> object:
    module, _, name = pointer.partition(":")
    found: object = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    return found


def test_ids_are_unique_and_kebab_case() -> None:
    ids = [rule.id for rule in rules.ALL]
    assert len(ids) == len(set(ids)) == len(rules.BY_ID)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id) for rule_id in ids)


@pytest.mark.parametrize("rule", rules.ALL, ids=lambda rule: rule.id)
def test_each_rule_names_the_function_that_checks_it(rule: rules.Rule) -> None:
    """`checked_in` points at a function that makes this rule's findings."""
    name = next(n for n, value in vars(rules).items() if value is rule)
    source = inspect.getsource(_checker(rule.checked_in))  # type: ignore[arg-type]
    assert f"rules.{name}" in source, f"{rule.checked_in} does not check {rule.id}"


@pytest.mark.parametrize("rule", rules.ALL, ids=lambda rule: rule.id)
def test_a_rule_gates_as_its_level_says(rule: rules.Rule) -> None:
    """A warning never holds anything back."""
    assert rule.gate == "none" or rule.level == "error"


def test_a_templated_rule_words_its_own_message() -> None:
    problem = rules.LONG_SUMMARY.problem("a.md", 3, "summary", length=301, most=300)
    assert problem.rule == "long-summary"
    assert problem.message == "summary has 301 characters: keep it to 300 or fewer"
    with pytest.raises(TypeError):
        rules.LONG_SUMMARY.problem("a.md", 3, "summary", "a message of its own")
    with pytest.raises(TypeError):
        rules.FRONT_MATTER.problem("a.md", 3, "title")  # no template: a message is needed


def test_no_finding_is_made_without_a_rule(repo_root: Path) -> None:
    """Findings are made by `Rule.problem` only: no `Problem(...)` anywhere else, so every
    finding carries an id (three once did not)."""
    makers = []
    for package in PACKAGES:
        for path in sorted((repo_root / package).rglob("*.py")):
            if path.relative_to(repo_root).as_posix() == "tipbook/rules.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "Problem"
                ):
                    makers.append(f"{path.relative_to(repo_root)}:{node.lineno}")
    assert not makers


def test_a_finding_in_json_carries_its_rule_id() -> None:
    problem = rules.NOT_TUESDAY.problem("a.md", 3, "date", date="2024-01-04", weekday="Thursday")
    assert problem.to_dict()["rule"] == "not-tuesday"
    assert isinstance(problem, Problem)


def test_architecture_lists_every_rule_as_it_is(repo_root: Path) -> None:
    """ARCHITECTURE.md's rule table is `rules_table()`: a newcomer finds each rule there."""
    text = (repo_root / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert rules.rules_table() in text
