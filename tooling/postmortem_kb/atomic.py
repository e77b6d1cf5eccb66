"""Writes that never leave a half-written or clobbered file behind.

Both helpers write a temporary file in the target's own folder (so the final
step is a same-filesystem rename or link), fsync it, then publish it in one
step. A process killed at any moment leaves the old file or the new one.

A kill can leave the temporary file, `.<name>.<random>.tmp`, behind: a
dot-file with no `.md` suffix, so no face ever reads it as a postmortem.
The next `create_new` of the same name (or a `replace` asked to) removes
such leftovers once they are old enough that no live writer can own them.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from pathlib import Path

# A live write takes milliseconds; a temp file this old belongs to a process
# that was killed.
STALE_TEMP_SECONDS = 600

# Tests set this to a number of seconds to pause halfway through writing the
# temporary file, so that a SIGKILL they send lands mid-write
# (tests/robustness/test_interrupted_writes.py). Unset, it costs nothing.
SLOW_WRITE_ENV = "POSTMORTEM_KB_TEST_SLOW_WRITE"


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temps(path: Path, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete temporary files that killed writers of `path` left behind; return them."""
    prefix, removed = _temp_prefix(path), []
    cutoff = time.time() - older_than
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")]
    except OSError:
        return removed
    for candidate in candidates:
        try:
            if candidate.stat().st_mtime < cutoff:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # gone already, or not ours to delete
    return removed


def _new_file_mode() -> int:
    # mkstemp creates 0600; a new postmortem should be as readable as any
    # file the author creates, i.e. 0666 less their umask.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_temp(folder: Path, data: bytes, prefix: str) -> Path:
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pause = float(os.environ.get(SLOW_WRITE_ENV) or 0)
            if pause > 0:
                half = len(data) // 2
                handle.write(data[:half])
                handle.flush()
                time.sleep(pause)
                data = data[half:]
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def create_new(path: Path, text: str) -> None:
    """Publish `text` at `path` only if nothing is there yet.

    `os.link` fails with FileExistsError when the name is taken, so two
    writers racing for one name cannot both win, and the winner's file is
    complete from the moment it appears.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        # A file where the folder should be: not "the name is taken", which
        # FileExistsError means to callers of this function.
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path.parent)) from None
    remove_stale_temps(path)
    temp = _write_temp(path.parent, text.encode("utf-8"), _temp_prefix(path))
    try:
        os.chmod(temp, _new_file_mode())
        os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def replace(path: Path, data: str | bytes, clean_stale: bool = False) -> None:
    """Atomically replace (or create) `path` with `data`, keeping its mode.

    `clean_stale` also removes temporary files that killed writers of `path`
    left; it lists the folder, so bulk writers (`generate`) leave it off.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    if clean_stale:
        remove_stale_temps(path)
    temp = _write_temp(path.parent, raw, _temp_prefix(path))
    try:
        os.chmod(temp, path.stat().st_mode & 0o7777 if path.exists() else _new_file_mode())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
