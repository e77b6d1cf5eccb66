"""The knowledge base between the rebuilds of a live preview: a file is read again only when it changed.

A file counts as unchanged while its size, inode and modification and
change times (in nanoseconds) are the same; any save changes them. The
checks `load_knowledge_base` makes on the collection (`kb.check_collection`:
a refused symlink or special file, a duplicate id) are asked again only for
files that changed and for ids that more than one file claims; an
unchanged file's answer stays what it was.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from postmortem_kb.config import KBConfig
from postmortem_kb.kb import KnowledgeBase, check_collection, postmortem_files
from postmortem_kb.loader import load_postmortem
from postmortem_kb.model import Diagnostic, Postmortem

Signature = tuple[int, int, int, int]


def _signature(path: Path) -> Signature | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


@dataclass
class _Known:
    signature: Signature | None
    shown: str
    found: list[Diagnostic]
    refused: bool
    postmortem: Postmortem | None = None


class ReloadingKnowledgeBase:
    def __init__(self, config: KBConfig, parse_bodies: bool = True):
        self.config = config
        self.parse_bodies = parse_bodies  # False: front matter only, bodies parsed later (`loader.read_body`)
        self._known: dict[Path, _Known] = {}

    def refresh(self) -> tuple[KnowledgeBase, set[str]]:
        """The knowledge base as the files are now, and the ids whose file was added, removed or changed."""
        paths = postmortem_files(self.config.postmortems_dir)
        signatures = {path: _signature(path) for path in paths}
        shared = {stem for stem, count in Counter(path.stem for path in paths).items() if count > 1}
        ask = [path for path in paths if path.stem in shared or not self._still(path, signatures[path])]
        asked = set(ask)  # a list's `in` made this quadratic: half a million path comparisons at 1,000 files
        known: dict[Path, _Known] = {path: self._known[path] for path in paths if path not in asked}
        changed = {path.stem for path in ask} | {path.stem for path in self._known.keys() - signatures.keys()}
        # In the files' own order, so that a duplicate id is reported on the same file as a full load does.
        for path, shown, found, refused in check_collection(ask, self.config):
            before = self._known.get(path)
            entry = _Known(signatures[path], shown, found, refused)
            if not refused:
                same = before is not None and before.postmortem is not None and before.signature == entry.signature \
                    and entry.signature is not None
                entry.postmortem = before.postmortem if same else load_postmortem(
                    path, self.config, shown, parse_body=self.parse_bodies)
            known[path] = entry
        self._known = {path: known[path] for path in paths}
        diagnostics = [d for entry in self._known.values() for d in entry.found]
        postmortems = [entry.postmortem for entry in self._known.values() if entry.postmortem is not None]
        return KnowledgeBase(config=self.config, postmortems=postmortems, diagnostics=diagnostics), changed

    def _still(self, path: Path, signature: Signature | None) -> bool:
        """Whether what was found for `path` last time holds now (the same file, its id claimed by it alone)."""
        known = self._known.get(path)
        return (known is not None and signature is not None and known.signature == signature
                and not any(d.rule == "duplicate-id" for d in known.found))
