"""Import many posts at once: convert each, write each exclusively, account for all.

A target that already exists is never overwritten; two sources that would
land on the same name in one run are not merged: the second is refused and
said so. Every source ends up in exactly one list of the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from postmortem_kb.atomic import create_new
from postmortem_kb.config import KBConfig
from postmortem_kb.importers import ImportFailure
from postmortem_kb.importers.markdown_post import (ImportedPost, collect_sources, convert_post, retarget_links,
                                                    section_plan)


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
        retarget_links(post, new_names)
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
            try:
                create_new(target, post.text)
            except FileExistsError:  # someone else wrote it since we looked
                result.exists.append((post, target))
                continue
            except OSError as exc:
                result.failed.append((source, f"{target}: cannot write: {exc.strerror or exc}"))
                continue
        result.imported.append((post, target))
    return result
