"""Lint findings cached per file and keyed by its content, so unchanged files are not parsed again.

Like ruff's cache: a file's entry holds the blake2b digest of its bytes and
the findings lint reported for it (suppressions applied). A later run that
reads the same bytes reuses them; any other bytes (a changed file, however
small the change) miss, and the file is parsed and linted afresh, so the
cache can never hide a finding in a file that changed.

Everything else a finding can depend on is part of the run's identity, and
a different identity starts from an empty cache:

- the tool: its version and a digest of its own source files (a rule that
  changes without a version bump still invalidates);
- the knowledge base's config (every setting, rule levels included);
- the day: `action-overdue` and friends compare with today.

One kind of finding depends on other files: `related:` ids must exist.
While a file is linted, every question asked about the set of ids is
recorded (`TrackedIds`), and the entry is reused only while each answer is
still the same; an id that was missing may have drawn a "did you mean"
from the whole set, so such an entry also records the set's digest.
Duplicate ids and refused symlinks are collection checks, made on every
run without parsing anything.

The knowledge base's own templates are part of the identity too: a
template's `{# requires: ... #}` decides which sections a postmortem needs.

The cache is `.postmortem-cache/lint.json` at the knowledge base's root
(git-ignored), written atomically. JSON, not pickle: a cache file planted in
a repository must not be able to run code; and signed (`cache_trust`), so a
planted one that says "no findings" is not believed either. A cache folder
that git tracks is refused with a message. A file that cannot be read, does
not verify or does not have the expected shape is ignored, never an error.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from postmortem_kb.config import KBConfig
from postmortem_kb.lint.digests import file_digest
from postmortem_kb.model import Diagnostic

CACHE_FOLDER = ".postmortem-cache"
CACHE_FILE = "lint.json"
FORMAT = 2


def _tool_digest() -> str:
    """The package's version and the digest of its Python sources."""
    import postmortem_kb

    package = Path(postmortem_kb.__file__).resolve().parent
    digest = hashlib.blake2b(postmortem_kb.__version__.encode(), digest_size=16)
    # Built-in templates decide required sections, as the code does.
    for source in sorted([*package.rglob("*.py"), *package.rglob("*.j2")]):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _folder_digest(folder: Path) -> str:
    """The names and bytes of a knowledge base's own templates."""
    digest = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                try:
                    digest.update(path.read_bytes())
                except OSError:
                    digest.update(b"(unreadable)")
    return digest.hexdigest()


def run_identity(config: KBConfig, today: str) -> str:
    """What every cached finding of a run depends on, besides the file itself."""
    from postmortem_kb.published import site_assets

    settings = json.dumps(config.as_dict(), sort_keys=True, default=str)
    # `broken-link` judges links against the files published beside the
    # postmortems: adding the missing image must clear its finding.
    assets = "\n".join(sorted(relative for relative, _ in site_assets(config.postmortems_dir, config.root)))
    parts = [f"format {FORMAT}", _tool_digest(), settings, _folder_digest(config.templates_dir), assets, today]
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def ids_digest(ids: Iterable[str]) -> str:
    return hashlib.blake2b("\n".join(sorted(ids)).encode("utf-8"), digest_size=16).hexdigest()


class TrackedIds:
    """A read-only view of the knowledge base's ids that records what was asked of it."""

    def __init__(self, ids: frozenset[str] | set[str]):
        self._ids = ids
        self.asked: dict[str, bool] = {}
        self.whole_set = False

    def __contains__(self, item: object) -> bool:
        found = item in self._ids
        if isinstance(item, str):
            self.asked[item] = found
        return found

    def __iter__(self) -> Iterator[str]:
        self.whole_set = True
        return iter(self._ids)

    def __len__(self) -> int:
        self.whole_set = True
        return len(self._ids)

    @property
    def depends_on_all(self) -> bool:
        # A missing id can draw suggestions from every id (the rule groups
        # them once per run, so later files never iterate the set again).
        return self.whole_set or not all(self.asked.values())


@dataclass
class Entry:
    digest: str
    findings: list[list[Any]]  # [line, column, rule, severity, message]
    asked: dict[str, bool] = field(default_factory=dict)
    all_ids: str | None = None
    # Other files the findings read (a translation's original): path -> digest.
    files: dict[str, str | None] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "findings": self.findings, "asked": self.asked, "all_ids": self.all_ids,
                "files": self.files}


def entry_for(digest: str, findings: list[Diagnostic], tracked: TrackedIds, all_ids: str,
              files: dict[str, str | None] | None = None) -> Entry:
    return Entry(
        digest,
        [[f.line, f.column, f.rule, f.severity, f.message] for f in findings],
        dict(tracked.asked),
        all_ids if tracked.depends_on_all else None,
        dict(files or {}),
    )


def _plausible(finding: Diagnostic) -> bool:
    """A cached finding has the types and values lint itself produces."""
    from postmortem_kb.model import SEVERITIES

    return (type(finding.line) is int and type(finding.column) is int and finding.line >= 1 and finding.column >= 1
            and isinstance(finding.rule, str) and finding.severity in SEVERITIES
            and isinstance(finding.message, str))


class LintCache:
    def __init__(self, root: Path, identity: str, known_ids: frozenset[str] | set[str]):
        self.path = root / CACHE_FOLDER / CACHE_FILE
        self.identity = identity
        self.known_ids = known_ids
        self.all_ids = ids_digest(known_ids)
        self.entries: dict[str, Entry] = {}
        self.changed = False
        # Why the cache is not used at all this run, for the command to say.
        self.refused: str | None = None

    def load(self) -> "LintCache":
        from postmortem_kb.cache_trust import tracked_by_git, tracked_message, verify

        if tracked_by_git(self.path.parent):
            self.refused = tracked_message(self.path.parent)
            return self
        try:
            mac, _, payload = self.path.read_bytes().partition(b"\n")
            if not verify(payload, mac.decode("ascii", "replace")):
                return self  # not written by this user here: believe none of it
            data = json.loads(payload)
            if not isinstance(data, dict) or data.get("identity") != self.identity:
                return self
            for key, raw in data["files"].items():
                entry = Entry(raw["digest"], raw["findings"], raw.get("asked") or {}, raw.get("all_ids"),
                              raw.get("files") or {})
                if (isinstance(key, str) and isinstance(entry.digest, str) and isinstance(entry.findings, list)
                        and isinstance(entry.asked, dict) and isinstance(entry.files, dict)):
                    self.entries[key] = entry
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries = {}  # unreadable or not ours: start afresh
        return self

    def findings(self, key: str, digest: str, shown: str) -> list[Diagnostic] | None:
        """The cached findings for this file's bytes, if they still hold; else None."""
        entry = self.entries.get(key)
        if entry is None or entry.digest != digest:
            return None
        if entry.all_ids is not None and entry.all_ids != self.all_ids:
            return None
        if any((ref in self.known_ids) != existed for ref, existed in entry.asked.items()):
            return None
        if any(file_digest(path) != digest for path, digest in entry.files.items()):
            return None
        try:
            found = [Diagnostic(shown, line, rule, severity, message, column)
                     for line, column, rule, severity, message in entry.findings]
        except (TypeError, ValueError):
            return None  # a malformed entry is a miss
        return found if all(_plausible(finding) for finding in found) else None

    def put(self, key: str, entry: Entry) -> None:
        self.entries[key] = entry
        self.changed = True

    def save(self, prune_to: set[str] | None = None) -> None:
        """Write the cache if it changed; with `prune_to` (a run over the whole
        knowledge base), entries of files that are gone are dropped. A write
        that fails is not an error."""
        from postmortem_kb.atomic import replace
        from postmortem_kb.cache_trust import sign

        if self.refused is not None:
            return
        if prune_to is not None:
            for key in set(self.entries) - prune_to:
                del self.entries[key]
                self.changed = True
        if not self.changed:
            return
        document = {"identity": self.identity, "files": {k: e.as_json() for k, e in self.entries.items()}}
        payload = json.dumps(document, separators=(",", ":"), ensure_ascii=True)
        mac = sign(payload.encode("ascii"))
        if mac is None:
            return  # no key to sign with: caching nothing is slower, never wrong
        try:
            replace(self.path, mac + "\n" + payload)
        except OSError:
            pass  # a read-only checkout lints fine without a cache
