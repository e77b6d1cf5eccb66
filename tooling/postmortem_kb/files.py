"""The file policy: which files the knowledge base may read and write.

Only regular files whose real path is inside the postmortems folder. A
symlink that leads out of it (`ln -s ../.git/config postmortems/x.md`)
would publish the target on the site and let a writer (`timeline import`)
write through it; a FIFO would hang every reader; a device or socket is
never a postmortem. Such a file is refused with a reason, before it is
opened, and opened files are checked again on the descriptor (`fstat`), so
swapping a file for a FIFO between the check and the read gains nothing.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class RefusedFile(Exception):
    """A file the policy refuses; the message says why and what to do."""


def real_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, symlinks resolved, lies inside `folder` (symlinks resolved)."""
    # os.path.realpath never raises on a symlink loop (Path.resolve does).
    return _inside(os.path.realpath(path), os.path.realpath(folder))


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def policy_problem(path: Path, folder: Path, real_dirs: dict[str, str] | None = None) -> str | None:
    """Why `path` may not be read or written as a postmortem in `folder`, or None.

    `real_dirs` keeps the real paths of folders across one pass over many
    files: a file that is not a symlink, in a folder already resolved, then
    costs one `lstat` instead of one per component of its path.
    """
    if real_dirs is not None and path.name not in ("", ".", ".."):
        try:
            info = os.lstat(path)
        except OSError:
            info = None  # the full check below says why
        if info is not None and not stat.S_ISLNK(info.st_mode):
            parent, root = str(path.parent), str(folder)
            for name in (parent, root):
                if name not in real_dirs:
                    real_dirs[name] = os.path.realpath(name)
            if _inside(os.path.join(real_dirs[parent], path.name), real_dirs[root]):
                return None if stat.S_ISREG(info.st_mode) else _not_regular(info.st_mode)
    if not real_inside(path, folder):
        if path.is_symlink():
            return ("this symlink points outside the postmortems folder and is refused (it could publish or "
                    "overwrite any file); copy the file in instead")
        return "this file is outside the postmortems folder"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "this symlink loops back on itself; remove it"
        if path.is_symlink():
            return "this symlink points to a file that does not exist; remove it"
        return None  # missing or unreadable: the reader says so with its own message
    return None if stat.S_ISREG(mode) else _not_regular(mode)


def _not_regular(mode: int) -> str:
    return f"this is a {_kind(mode)}, not a regular file; only regular markdown files are postmortems"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special file"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, at most `limit` + 1 of them; RefusedFile for anything else.

    O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"this is a {_kind(info.st_mode)}, not a regular file; only regular markdown files "
                              "are postmortems")
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def listed_files(folder: Path, suffix: str = ".md") -> list[Path]:
    """Files ending in `suffix` under `folder`, without following symlinked folders."""
    found: list[Path] = []
    if not folder.is_dir():
        return found
    for current, folders, names in os.walk(folder, followlinks=False):
        # Hidden and underscore folders are not part of the knowledge base (.git, _drafts).
        folders[:] = sorted(name for name in folders if not name.startswith((".", "_")))
        for name in names:
            if name.endswith(suffix) and not name.startswith((".", "_")):
                found.append(Path(current) / name)
    return sorted(found)
