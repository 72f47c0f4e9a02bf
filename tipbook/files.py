"""Files written whole or not at all, and read only when they are ordinary files.

The core's one home for file writes: tips (`content`), the scraper's caches and state, and
the search index's pointers all go through `write_text_atomic` / `write_bytes_atomic`, so a
reader (or a killed writer) never sees a half-written file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

NOT_A_FILE = (
    "not an ordinary file (a named pipe, device or socket): a tip is a plain text file; remove it"
)


def read_file(path: Path) -> bytes:
    """The bytes of `path`, which must be an ordinary file. A named pipe (FIFO) named like a
    tip would block the read until something writes to it, that is forever, and a device
    could never end: both raise `OSError` naming what they are, before any read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, NOT_A_FILE)
        return handle.read()


def umask_mode(mode: int = 0o666) -> int:
    """`mode` as the process's umask lets `open` or `mkdir` create it (0o644 / 0o755 under
    the usual 022). `mkstemp` and `mkdtemp` create 0o600 / 0o700 instead: a file or site
    folder renamed into place keeps that, and a web server (another user) then cannot read
    it. Python 3.11 has no `os.getumask`: it is read by setting it back at once."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mode & ~mask


def write_text_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` via a temporary file and a rename; skip when unchanged.

    A reader (or a killed writer) never sees a half-written file, and an unchanged file keeps
    its bytes and its mtime. Returns True when the file was written.
    """
    data = text.encode("utf-8")
    try:
        if read_file(path) == data:
            return False
    except OSError:  # none yet (or no ordinary file: replaced below)
        pass
    write_bytes_atomic(path, data)
    return True


def write_bytes_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` via a temporary file in its folder and a rename.

    `durable` flushes the data to disk before the rename (content an editor may have
    waited for); caches and downloads that can be fetched again skip that cost.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, umask_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
