"""Publishing a build whole or not at all.

A build writes into a hidden staging folder beside the site folder (same parent, so the
same file system), e.g. `.site.building-k3j9x/`, and only a finished build is swapped in:

- On Linux, `renameat2(RENAME_EXCHANGE)` swaps the two folders in one step: at every
  instant `site/` is either the whole old site or the whole new one (a server resolving
  paths below `site/` never meets a gap). The old site then sits at the staging name and
  is deleted by a detached process, so the build does not wait for it.
- Elsewhere (or on a file system without it), two renames: old away, new in. Between them
  `site/` is missing for microseconds; `tipbook serve` waits that out (see server.py).

Either way, a build that fails, is interrupted or killed (any of its processes) leaves the
site as it was. Each staging folder is locked (`flock`) by the build writing it, and by its
worker process, which inherits the lock; the next build deletes every staging folder whose
lock nobody holds. Hidden entries of the old site (a `.git` of a deployment checkout, say)
are kept, as MkDocs keeps them when it cleans its site folder.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tipbook.errors import TipbookError, display_path

STAGING = ".building-"  # `.{site name}.building-XXXX`: a build in progress, or a leftover
WORKER_RESULT_PREFIX = ".tipbook-worker-"  # the worker's report, inside the staging folder
_LEGACY_TRASH = ".tipbook-old-"  # older tipbooks emptied the site into this, in place
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_PR_SET_PDEATHSIG = 1


def staging_prefix(site_dir: Path) -> str:
    return f".{site_dir.name}{STAGING}"


@contextmanager
def staging_dir(site_dir: Path) -> Iterator[Path]:
    """A new, locked, empty staging folder beside `site_dir`, removed on the way out
    unless it was published (then it holds the old site, removed the same way)."""
    parent = site_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=staging_prefix(site_dir), dir=parent))
        # mkdtemp makes the folder private (0700): published so, a web server running as
        # another user could read none of the site. It gets the old site's mode for the
        # group and others, or the one a plain `mkdir` would give it (the build's owner
        # keeps every right: it writes the folder, and a later build deletes it).
        os.chmod(path, _site_mode(site_dir) | stat.S_IRWXU)
    except OSError as error:
        raise TipbookError(
            f"cannot create a build folder in {display_path(parent)} "
            f"({error.strerror or error}): check that folder's permissions and free space"
        ) from None
    lock = _lock(path)
    try:
        yield path
    finally:
        if lock is not None:
            os.close(lock)
        if path.exists():
            delete_detached(path)


def _site_mode(site_dir: Path) -> int:
    """The permissions the site folder has (or, new, would have from `mkdir`)."""
    try:
        return stat.S_IMODE(os.stat(site_dir).st_mode)
    except OSError:
        umask = os.umask(0o22)
        os.umask(umask)
        return 0o777 & ~umask


def _lock(path: Path) -> int | None:
    """Hold an exclusive `flock` on the folder `path` for as long as the descriptor lives
    (forked processes share it); None where there are no such locks."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # a file system without locks: the build still works, unguarded
        os.close(fd)
        return None
    return fd


def _is_locked(path: Path) -> bool:
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True  # cannot tell: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases the lock just taken
    return False


def clean_leftovers(site_dir: Path) -> list[Path]:
    """Delete staging folders no live build holds: those of killed or failed builds, and
    old sites whose deletion was cut short. Returns them."""
    prefix = staging_prefix(site_dir)
    try:
        entries = [e for e in os.scandir(site_dir.parent) if e.name.startswith(prefix)]
    except OSError:
        return []
    removed = []
    for entry in entries:
        path = Path(entry.path)
        if not entry.is_dir(follow_symlinks=False) or _is_locked(path):
            continue
        _rescue_hidden(path, site_dir)
        remove_tree(path)
        removed.append(path)
    return removed


def _rescue_hidden(leftover: Path, site_dir: Path) -> None:
    """Hidden entries a publish moved but did not finish with go back into the site."""
    if not site_dir.is_dir():
        return
    try:
        names = [n for n in os.listdir(leftover) if n.startswith(".")]
    except OSError:
        return
    for name in names:
        if name.startswith(WORKER_RESULT_PREFIX) or (site_dir / name).exists():
            continue
        with suppress(OSError):
            os.rename(leftover / name, site_dir / name)


def publish(staging: Path, site_dir: Path) -> None:
    """Make the finished build in `staging` the site; the old site (if any) ends up at
    `staging`'s name, for the caller to delete."""
    if not site_dir.exists() and not site_dir.is_symlink():
        os.rename(staging, site_dir)
        return
    for name in os.listdir(site_dir):
        if name.startswith(_LEGACY_TRASH):
            continue  # left by an older tipbook's interrupted build: goes with the old site
        if name.startswith(".") and not (staging / name).exists():
            os.rename(site_dir / name, staging / name)
    if exchange(staging, site_dir):
        return
    # No atomic exchange here: two renames, with `site/` missing for a moment between.
    aside = staging.with_name(staging.name + "-old")
    os.rename(site_dir, aside)
    try:
        os.rename(staging, site_dir)
    except OSError:
        os.rename(aside, site_dir)
        raise
    os.rename(aside, staging)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`); False when the
    system or file system cannot, so the caller falls back to plain renames."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # an old C library without the wrapper
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def remove_tree(path: Path) -> None:
    """Delete the folder `path` and all in it, even when it was made read-only: an old site
    whose folder was `chmod a-w` is still swapped out, and must not stay behind for good."""
    with suppress(OSError):
        os.chmod(path, stat.S_IRWXU)
    shutil.rmtree(path, ignore_errors=True)


_deleters: list[subprocess.Popen[bytes]] = []


def delete_detached(path: Path) -> None:
    """Delete the folder `path` in a separate process the caller does not wait for.

    A process, not a thread (a thread would fight the next build for the GIL), started
    fresh rather than forked (cheap, whatever the size of this process), in its own
    session with no inherited output (a caller reading our output does not wait for it).
    If it is killed, the next build's `clean_leftovers` finishes the job.
    """
    _deleters[:] = [p for p in _deleters if p.poll() is None]
    # `remove_tree`, without importing tipbook (a fresh interpreter starts in milliseconds).
    code = (
        "import os, shutil, sys\n"
        "try: os.chmod(sys.argv[1], 0o700)\n"
        "except OSError: pass\n"
        "shutil.rmtree(sys.argv[1], ignore_errors=True)"
    )
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", code, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        remove_tree(path)
        return
    _deleters.append(process)


def wait_for_deletions(timeout: float = 30.0) -> None:
    """Wait for the detached deletions this process started (tests, benchmarks)."""
    for process in _deleters:
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout)
    _deleters.clear()


def die_with_parent(parent: int) -> None:
    """In a forked worker: be killed when the parent process dies.

    Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)`. Checked once after that (the parent may
    have died before the call), and elsewhere by a thread polling the parent's pid.
    """
    import signal
    import threading
    import time

    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:
        os._exit(1)
    if armed:
        return

    def watch() -> None:
        while True:
            time.sleep(0.2)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def dies_with_parent(command: list[str]) -> list[str]:
    """`command` wrapped so that the program it runs is killed with the build (Pagefind);
    unchanged where it cannot be (a killed build then leaves the helper to finish its shard
    into a scratch folder nobody reads).

    Linux: util-linux's `setpriv --pdeathsig KILL` sets `PR_SET_PDEATHSIG` and then `exec`s
    the command (the signal survives `exec`). A wrapper program, not a `preexec_fn`: the
    helper is started from a thread, and Python documents `preexec_fn` as unsafe with
    threads (the child runs Python code between fork and exec, and can wait forever on a
    lock another thread held at the fork); without it, `subprocess` spawns the child by
    `vfork`/`posix_spawn`, which runs no Python code in it.
    """
    wrapper = _pdeathsig_wrapper()
    return [*wrapper, "--", *command] if wrapper else list(command)


@functools.cache
def _pdeathsig_wrapper() -> tuple[str, ...]:
    """`setpriv --pdeathsig KILL` where it exists and knows the option (util-linux 2.33+)."""
    if not sys.platform.startswith("linux"):
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return ()
    try:
        probe = subprocess.run(
            [setpriv, "--pdeathsig", "KILL", "--", "true"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return (setpriv, "--pdeathsig", "KILL") if probe.returncode == 0 else ()
