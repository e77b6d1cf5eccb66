"""Writes that never leave a half-written or clobbered file behind.

Both helpers write a temporary file in the target's own folder (so the final
step is a same-filesystem rename or link), fsync it, then publish it in one
step. A process killed at any moment leaves the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _write_temp(folder: Path, data: bytes, prefix: str) -> Path:
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
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
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path.parent, text.encode("utf-8"), f".{path.name}.")
    try:
        os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def replace(path: Path, data: str | bytes) -> None:
    """Atomically replace (or create) `path` with `data`, keeping its mode."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path.parent, raw, f".{path.name}.")
    try:
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
