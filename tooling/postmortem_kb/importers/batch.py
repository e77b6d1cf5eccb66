"""Import many posts at once: convert each, bring their files along, write each exclusively, account for all.

A target that already exists is never overwritten; two sources that would
land on the same name in one run are not merged: the second is refused and
said so. Every source ends up in exactly one list of the result.

Links are settled here, where every post's new name is known. A link to
another post of the run points at its new file; an image or other local
file a post links is copied beside it as `postmortems/assets/<id>/<name>`
and the link rewritten, so the site (which resolves a postmortem's links
from the postmortems folder and publishes that folder's other files) finds
it. A copy never overwrites: a different file of the same name gets a
suffix. A link that cannot be settled is a finding with the source's
file:line, and stays as it was for `postmortem lint` (rule `broken-link`)
to flag until someone fixes it.
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postmortem_kb.atomic import create_new
from postmortem_kb.config import KBConfig
from postmortem_kb.importers import ImportFailure
from postmortem_kb.importers.markdown_post import (
    Finding,
    ImportedPost,
    collect_sources,
    convert_post,
    section_plan,
)

ASSETS_FOLDER = "assets"
# A larger file is not copied into the knowledge base (a screen recording,
# a heap dump): link it where it lives instead.
MAX_ASSET_BYTES = 50 * 1024 * 1024


@dataclass
class LinkOutcome:
    """What became of one relative link or image of a post."""

    kind: str  # "link" or "image"
    target: str  # as written, decoded
    line: int | None  # in the source file
    outcome: str  # "retarget", "copy", "reuse", "keep" or "broken"
    new_target: str | None = None
    copy_from: Path | None = None
    copy_to: Path | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "target": self.target, "line": self.line, "outcome": self.outcome,
                "new_target": self.new_target, "copy_from": self.copy_from.as_posix() if self.copy_from else None,
                "reason": self.reason or None}


@dataclass
class BatchResult:
    imported: list[tuple[ImportedPost, Path]] = field(default_factory=list)  # (post, written or would-be path)
    exists: list[tuple[ImportedPost, Path]] = field(default_factory=list)  # target already there: skipped
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (source, message)
    passed_over: list[tuple[Path, str]] = field(default_factory=list)  # not postmortems, found in a folder walk

    @property
    def ok(self) -> bool:
        return not self.exists and not self.failed


def import_posts(paths: list[Path], config: KBConfig, template: str = "default", dry_run: bool = False,
                 out_dir: Path | None = None) -> BatchResult:
    result = BatchResult()
    sources, result.passed_over = collect_sources(paths)
    target_dir = out_dir or config.postmortems_dir
    claimed: dict[Path, Path] = {}  # target -> the source that took it in this run
    posts = []
    plan = section_plan(config, template)
    for source in sources:
        try:
            posts.append(convert_post(source, config, template, plan))
        except ImportFailure as exc:
            result.failed.append((source, str(exc)))
    # Posts that linked each other by file name keep linking each other.
    new_names = {post.source.resolve(): post.name for post in posts}
    for post in posts:
        settle_links(post, new_names, target_dir, import_root(post.source, paths))
        source = post.source
        target = target_dir / post.name
        if target in claimed:
            result.failed.append((source, f"{source}: would be written to {target.name}, the same file as "
                                          f"{claimed[target]}; import it on its own after changing its title or date"))
            continue
        claimed[target] = source
        if target.exists():
            result.exists.append((post, target))
            continue
        if not dry_run:
            # The files first, so that the postmortem's links work from the moment it appears.
            copy_assets(post)
            try:
                create_new(target, post.text)
            except FileExistsError:  # someone else wrote it since we looked
                result.exists.append((post, target))
                continue
            except OSError as exc:
                result.failed.append((source, f"{target}: cannot write: {exc.strerror or exc}"))
                continue
        result.imported.append((post, target))
    _mention_copies(result)
    return result


def _mention_copies(result: BatchResult) -> None:
    """A file the walk passed over may still have come along, as a post's image or attachment."""
    copied = {outcome.copy_from for post, _ in result.imported for outcome in post.link_outcomes
              if outcome.outcome in ("copy", "reuse") and outcome.copy_from is not None}
    result.passed_over = [(path, reason + ("; copied along with a post that links it"
                                           if path.resolve() in copied else ""))
                          for path, reason in result.passed_over]


def import_root(source: Path, paths: list[Path]) -> Path:
    """The folder a source was imported from: the named folder that holds it, else the file's own folder.

    Only files under it are copied along: a post from elsewhere must not be
    able to pull `../../.ssh/id_rsa` into a site.
    """
    resolved = source.resolve()
    for path in paths:
        if path.is_dir():
            folder = path.resolve()
            if resolved.is_relative_to(folder):
                return folder
    return resolved.parent


# -- links --------------------------------------------------------------------------------


def settle_links(post: ImportedPost, new_names: dict[Path, str], target_dir: Path, root: Path) -> None:
    """Decide what becomes of each relative link of the post and rewrite the text to match.

    Files are not copied here (see `copy_assets`), so a dry run reports the
    same outcomes without writing anything.
    """
    from urllib.parse import unquote

    assets = target_dir / ASSETS_FOLDER / post.id
    names: dict[str, Path] = {}  # asset name -> the source file it holds, in this run
    settled: dict[str, LinkOutcome] = {}
    for link in post.links:
        if link.target in settled:
            continue
        line = post.source_line(link.line)
        path = link.path
        if not path:
            continue
        fragment = link.target[len(link.target.split("#", 1)[0]):]
        outcome = LinkOutcome(link.kind, unquote(link.target), line, "keep")
        settled[link.target] = outcome
        where = (post.source.parent / path)
        if link.is_markdown:
            _settle_post_link(outcome, where, path, fragment, new_names, target_dir)
        elif where.is_dir():
            outcome.reason = "points at a folder; kept as it was"
        elif not where.is_file():
            outcome.outcome, outcome.reason = "broken", f"no such file ({where})"
        elif not where.resolve().is_relative_to(root) or _hidden(where.resolve(), root):
            outcome.outcome = "broken"
            outcome.reason = (f"the file is outside {root} (or in a hidden folder), so it is not copied; "
                              "import the folder that holds both, or copy it by hand")
        elif where.stat().st_size > MAX_ASSET_BYTES:
            outcome.outcome = "broken"
            outcome.reason = (f"the file is over {MAX_ASSET_BYTES // 1_048_576} MB, too large to copy into the "
                              "knowledge base; link it where it lives")
        else:
            name, reuse = _asset_name(where.resolve(), assets, names)
            outcome.outcome = "reuse" if reuse else "copy"
            outcome.new_target = f"{ASSETS_FOLDER}/{post.id}/{name}{fragment}"
            outcome.copy_from, outcome.copy_to = where.resolve(), assets / name
        if outcome.outcome == "broken":
            what = "image" if link.kind == "image" else "link"
            post.findings.append(Finding(post.source, line or 1, f"{what} to {outcome.target!r}: {outcome.reason}"))
    post.link_outcomes = list(settled.values())
    rewrites = {}
    for link in post.links:
        outcome = settled.get(link.target)
        if outcome is not None and outcome.new_target and link.target not in rewrites:
            rewrites[link.target] = (link, outcome.new_target)
    if rewrites:
        _rewrite(post, list(rewrites.values()))


def _settle_post_link(outcome: LinkOutcome, where: Path, path: str, fragment: str, new_names: dict[Path, str],
                      target_dir: Path) -> None:
    new_name = new_names.get(where.resolve())
    if new_name is not None:
        outcome.outcome, outcome.new_target = "retarget", new_name + fragment
    elif "/" not in path and (target_dir / path).is_file():
        outcome.reason = "a postmortem already in the knowledge base"
    elif where.is_file():
        outcome.outcome = "broken"
        outcome.reason = "that file was not imported in this run; import it together with this one to keep the link"
    else:
        outcome.outcome, outcome.reason = "broken", f"no such file ({where})"


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def safe_asset_name(name: str) -> str:
    """A file name that needs no escaping in a link or a URL, and that the site publishes (no leading `.` or `_`)."""
    stem, suffix = posixpath.splitext(name)
    stem = re.sub(r"[^A-Za-z0-9.-]+", "-", stem).strip("-.") or "file"
    suffix = re.sub(r"[^A-Za-z0-9.]+", "", suffix)
    return stem + suffix


def _asset_name(source: Path, folder: Path, names: dict[str, Path]) -> tuple[str, bool]:
    """(name under the post's assets folder, whether that file is already there with the same bytes)."""
    base = safe_asset_name(source.name)
    stem, suffix = posixpath.splitext(base)
    number = 1
    while True:
        name = base if number == 1 else f"{stem}-{number}{suffix}"
        number += 1
        held = names.get(name)
        if held is not None:
            if held == source:
                return name, (folder / name).is_file() and _same_bytes(folder / name, source)
            continue
        existing = folder / name
        if existing.exists():
            if existing.is_file() and _same_bytes(existing, source):
                names[name] = source
                return name, True
            continue  # another file of that name: never overwrite, take the next suffix
        names[name] = source
        return name, False


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _rewrite(post: ImportedPost, new_targets: list) -> None:
    """Point each link's destination at its new target, outside code blocks, keeping everything else."""
    from postmortem_kb.markdown_blocks import block_tokens

    front, body = post.text[: _body_start(post.text)], post.text[_body_start(post.text):]
    lines = body.split("\n")
    code_lines: set[int] = set()
    for token in block_tokens(body):
        if token.type in ("fence", "code_block", "html_block") and token.map:
            code_lines.update(range(*token.map))
    for link, new_target in new_targets:
        changed = 0
        for form in link.written_forms():
            # `](target`, `](<target>`, and a reference definition `[x]: target`.
            pattern = re.compile(r"(\]\(\s*<?|\]:[ \t]*<?)" + re.escape(form) + r"(?=[\s)>\"']|$)")
            for n, text in enumerate(lines):
                if n in code_lines or form not in text:
                    continue
                lines[n], count = pattern.subn(lambda m: m.group(1) + new_target, text)
                changed += count
        if not changed:
            post.notes.append(f"could not find {link.target!r} written out to point it at {new_target}; "
                              "change the link by hand")
    post.text = front + "\n".join(lines)


def _body_start(text: str) -> int:
    return text.index("\n---\n", 4) + 5


def copy_assets(post: ImportedPost) -> None:
    """Copy the files the post's links were pointed at; a failure is a finding, the link stays rewritten."""
    for outcome in post.link_outcomes:
        if outcome.outcome != "copy" or outcome.copy_from is None or outcome.copy_to is None:
            continue
        try:
            _copy_new(outcome.copy_from, outcome.copy_to)
        except FileExistsError:
            if _same_bytes(outcome.copy_from, outcome.copy_to):
                outcome.outcome = "reuse"
                continue
            post.findings.append(Finding(post.source, outcome.line or 1,
                                         f"{outcome.copy_to} appeared while importing and holds another file; "
                                         f"{outcome.target!r} was not copied"))
            outcome.outcome = "broken"
        except OSError as exc:
            post.findings.append(Finding(post.source, outcome.line or 1,
                                         f"cannot copy {outcome.copy_from} to {outcome.copy_to}: {exc.strerror or exc}"))
            outcome.outcome = "broken"


def _copy_new(source: Path, target: Path) -> None:
    """Copy a file to a name only if that name is free (FileExistsError otherwise), never half-written."""
    data = source.read_bytes()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, target)
    finally:
        os.unlink(temp)
