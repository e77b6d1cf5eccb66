"""Digests of what a finding was computed from: lint's cache compares them, rules record them."""

from __future__ import annotations

import hashlib
from pathlib import Path


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path) -> str | None:
    """The digest of a file's bytes, None when it cannot be read (gone, refused)."""
    from postmortem_kb.files import RefusedFile, read_regular
    from postmortem_kb.loader import MAX_FILE_BYTES

    try:
        return content_digest(read_regular(Path(path), MAX_FILE_BYTES))
    except (OSError, RefusedFile):
        return None
