"""Run the rules over postmortems and turn their hits into findings.

Each file is loaded (the shared loader) and checked by every enabled rule;
then what the file's inline suppressions silence is dropped and the
suppressions that silenced nothing are reported. Files go through these
steps a batch at a time, each step across the batch before the next, which
keeps each step's code in the processor's cache (`BATCH_FILES`).

A run reads each file once, hashes it and asks the cache (`lint.cache`)
first; only files whose bytes it has not seen are parsed. With `jobs` above
one, files are linted in chunks by a pool of forked processes; the findings
are put back in file order and sorted, so the output is the same as a
serial run's.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from postmortem_kb.bulk import fewer_collections
from postmortem_kb.config import ConfigError, KBConfig
from postmortem_kb.files import RefusedFile, read_regular
from postmortem_kb.kb import check_collection, display_path, postmortem_files

# Importing the rule modules registers their rules.
from postmortem_kb.lint import (  # noqa: F401
    rules_actions,
    rules_front_matter,
    rules_learning,
    rules_links,
    rules_names,
    rules_publishing,
    rules_references,
    rules_review,
    rules_sections,
    rules_times,
)
from postmortem_kb.lint.cache import LintCache, TrackedIds, entry_for, run_identity
from postmortem_kb.lint.digests import content_digest
from postmortem_kb.lint.registry import RULES, FileScope, LintContext, Rule, engine_rule
from postmortem_kb.lint.suppression import read_suppressions
from postmortem_kb.loader import MAX_FILE_BYTES, load_postmortem, load_postmortem_bytes, read_bodies
from postmortem_kb.model import WARNING, Diagnostic, Postmortem

UNUSED_SUPPRESSION = "unused-suppression"
BAD_SUPPRESSION = "bad-suppression"
engine_rule(UNUSED_SUPPRESSION, WARNING, "Every inline suppression silences a finding (stale ones are removed).")
engine_rule(BAD_SUPPRESSION, WARNING, "Every inline suppression names a rule that exists.")


def check_rule_config(config: KBConfig) -> None:
    from postmortem_kb.lint.suggest import did_you_mean

    for rule_id in config.rules:
        if rule_id not in RULES:
            raise ConfigError(config.path, f"rules.{rule_id}",
                              f"no such rule{did_you_mean(rule_id, sorted(RULES))}; known rules: {', '.join(sorted(RULES))}")


class Linter:
    """The enabled rules and their levels, resolved once for a run."""

    def __init__(self, config: KBConfig, known_ids: set[str], today: dt.date | None = None):
        check_rule_config(config)
        self.known_ids = known_ids
        self.ctx = LintContext(config=config, scope=FileScope(known_ids), today=today or dt.date.today())
        self.active: list[tuple[Rule, str]] = []
        for rule in RULES.values():
            level = config.rule_level(rule.id, rule.severity)
            if level != "off" and rule.check is not None:
                self.active.append((rule, level))
        self.level = {rule.id: config.rule_level(rule.id, rule.severity) for rule in RULES.values()}
        self.rule_ids = frozenset(RULES)

    def lint(self, pm: Postmortem, shown: str | None = None) -> list[Diagnostic]:
        """The findings for `pm`, located at `shown` (default: its path as the terminal would type it)."""
        return self.lint_batch([(pm, shown)])[0]

    def lint_batch(self, batch: list[tuple[Postmortem, str | None]],
                   scopes: list[FileScope] | None = None) -> list[list[Diagnostic]]:
        """The findings for each (postmortem, shown path) of `batch`, in its order.

        Each rule runs across the whole batch before the next rule starts:
        one rule's code stays in the processor's cache from file to file,
        where running sixty rules on one file, then on the next, evicted
        each rule before its next use. `scopes` (one a postmortem; default:
        fresh ones) receive the ids each file asked about and the files it
        read, for the cache.
        """
        ctx = self.ctx
        scopes = scopes or [FileScope(self.known_ids) for _ in batch]
        results = [list(pm.diagnostics) for pm, _ in batch]
        checked = []  # (result index, postmortem, shown path, scope)
        for index, ((pm, shown), scope) in enumerate(zip(batch, scopes)):
            if not pm.failed:
                found = results[index]
                shown = shown or (found[0].path if found else display_path(pm.path))
                checked.append((index, pm, shown, scope))
        try:
            for rule, level in self.active:
                check, rule_id = rule.check, rule.id
                for index, pm, shown, scope in checked:
                    ctx.enter(scope)
                    found = results[index]
                    for hit in check(pm, ctx):
                        found.append(Diagnostic(shown, hit.line, rule_id, level, hit.message, hit.column))
            for index, pm, shown, scope in checked:
                ctx.enter(scope)
                results[index] = self._apply_suppressions(pm, shown, results[index])
        finally:
            for _, _, _, scope in checked:
                scope.release()
            ctx.enter(FileScope(self.known_ids))
        return results

    def _apply_suppressions(self, pm: Postmortem, shown: str, found: list[Diagnostic]) -> list[Diagnostic]:
        suppressions = read_suppressions(self.ctx.facts(pm), self.rule_ids)
        if not suppressions.items and not suppressions.problems:
            return found
        kept = [d for d in found if not suppressions.silences(d)]
        if self.level[BAD_SUPPRESSION] != "off":
            for line, column, message in suppressions.problems:
                kept.append(Diagnostic(shown, line, BAD_SUPPRESSION, self.level[BAD_SUPPRESSION], message, column))
        if self.level[UNUSED_SUPPRESSION] != "off":
            for item in suppressions.items:
                # A rule switched off in the config silences nothing anywhere;
                # that is the config's choice, not a stale comment.
                if not item.used and self.level[item.rule] != "off":
                    kept.append(Diagnostic(
                        shown, item.line, UNUSED_SUPPRESSION, self.level[UNUSED_SUPPRESSION],
                        f"`{item.kind} {item.rule}` silences nothing here; remove it", item.column,
                    ))
        return kept


def expand_paths(paths: list[Path], config: KBConfig) -> list[Path]:
    if not paths:
        return postmortem_files(config.postmortems_dir)
    files: list[Path] = []
    for path in paths:
        files.extend(postmortem_files(path) if path.is_dir() else [path])
    return files


@dataclass
class LintReport:
    findings: list[Diagnostic]
    files: int
    # How many files the cache answered for (0 without a cache).
    cached: int = 0
    # Why the cache was not used, when it was asked for (a folder git tracks).
    cache_refused: str | None = None


def available_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


# Fewer files than this are linted in this process: forking a pool costs more.
POOL_MIN_FILES = 64


@dataclass
class _Run:
    """What every file's lint needs; a forked worker inherits it."""

    linter: Linter
    config: KBConfig
    cache: LintCache | None
    ids: frozenset[str]
    all_ids: str

    def cache_key(self, path: Path) -> str:
        """The file's path from the knowledge base's root: the same whichever folder lint runs in."""
        text = str(path)
        root = self._root_prefix
        if text.startswith(root):  # the usual case: string work, no system calls
            return text[len(root):].replace(os.sep, "/")
        try:
            return path.resolve().relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return path.resolve().as_posix()

    @functools.cached_property
    def _root_prefix(self) -> str:
        return str(self.config.root).rstrip(os.sep) + os.sep


_RUN: _Run | None = None


# Files are read, parsed and checked a batch at a time, one step across
# the batch before the next (`read_bodies`, `Linter.lint_batch`). A batch of
# this many files keeps each step's code in the cache without the batch's
# data pushing it out again: of 1, 8, 16, 32 and 64, 16 missed the cache
# least (docs/performance.md).
BATCH_FILES = 16


@dataclass
class _Parsed:
    """A file read and loaded, waiting for its rules."""

    index: int
    shown: str
    cache_key: str | None
    digest: str | None
    pm: Postmortem
    scope: FileScope


_Result = tuple[int, list[Diagnostic], object, bool]  # (index, findings, new cache entry or None, from the cache)


def _lint_batch(run: _Run, batch: list[tuple[int, str, str]]) -> list[_Result]:
    """Lint (index, path, shown path) of a few files; results in any order."""
    results: list[_Result] = []
    parsed: list[_Parsed] = []
    for index, name, shown in batch:
        path = Path(name)
        try:
            data = read_regular(path, MAX_FILE_BYTES)
        except (OSError, RefusedFile):
            # The loader reads it again and reports why it cannot, with its own message.
            results.append((index, run.linter.lint(load_postmortem(path, run.config, shown), shown), None, False))
            continue
        key = digest = None
        if run.cache is not None:
            key, digest = run.cache_key(path), content_digest(data)
            cached = run.cache.findings(key, digest, shown)
            if cached is not None:
                results.append((index, cached, None, True))
                continue
        pm = load_postmortem_bytes(data, path, run.config, shown, parse_body=False)
        parsed.append(_Parsed(index, shown, key, digest, pm, FileScope(TrackedIds(run.ids))))
    read_bodies([item.pm for item in parsed if not item.pm.failed], run.config)
    found = run.linter.lint_batch([(item.pm, item.shown) for item in parsed], [item.scope for item in parsed])
    for item, findings in zip(parsed, found):
        entry = None
        if run.cache is not None:
            entry = (item.cache_key, entry_for(item.digest, findings, item.scope.known_ids, run.all_ids,
                                               item.scope.file_dependencies))
        results.append((item.index, findings, entry, False))
    return results


def _lint_chunk(chunk: list[tuple[int, str, str]]) -> list[_Result]:
    """In a worker (or this process): lint a chunk of (index, path, shown path)."""
    assert _RUN is not None, "the pool is forked after the run is set up"
    return [result for start in range(0, len(chunk), BATCH_FILES)
            for result in _lint_batch(_RUN, chunk[start:start + BATCH_FILES])]


def _chunks(items: list, jobs: int) -> list[list]:
    # Several chunks a worker, so one slow chunk does not leave the others idle.
    size = max(8, -(-len(items) // (jobs * 8)))
    return [items[n:n + size] for n in range(0, len(items), size)]


def _in_pool(tasks: list[tuple[int, str, str]], jobs: int) -> list[_Result]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: the workers inherit the run (rules, schema, cache) instead of
    # importing and building it again.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return [result for chunk in pool.map(_lint_chunk, _chunks(tasks, jobs)) for result in chunk]


def lint_paths(paths: list[Path], config: KBConfig, today: dt.date | None = None, *,
               jobs: int = 1, use_cache: bool = False) -> LintReport:
    """Lint `paths` (default: the whole knowledge base); `jobs` processes; the cache when `use_cache`."""
    global _RUN
    today = today or dt.date.today()
    files = expand_paths(paths, config)
    everything = files if not paths else postmortem_files(config.postmortems_dir)
    ids = frozenset({p.stem for p in everything} | {p.stem for p in files})
    linter = Linter(config, set(ids), today)
    cache = LintCache(config.root, run_identity(config, today.isoformat()), ids).load() if use_cache else None
    _RUN = run = _Run(linter, config, cache if cache is None or cache.refused is None else None, ids,
                      cache.all_ids if cache else "")

    findings: list[Diagnostic] = []
    tasks: list[tuple[int, str, str]] = []
    for index, (path, shown, collection, refused) in enumerate(check_collection(files, config)):
        findings.extend(collection)
        if not refused:
            tasks.append((index, str(path), shown))
    fork = hasattr(os, "fork") and jobs > 1 and len(tasks) >= POOL_MIN_FILES
    try:
        with fewer_collections():  # forked workers inherit it
            results = _in_pool(tasks, jobs) if fork else _lint_chunk(tasks)
    finally:
        _RUN = None
    cached = 0
    for _, found, entry, hit in sorted(results, key=lambda result: result[0]):
        findings.extend(found)
        cached += hit
        if entry is not None and cache is not None:
            cache.put(*entry)
    if cache is not None:
        cache.save(prune_to={run.cache_key(Path(path)) for _, path, _ in tasks} if not paths else None)
    findings.sort(key=lambda d: (d.path, d.line, d.column, d.rule))
    return LintReport(findings=findings, files=len(files), cached=cached,
                      cache_refused=cache.refused if cache is not None else None)
