"""The knowledge base: a config plus every postmortem under `postmortems/`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from postmortem_kb.config import KBConfig, find_root, load_config
from postmortem_kb.files import listed_files, policy_problem, real_inside
from postmortem_kb.model import ERROR, Diagnostic, Postmortem

# Files in postmortems/ that document the folder rather than an incident.
NOT_POSTMORTEMS = {"readme.md", "index.md"}
# Images and files a postmortem links to (`postmortem import` copies them here).
ASSETS_FOLDER = "assets"


@dataclass
class KnowledgeBase:
    config: KBConfig
    postmortems: list[Postmortem] = field(default_factory=list)
    # Problems with the collection itself (duplicate ids, refused links).
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.config.root

    def by_id(self) -> dict[str, Postmortem]:
        return {pm.id: pm for pm in self.postmortems}

    @property
    def loaded(self) -> list[Postmortem]:
        """The postmortems whose front matter could be read, newest first."""
        return sort_newest_first([pm for pm in self.postmortems if not pm.failed])

    @property
    def failed(self) -> list[Postmortem]:
        return [pm for pm in self.postmortems if pm.failed]

    def load_errors(self) -> list[Diagnostic]:
        errors = [d for pm in self.failed for d in pm.diagnostics if d.severity == ERROR]
        return errors + [d for d in self.diagnostics if d.severity == ERROR]


def sort_newest_first(postmortems: list[Postmortem]) -> list[Postmortem]:
    # Undated postmortems sort last, by id, so the order is stable.
    return sorted(postmortems, key=lambda pm: (pm.date is not None, pm.date or 0, pm.id), reverse=True)


def display_path(path: Path) -> str:
    """A path as a person at the terminal would type it: relative when possible."""
    try:
        return os.path.relpath(path).replace(os.sep, "/") if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()


def postmortem_files(folder: Path) -> list[Path]:
    """The markdown files of the knowledge base (assets and hidden folders left out)."""
    return [
        path for path in listed_files(folder)
        if path.name.lower() not in NOT_POSTMORTEMS and path.relative_to(folder).parts[0] != ASSETS_FOLDER
    ]


def inside(path: Path, root: Path) -> bool:
    return real_inside(path, root)


def refusal_rule(path: Path) -> str:
    return "load-symlink" if path.is_symlink() else "load-refused"


def find_postmortem(config: KBConfig, wanted: str) -> Path | None:
    """The file of a postmortem id (its file name without .md), or None."""
    wanted = wanted.strip()
    if wanted.endswith(".md"):
        wanted = Path(wanted).name[:-3]
    for path in postmortem_files(config.postmortems_dir):
        if path.stem == wanted:
            return path
    return None


def load_one(path: Path, config: KBConfig) -> Postmortem:
    """One file, under the file policy, as `load_knowledge_base` would load it."""
    from postmortem_kb.loader import load_postmortem

    shown = display_path(path)
    problem = policy_problem(path, config.postmortems_dir)
    if problem is not None:
        pm = Postmortem(path=path, id=path.stem, failed=True)
        pm.diagnostics.append(Diagnostic(shown, 1, refusal_rule(path), ERROR, problem))
        return pm
    return load_postmortem(path, config, shown)


def check_collection(paths: list[Path], config: KBConfig) -> Iterator[tuple[Path, str, list[Diagnostic], bool]]:
    """(path, shown path, collection diagnostics, refused) for each file, before anything is loaded.

    What a file's neighbours decide (a duplicate id) or where it points (a
    symlink out of the knowledge base) needs no parsing; lint's cache relies
    on that to make these checks on every run.
    """
    seen: dict[str, str] = {}
    real_dirs: dict[str, str] = {}
    for path in paths:
        shown = display_path(path)
        problem = policy_problem(path, config.postmortems_dir, real_dirs)
        if problem is not None:
            yield path, shown, [Diagnostic(shown, 1, refusal_rule(path), ERROR, problem)], True
            continue
        found = []
        postmortem_id = path.stem  # the id, as the loader gives it
        if postmortem_id in seen:
            found.append(Diagnostic(
                shown, 1, "duplicate-id", ERROR,
                f"id '{postmortem_id}' is also used by {seen[postmortem_id]}; ids (file names) must be unique",
            ))
        seen.setdefault(postmortem_id, shown)
        yield path, shown, found, False


def iter_files(paths: list[Path], config: KBConfig,
               parse_bodies: bool = True) -> Iterator[tuple[Postmortem | None, list[Diagnostic]]]:
    """Load files one at a time: (postmortem or None if refused, collection diagnostics).

    Lint streams through this so that memory (and the garbage collector's
    work) stays flat however large the knowledge base is.
    """
    # Imported here: commands that only need paths (`new` prints one) then
    # start without markdown-it and python-frontmatter.
    from postmortem_kb.loader import load_postmortem

    for path, shown, found, refused in check_collection(paths, config):
        if refused:
            yield None, found
            continue
        yield load_postmortem(path, config, shown, parse_body=parse_bodies), found


def load_files(paths: list[Path], config: KBConfig,
               parse_bodies: bool = True) -> tuple[list[Postmortem], list[Diagnostic]]:
    postmortems: list[Postmortem] = []
    diagnostics: list[Diagnostic] = []
    for pm, found in iter_files(paths, config, parse_bodies):
        diagnostics.extend(found)
        if pm is not None:
            postmortems.append(pm)
    return postmortems, diagnostics


def load_knowledge_base(root: Path | None = None, config: KBConfig | None = None,
                        parse_bodies: bool = True) -> KnowledgeBase:
    """Every postmortem under the config's folder; `parse_bodies=False`: front matter only (see loader)."""
    if config is None:
        config = load_config(find_root(root))
    postmortems, diagnostics = load_files(postmortem_files(config.postmortems_dir), config, parse_bodies)
    return KnowledgeBase(config=config, postmortems=postmortems, diagnostics=diagnostics)
