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

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML has it


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


def yaml_error_line(error: yaml.YAMLError) -> int:
    """The 1-based line a YAML error points at, 0 when it points nowhere."""
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark is not None else 0
