"""Accessibility of the Zensical build: every test of tests/test_accessibility_browser.py,
run here on the site Zensical renders (the same floor for both engines). A module of its own
so that pytest-xdist (`--dist loadscope`) can run it beside the MkDocs one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_accessibility_browser import *  # noqa: F403  (the tests, collected here again)
from test_accessibility_browser import served_preview


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    yield from served_preview("zensical", tmp_path_factory)
