"""The tip files new or changed in git: an editor's own tips, which `check` lists first."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def changed_files(content_dir: Path) -> list[Path]:
    """Tip files new or changed against git (untracked, modified, staged, renamed), when
    `content_dir` is in a git work tree; [] otherwise or when git is not installed."""
    git = shutil.which("git")
    if git is None or not content_dir.is_dir():
        return []
    try:
        top = subprocess.run(
            [git, "rev-parse", "--show-toplevel"],
            cwd=content_dir,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        status = subprocess.run(
            [git, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."],
            cwd=content_dir,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []  # not a repository (or git failed): no tip counts as changed
    entries = status.split("\0")
    files: list[Path] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        code, name = entry[:2], entry[3:]
        if code[0] in "RC":
            index += 1  # a rename's second field is the old name
        if "D" in code and code[0] != "R":
            continue
        if name.endswith(".md"):
            files.append(Path(top) / name)
    return files
