"""The one way tipbook reads YAML: the safe loader, with aliases refused.

Every YAML file tipbook reads goes through here: tip front matter (tipbook.content),
`themes.yml` (tipbook.taxonomy), `synonyms.yml` (tipbook.synonyms), `tipbook.yml`
(tipbook.config) and the front matter of hand-written pages (checked before MkDocs parses
it, tipbook.site.plugin). A file's fields never need an alias, and aliases make a few lines
stand for gigabytes: nested ones are the "billion laughs", and a flat list of aliases to one
long string took 1.2 GB and wrote a 287 MB search index. The safe loader shares the aliased
values, but whatever walks or prints them does not. As Ruby's `Psych.safe_load`, tipbook
refuses aliases.
"""

from __future__ import annotations

from typing import Any

import yaml

# Where each value of a YAML document is: its path (keys and list indexes from the top, as
# a schema's error `loc` names it) → its 1-based line.
Lines = dict[tuple[str | int, ...], int]

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML has it


class _StrictLoader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, refusing what it would otherwise let through unsaid: a key written
    twice in one mapping (PyYAML keeps the last one silently, so `check` would pass a file
    whose first value the editor sees) and an impossible date (`2026-02-30`, which PyYAML
    raises as a bare ValueError, not a YAML error with its line)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[tuple[str, str]] = set()
        for key, _value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if (key.tag, key.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        problem=f"`{key.value}` is written twice: keep one of the two lines",
                        problem_mark=key.start_mark,
                    )
                seen.add((key.tag, key.value))
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                problem=f"{node.value} is not a real date ({error}): write an existing day "
                "as YYYY-MM-DD",
                problem_mark=node.start_mark,
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)
SAFE_LOADER: Any = _StrictLoader


def refuse_aliases(text: str, loader: Any = SAFE_LOADER) -> None:
    """Raise a YAML error at the first alias (`*name`) in `text`."""
    if "*" not in text:
        return  # no alias can be there: the common case costs no scan
    for token in yaml.scan(text, Loader=loader):
        if isinstance(token, yaml.AliasToken):
            raise yaml.MarkedYAMLError(
                problem="`*` starts a YAML alias, which tipbook does not allow",
                problem_mark=token.start_mark,
            )


def load_yaml(text: str) -> Any:
    """The YAML document in `text` (safe types only); raises `yaml.YAMLError` for an alias."""
    refuse_aliases(text)
    return yaml.load(text, Loader=SAFE_LOADER)


def load_yaml_located(text: str, first_line: int = 1) -> tuple[Any, Lines]:
    """The YAML document in `text`, as `load_yaml` reads it, and the line of each of its
    values (a mapping's entries at their key's line, list items at their own), counted from
    `first_line` (front matter starts below the file's first line)."""
    refuse_aliases(text)
    loader = SAFE_LOADER(text)
    try:
        # What `yaml.load` does, in two steps so that the nodes (which know their lines)
        # are kept: compose, then construct.
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: Lines = {}
    if node is not None:
        _node_lines(node, (), first_line, lines)
    return data, lines


def _node_lines(node: Any, path: tuple[str | int, ...], first: int, lines: Lines) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            where = (*path, key.value if isinstance(key, yaml.ScalarNode) else str(key.value))
            lines.setdefault(where, key.start_mark.line + first)
            _node_lines(value, where, first, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + first
            _node_lines(item, (*path, index), first, lines)


def line_of(lines: Lines, where: tuple[str | int, ...], default: int = 0) -> int:
    """The line of the value at `where`, else of the nearest value that holds it."""
    for end in range(len(where), 0, -1):
        if where[:end] in lines:
            return lines[where[:end]]
    return default


def yaml_error_line(error: yaml.YAMLError) -> int:
    """The 1-based line a YAML error points at, 0 when it points nowhere."""
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark is not None else 0


def yaml_error_reason(error: yaml.YAMLError) -> str:
    """What a YAML error says, in one line (without PyYAML's `in "<unicode string>"`)."""
    problem = getattr(error, "problem", None)
    return str(problem) if problem else str(error).splitlines()[0]
