"""The knowledge base between the rebuilds of a live preview: a file is read again only when it changed.

A file counts as unchanged while its size and modification and change
times (in nanoseconds) are the same; any save changes them. Which files
exist, and what their neighbours decide (a duplicate id, a refused
symlink), is checked on every refresh, as `load_knowledge_base` does.
"""

from __future__ import annotations

import os
from pathlib import Path

from postmortem_kb.config import KBConfig
from postmortem_kb.kb import KnowledgeBase, check_collection, postmortem_files
from postmortem_kb.loader import load_postmortem
from postmortem_kb.model import Postmortem

Signature = tuple[int, int, int, int]


def _signature(path: Path) -> Signature | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


class ReloadingKnowledgeBase:
    def __init__(self, config: KBConfig, parse_bodies: bool = True):
        self.config = config
        self.parse_bodies = parse_bodies  # False: front matter only, bodies parsed later (`loader.read_body`)
        self._files: dict[Path, tuple[Signature | None, Postmortem]] = {}

    def refresh(self) -> tuple[KnowledgeBase, set[str]]:
        """The knowledge base as the files are now, and the ids whose file was added, removed or changed."""
        files: dict[Path, tuple[Signature | None, Postmortem]] = {}
        postmortems, diagnostics, changed = [], [], set()
        paths = postmortem_files(self.config.postmortems_dir)
        for path, shown, found, refused in check_collection(paths, self.config):
            diagnostics.extend(found)
            if refused:
                changed.add(path.stem)
                continue
            signature = _signature(path)
            known = self._files.get(path)
            if known is not None and signature is not None and known[0] == signature:
                pm = known[1]
            else:
                pm = load_postmortem(path, self.config, shown, parse_body=self.parse_bodies)
                changed.add(pm.id)
            files[path] = (signature, pm)
            postmortems.append(pm)
        changed.update(path.stem for path in self._files.keys() - files.keys())
        self._files = files
        return KnowledgeBase(config=self.config, postmortems=postmortems, diagnostics=diagnostics), changed
