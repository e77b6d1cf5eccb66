"""An exclusive lock per file, around a read-modify-write of that file.

Two `postmortem timeline import` runs into one postmortem must both land:
each reads the file, merges its rows and writes the file back, so the second
must read what the first wrote. The lock is `flock` on a lock file beside
the target, `.<name>.lock` (a dot-file, which the loader and `git status`
with the usual ignores pass over). The kernel drops an `flock` when its
holder exits, however it exits, so a killed import never leaves a lock that
blocks the next one.

The lock file is removed on release, so the folder does not fill with them.
That opens one race, handled here: a waiter may get the lock on a file that
its holder has just unlinked, while a third process creates a new lock file
at the same name. So after taking the lock a process checks that the file it
holds is still the one at the path, and starts over if it is not.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows: no flock; callers keep their own compare-before-write check.
    fcntl = None  # type: ignore[assignment]

# Long enough for any real merge (a merge takes milliseconds), short enough
# that a stuck process is reported rather than waited on forever.
DEFAULT_TIMEOUT = 30.0
_POLL = 0.02


class LockTimeout(Exception):
    """The lock was held by another process for longer than the timeout."""

    def __init__(self, lock_path: Path, timeout: float):
        self.lock_path = lock_path
        self.timeout = timeout
        super().__init__(f"{lock_path}: still locked by another process after {timeout:g} s")


def lock_path_for(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


@contextmanager
def exclusive_lock(target: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Path]:
    """Hold the lock of `target` for the `with` block; raise LockTimeout after `timeout` seconds."""
    lock_path = lock_path_for(target)
    if fcntl is None:
        yield lock_path
        return
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout(lock_path, timeout) from None
                    time.sleep(_POLL)
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, lock_path):
            break
        os.close(fd)  # we locked a file its holder had already removed; take the new one
    try:
        yield lock_path
    finally:
        # Unlink while still holding it: whoever opens the name next gets a
        # new file, and whoever already waits on this one will see it is gone.
        try:
            os.unlink(lock_path)
        except FileNotFoundError:
            pass
        os.close(fd)  # closing the last descriptor releases the flock
