"""Why a cache in `.postmortem-cache/` can be trusted: it was written here, by this user.

A cache file lives in the knowledge base's folder, where anyone who can
commit (or a CI cache restored from a pull request) can plant one: a
`lint.json` that says "no findings" for a file holding a secret, or
settings that switch a rule off. Two things make planting useless:

- every cache document carries an HMAC made with a key that never lives in
  the repository: it is created once per user, readable by that user
  only, in the user's cache folder ($XDG_CACHE_HOME or ~/.cache). A
  document whose MAC does not verify is ignored, as if there were none;
- a cache folder that git tracks is refused outright, with a message: a
  committed cache is shared, and shared is not what a cache is.

Without a usable key (a read-only home), nothing is cached: slower, never wrong.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from pathlib import Path

KEY_BYTES = 32


def _key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "postmortem-kb" / "cache.key"


@functools.lru_cache(maxsize=1)
def _key() -> bytes | None:
    path = _key_path()
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES and (path.stat().st_mode & 0o077) == 0:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(KEY_BYTES)
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        os.replace(temp, path)
        return key
    except OSError:
        return None


def sign(payload: bytes) -> str | None:
    """The MAC of a cache document's payload, or None when there is no key (then cache nothing)."""
    key = _key()
    if key is None:
        return None
    return hmac.new(key, payload, hashlib.blake2b).hexdigest()


def verify(payload: bytes, mac: object) -> bool:
    expected = sign(payload)
    return expected is not None and isinstance(mac, str) and hmac.compare_digest(expected, mac)


@functools.lru_cache(maxsize=8)
def tracked_by_git(folder: Path) -> bool:
    """Whether git tracks any file in `folder` (False where git or a repository is missing)."""
    import subprocess  # here: start-up of commands that find no cache to check need not pay for it

    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--", folder.name], cwd=folder.parent, capture_output=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and bool(result.stdout.strip(b"\0"))


def tracked_message(folder: Path) -> str:
    return (f"{folder} is tracked by git, so its contents could come from anyone who can commit; it is ignored. "
            f"Untrack it (`git rm -r --cached {folder.name}`) and add it to .gitignore")
