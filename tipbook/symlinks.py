"""Only `content/` is published: symbolic links that leave it, loop, or lead nowhere.

MkDocs copies every file below its docs folder and follows symbolic links as it walks
(`os.walk(followlinks=True)`): a link to `/etc` publishes `/etc`, and a link to a parent
folder makes it walk forever. So before MkDocs walks, and in `tipbook check`, the content
folder is walked here the same way, except that no link is followed before it is judged:
a link whose target is outside the content folder, a link back into a folder it sits in
(directly or through other links), and a broken link are each one problem naming the link.
So is anything that is neither a folder nor an ordinary file (a named pipe, a device, a
socket), linked or not: reading one would block the build, or never end.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from tipbook import rules
from tipbook.errors import ContentError, Problem, display_path

NOT_A_FILE = (
    "not an ordinary file (a named pipe, device or socket): only folders and files are "
    "published; remove it"
)


def symlink_problems(content_dir: Path) -> list[Problem]:
    """Every symbolic link below `content_dir` that would publish something it must not."""
    return sorted(refused_links(content_dir).values())


def refused_links(content_dir: Path) -> dict[Path, Problem]:
    """The links `symlink_problems` reports, by where each really is (its folder resolved)."""
    root = content_dir.resolve()
    problems: dict[Path, Problem] = {}
    shown_root = display_path(content_dir)
    # (folder as reached, its real path, the real paths of the folders it is reached through)
    todo: list[tuple[Path, Path, frozenset[Path]]] = [(content_dir, root, frozenset([root]))]
    while todo:
        folder, real, above = todo.pop()
        try:
            # In name order (walked depth first, in that order too): the same link of a
            # loop of several is named every time.
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError:
            continue  # unreadable: MkDocs reports it when it gets there
        for entry in entries:
            if not entry.is_symlink():  # the common case: no stat, no path object
                if entry.is_dir(follow_symlinks=False):
                    inner = real / entry.name
                    todo.append((Path(entry.path), inner, above | {inner}))
                elif not entry.is_file(follow_symlinks=False):
                    shown = os.path.join(display_path(real), entry.name)
                    special = rules.SPECIAL_FILE.problem(shown, 0, "", NOT_A_FILE)
                    problems[real / entry.name] = special
                continue
            path = Path(entry.path)
            link = real / entry.name  # where the link really is, however it was reached
            if link in problems:
                continue
            message = _judge(path, root, above, shown_root)
            if isinstance(message, str):
                # Named as a link (the link's folder resolved, not the link itself).
                shown = os.path.join(display_path(real), entry.name)
                problems[link] = rules.REFUSED_LINK.problem(shown, 0, "", message)
            elif message is not None:
                todo.append((path, message, above | {message}))
    return problems


def _judge(path: Path, root: Path, above: frozenset[Path], shown_root: str) -> str | Path | None:
    """A problem with the link at `path`; else the real folder to walk into (None: a file)."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return f"a symbolic link to {os.readlink(path)!r}, which does not exist: remove it"
    except RuntimeError:  # Python 3.11-3.12 report a loop so
        return _loop(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return _loop(path)
        return f"a symbolic link that cannot be followed ({error.strerror}): remove it"
    if target != root and root not in target.parents:
        return (
            f"a symbolic link to {target}, outside {shown_root}/: only files inside "
            f"{shown_root}/ are published; copy what you need into it and remove the link"
        )
    if not target.is_dir():
        return None if target.is_file() else f"a symbolic link to {target}: {NOT_A_FILE}"
    if target in above:
        return _loop(path)
    return target


def _loop(path: Path) -> str:
    return (
        f"a symbolic link that loops back on itself (to {os.readlink(path)!r}): "
        "it is never followed; remove it"
    )


def check_content_links(content_dir: Path) -> None:
    """Raise one `ContentError` naming every bad symbolic link below `content_dir`."""
    problems = symlink_problems(content_dir)
    if problems:
        raise ContentError(problems)
