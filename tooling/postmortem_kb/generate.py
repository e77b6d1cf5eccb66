"""`postmortem generate`: the site's pages written to disk, for builders without our plugin.

The output folder is a complete MkDocs project: OUT/mkdocs.yml (the site's
own config without the plugin, see `site.mkdocs_variant`) and OUT/docs/ with
the hand-written pages (the latest-postmortems marker filled in, as the
plugin does) plus every page `render_site` makes. A plain `mkdocs build -f
OUT/mkdocs.yml`, or any builder that reads mkdocs.yml, builds the same site.

The folder is ours only if it carries our marker file, which lists every
file we wrote. A non-empty folder without it is refused (unless --force), a
file there that we did not write is never replaced (unless --force), and
files we wrote before that are no longer generated (a deleted postmortem's
page) are removed; nothing else is. Every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from postmortem_kb import atomic
from postmortem_kb.kb import KnowledgeBase
from postmortem_kb.model import Diagnostic

MARKER = ".postmortem-kb-generated.json"
DOCS = "docs"
CONFIG = "mkdocs.yml"


class GenerateError(Exception):
    """Generation refused; `usage` tells a bad request (exit 2) from a problem found (exit 1)."""

    def __init__(self, message: str, usage: bool = False, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.usage = usage
        self.diagnostics = diagnostics or []


@dataclass
class GenerateResult:
    out: Path
    written: list[str] = field(default_factory=list)  # files whose content changed
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    load_errors: list[Diagnostic] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return sorted(self.written + self.unchanged)

    def as_dict(self) -> dict:
        return {
            "out": str(self.out),
            "config": str(self.out / CONFIG),
            "written": self.written,
            "unchanged": len(self.unchanged),
            "removed": self.removed,
            "files": len(self.files),
            "load_errors": [d.as_dict() for d in self.load_errors],
        }


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _hand_written_docs(docs_dir: Path) -> dict[str, bytes]:
    """The site's own pages and assets, as MkDocs would pick them up (no dot-files, no templates/)."""
    found: dict[str, bytes] = {}
    if not docs_dir.is_dir():
        return found
    for path in sorted(docs_dir.rglob("*")):
        relative = path.relative_to(docs_dir).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in relative.split("/")):
            continue
        if relative.startswith("templates/"):
            continue
        found[relative] = path.read_bytes()
    return found


def _previous_files(out: Path) -> set[str] | None:
    """What we wrote last time, or None when the folder is not ours."""
    marker = out / MARKER
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return {str(name) for name in data.get("files", [])}
    except (OSError, ValueError, AttributeError):
        return set()


def plan_files(kb: KnowledgeBase, out: Path, on_load_error: str = "fail",
               today: dt.date | None = None, variant: str = "plain") -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every file of the output folder, by path relative to it, as bytes.

    `variant` picks the mkdocs.yml: "plain" for MkDocs, Zensical or
    ProperDocs, "techdocs" for Backstage TechDocs (see site.mkdocs_variant).
    """
    from postmortem_kb.site.indexes import fill_latest
    from postmortem_kb.site.mkdocs_variant import (
        MkDocsConfigError,
        dump_config,
        read_mkdocs_config,
        variant_for,
    )
    from postmortem_kb.site.site_render import render_site

    errors = kb.load_errors()
    if errors and on_load_error == "fail":
        raise GenerateError(
            f"{len(errors)} postmortem file(s) could not be loaded, so the site would be missing them; "
            "fix them, or pass --on-load-error warn to list them on a page instead", diagnostics=errors,
        )
    mkdocs_path = kb.root / CONFIG
    try:
        original = read_mkdocs_config(mkdocs_path)
    except MkDocsConfigError as exc:
        raise GenerateError(str(exc), usage=True) from exc
    docs_dir = (kb.root / str(original.get("docs_dir", "docs"))).resolve()
    for folder, what in ((docs_dir, "the docs folder"), (kb.config.postmortems_dir, "the postmortems folder")):
        if _inside(out, folder):
            raise GenerateError(f"--out {out} is inside {what} ({folder}); choose a folder outside it", usage=True)
    if out.resolve() == kb.root.resolve():
        raise GenerateError(f"--out {out} is the knowledge base itself; choose a new folder such as build/site-src",
                            usage=True)

    files: dict[str, bytes] = {}
    hand_written = _hand_written_docs(docs_dir)
    pages = render_site(
        kb, include_home="index.md" not in hand_written, today=today,
        site_name=str(original.get("site_name") or "Postmortems"),
        site_url=(str(original["site_url"]) if isinstance(original.get("site_url"), str) and original["site_url"] else None),
        directory_urls=original.get("use_directory_urls", True) is not False,
    )
    for path, content in hand_written.items():
        if path in pages:
            raise GenerateError(f"{docs_dir.name}/{path} would be replaced by a generated page; rename or remove it")
        if path.endswith(".md"):
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                directory_urls = original.get("use_directory_urls", True) is not False
                content = fill_latest(text, kb, path, directory_urls).encode("utf-8")
        files[f"{DOCS}/{path}"] = content
    for path, content in pages.items():
        files[f"{DOCS}/{path}"] = content.encode("utf-8") if isinstance(content, str) else content
    files[CONFIG] = dump_config(variant_for(variant, original, mkdocs_path, out, DOCS), mkdocs_path).encode("utf-8")
    return files, errors


def generate_site(kb: KnowledgeBase, out: Path, force: bool = False, on_load_error: str = "fail",
                  today: dt.date | None = None, variant: str = "plain") -> GenerateResult:
    files, errors = plan_files(kb, out, on_load_error, today, variant)
    previous = _previous_files(out)
    if previous is None and out.is_dir() and any(out.iterdir()) and not force:
        raise GenerateError(
            f"{out} is not empty and was not written by `postmortem generate` (no {MARKER}); "
            "choose an empty or new folder, or pass --force to write into it anyway"
        )
    known = previous or set()
    clobbered = [name for name in files if name not in known and (out / name).exists()]
    if clobbered and not force:
        shown = ", ".join(clobbered[:5]) + (f" and {len(clobbered) - 5} more" if len(clobbered) > 5 else "")
        raise GenerateError(f"{out} has files that `postmortem generate` did not write: {shown}; "
                            "move them away, or pass --force to replace them")

    result = GenerateResult(out=out, load_errors=errors)
    # The marker goes first, naming every file this run may write: a run cut
    # short (a full disk, Ctrl-C) leaves a folder the next run knows as its own.
    _write_marker(out, known | set(files))
    for name, content in sorted(files.items()):
        target = out / name
        if target.is_file() and target.read_bytes() == content:
            result.unchanged.append(name)
            continue
        atomic.replace(target, content)
        result.written.append(name)
    for name in sorted(known - set(files)):
        stale = out / name
        if stale.is_file() and _inside(stale, out):
            stale.unlink()
            result.removed.append(name)
            _remove_empty_parents(stale.parent, out)
    _write_marker(out, set(files))
    return result


def _write_marker(out: Path, names: set[str]) -> None:
    atomic.replace(out / MARKER, json.dumps({"generator": "postmortem-kb", "files": sorted(names)}, indent=1) + "\n")


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while _inside(folder, stop) and folder.resolve() != stop.resolve():
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = folder.parent
