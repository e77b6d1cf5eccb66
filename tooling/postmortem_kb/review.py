"""The review gate: who may approve a postmortem, how many approvals it needs, what waits for review.

Review state lives in the file (`reviewers:` and `approvals:` in the front
matter), so `git log` is the audit trail and CI can check it. The rules
come from the config's `review:`:

- `approvals`: approvals needed per severity, `default` for the others.
- `approvers`: who may approve. None: anyone who is not an author; a list
  of names; a map of service to owners (the owners of the postmortem's
  services, or of `*` when none of them is listed); or `codeowners`: the
  owners the knowledge base's CODEOWNERS file gives the postmortem's file,
  read with the forge's rules (`CodeOwners`).
- `closed_status`: the status after `published` once every action item is
  done or wontfix.

The lifecycle is the order of `statuses`: the first is the draft, the last
is the published one (which needs the approvals, as does `closed_status`),
the ones between are "in review". Names compare without case and without
a leading `@`, so `@Wei` in CODEOWNERS is `wei` in `approvals:`.

Everything here is a pure function of postmortems and the config, except
`ReviewRules.from_config`, which reads the CODEOWNERS file once, and the
writers at the end (`approve`, `request_review`), which edit a file's
front matter in place.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from postmortem_kb.config import DEFAULTS, KBConfig
from postmortem_kb.model import ActionItem, Postmortem, as_date
from postmortem_kb.yaml_text import yaml_scalar

AWAITING, STALE_DRAFT, MISSING_APPROVALS = "awaiting", "stale-draft", "missing-approvals"
# Where the forges look for CODEOWNERS, in GitHub's order (GitLab's own folder last).
CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


def name_key(name: object) -> str:
    """How names compare: `@Wei`, `wei` and ` WEI ` are one person."""
    return str(name).strip().lstrip("@").casefold()


# -- the lifecycle -----------------------------------------------------------

def draft_status(config: KBConfig) -> str:
    return config.statuses[0]


def published_status(config: KBConfig) -> str:
    return config.statuses[-1]


def review_statuses(config: KBConfig) -> tuple[str, ...]:
    """The statuses between the draft and the published one (default: in-review)."""
    return tuple(config.statuses[1:-1])


def closed_status(config: KBConfig) -> str | None:
    return config.review.get("closed_status") or None


def approval_statuses(config: KBConfig) -> tuple[str, ...]:
    """Statuses at which a postmortem must carry its approvals: published, and closed."""
    closed = closed_status(config)
    return (published_status(config), *([closed] if closed and closed != published_status(config) else []))


def open_items(pm: Postmortem, config: KBConfig) -> list[ActionItem]:
    from postmortem_kb.ledger import is_open

    return [item for item in pm.actions if is_open(item, config)]


def can_close(pm: Postmortem, config: KBConfig) -> bool:
    """Published, with action items, every one of them done or wontfix: ready for `closed_status`."""
    return (closed_status(config) is not None and pm.status == published_status(config)
            and bool(pm.actions) and not open_items(pm, config))


# -- approvals as written ----------------------------------------------------

@dataclass(frozen=True)
class Approval:
    by: str
    date: dt.date | None


def approvals_of(pm: Postmortem) -> list[Approval]:
    """The front matter's approvals; entries of another shape are lint's business and left out here."""
    value = pm.meta.get("approvals")
    if not isinstance(value, list):
        return []
    found = []
    for entry in value:
        if isinstance(entry, dict) and isinstance(entry.get("by"), (str, int)) and str(entry["by"]).strip():
            found.append(Approval(str(entry["by"]).strip(), as_date(entry.get("date"))))
    return found


def reviewers_of(pm: Postmortem) -> list[str]:
    return pm.list_field("reviewers")


# -- CODEOWNERS ----------------------------------------------------------------

@dataclass(frozen=True)
class CodeOwnersRule:
    line: int
    pattern: str
    owners: tuple[str, ...]
    matcher: Any  # pathspec's compiled gitignore pattern


@dataclass
class CodeOwners:
    """A CODEOWNERS file, matched as GitHub does.

    Each line is a pattern and its owners; the last pattern that matches a
    file decides its owners (a pattern with no owners leaves the file with
    none). Patterns are gitignore patterns as documented: `*` matches
    within one path segment, `**` across segments, a leading or inner `/`
    anchors the pattern at the root, a trailing `/` matches a folder and
    everything under it, and a pattern without a slash matches at any
    depth. `docs/*` matches files directly in docs/, not deeper. GitHub
    skips a line it cannot read (a `!` negation, a `[a-z]` range), and so
    does this; `problems` lists them.
    """

    path: Path
    base: Path  # the folder patterns are relative to (the repository's root)
    rules: list[CodeOwnersRule] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, path: Path, base: Path) -> CodeOwners:
        from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern

        found = cls(path, base)
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith(("[", "^[")):
                continue  # a GitLab section heading
            tokens = re.findall(r"(?:\\.|\S)+", line)
            pattern, owners = tokens[0], []
            for token in tokens[1:]:
                if token.startswith("#"):
                    break
                owners.append(token)
            if pattern.startswith("!") or re.search(r"(?<!\\)\[", pattern):
                found.problems.append((number, f"`{pattern}`: negation and [ ] ranges are not CODEOWNERS syntax; "
                                               "the line is skipped"))
                continue
            try:
                matcher = GitIgnoreBasicPattern(pattern.replace("\\ ", " ") if "\\ " in pattern else pattern)
            except Exception as exc:  # pathspec's pattern errors have no common base worth naming
                found.problems.append((number, f"`{pattern}`: {exc}; the line is skipped"))
                continue
            if matcher.include is None:
                continue
            found.rules.append(CodeOwnersRule(number, pattern, tuple(owners), matcher))
        return found

    def owners_of(self, relpath: str) -> tuple[str, ...] | None:
        """The owners of a file (its path from `base`, with /); None when no pattern matches it."""
        for rule in reversed(self.rules):
            if rule.matcher.match_file(relpath):
                return rule.owners
        return None

    def relpath(self, pm: Postmortem) -> str:
        try:
            return Path(os.path.abspath(pm.path)).relative_to(os.path.abspath(self.base)).as_posix()
        except ValueError:
            return pm.relpath


def find_codeowners(root: Path) -> tuple[Path, Path] | None:
    """(the CODEOWNERS file, the folder its patterns start from) for a knowledge base at `root`.

    The knowledge base's own folder first, then the root of the git
    repository holding it (a knowledge base may be a folder of a larger
    repository, whose CODEOWNERS then decides).
    """
    bases = [root.resolve()]
    for folder in (bases[0], *bases[0].parents):
        if (folder / ".git").exists():
            if folder != bases[0]:
                bases.append(folder)
            break
    for base in bases:
        for place in CODEOWNERS_PLACES:
            candidate = base / place
            if candidate.is_file():
                return candidate, base
    return None


def codeowners_signature(config: KBConfig) -> tuple | None:
    """What tells a preview that the CODEOWNERS deciding approvals changed (None: not used, or no file)."""
    if config.review.get("approvers") != "codeowners":
        return None
    found = find_codeowners(config.root)
    if found is None:
        return None
    try:
        info = found[0].stat()
    except OSError:
        return None
    return str(found[0]), info.st_size, info.st_mtime_ns, info.st_ino


def load_codeowners(root: Path) -> CodeOwners | None:
    found = find_codeowners(root)
    if found is None:
        return None
    path, base = found
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return CodeOwners.parse(text, path, base)


# -- the rules ---------------------------------------------------------------

@dataclass
class ApprovalState:
    """A postmortem's approvals judged against the rules."""

    required: int
    counted: list[Approval]  # by allowed approvers who are not authors, one per person
    by_author: list[Approval]
    not_allowed: list[Approval]
    # Who may approve, authors left out; None: anyone who is not an author.
    may_approve: list[str] | None
    # Why nobody may approve, when the rules name no one (no CODEOWNERS file...).
    problem: str | None = None

    @property
    def missing(self) -> int:
        return max(0, self.required - len(self.counted))

    @property
    def satisfied(self) -> bool:
        return self.missing == 0

    def who_may_approve(self) -> str:
        """The approvers, in words, for a message."""
        if self.may_approve is None:
            return "anyone who is not an author"
        if not self.may_approve:
            return "no one" + (f" ({self.problem})" if self.problem else "")
        return ", ".join(self.may_approve)


class ReviewRules:
    """The config's review rules, with the CODEOWNERS file read once; ask it about any postmortem."""

    def __init__(self, config: KBConfig, codeowners: CodeOwners | None = None):
        self.config = config
        self.codeowners = codeowners
        self.approvers = config.review.get("approvers")

    @classmethod
    def from_config(cls, config: KBConfig) -> ReviewRules:
        owners = load_codeowners(config.root) if config.review.get("approvers") == "codeowners" else None
        return cls(config, owners)

    def required(self, pm: Postmortem) -> int:
        table = self.config.review.get("approvals") or {}
        if pm.severity in table:
            return int(table[pm.severity])
        return int(table.get("default", DEFAULTS["review"]["approvals"]["default"]))

    def allowed(self, pm: Postmortem) -> tuple[list[str] | None, str | None]:
        """(who may approve before authors are left out, or None for anyone; why no one, if so)."""
        approvers = self.approvers
        if approvers is None:
            return None, None
        if approvers == "codeowners":
            if self.codeowners is None:
                return [], f"`review.approvers` is codeowners and no CODEOWNERS file was found ({', '.join(CODEOWNERS_PLACES)})"
            relpath = self.codeowners.relpath(pm)
            owners = self.codeowners.owners_of(relpath)
            if not owners:
                return [], f"{self.codeowners.path.name} gives {relpath} no owner"
            return [owner.lstrip("@") for owner in owners], None
        if isinstance(approvers, (list, tuple)):
            return [str(name) for name in approvers], None
        by_service = {name_key(service): owners for service, owners in approvers.items()}
        names = [owner for service in pm.services for owner in by_service.get(name_key(service), ())]
        if not names:
            names = list(by_service.get("*", ()))
        if not names:
            listed = ", ".join(pm.services) or "none"
            return [], f"`review.approvers` lists no owners for its services ({listed}) and has no `*`"
        return list(dict.fromkeys(names)), None

    def may_approve(self, pm: Postmortem) -> list[str] | None:
        """Who may approve `pm` (authors never may); None: anyone who is not an author."""
        allowed, _ = self.allowed(pm)
        if allowed is None:
            return None
        authors = {name_key(a) for a in pm.authors}
        return [name for name in dict.fromkeys(allowed) if name_key(name) not in authors]

    def may(self, pm: Postmortem, name: str) -> bool:
        key = name_key(name)
        if key in {name_key(a) for a in pm.authors}:
            return False
        allowed = self.may_approve(pm)
        return allowed is None or key in {name_key(n) for n in allowed}

    def state(self, pm: Postmortem) -> ApprovalState:
        allowed, problem = self.allowed(pm)
        may_approve = self.may_approve(pm)
        authors = {name_key(a) for a in pm.authors}
        allowed_keys = None if allowed is None else {name_key(n) for n in allowed}
        counted: list[Approval] = []
        by_author: list[Approval] = []
        not_allowed: list[Approval] = []
        seen: set[str] = set()
        for approval in approvals_of(pm):
            key = name_key(approval.by)
            if key in authors:
                by_author.append(approval)
            elif allowed_keys is not None and key not in allowed_keys:
                not_allowed.append(approval)
            elif key not in seen:
                seen.add(key)
                counted.append(approval)
        return ApprovalState(self.required(pm), counted, by_author, not_allowed, may_approve, problem)


def review_facts(pm: Postmortem) -> tuple:
    """Everything of a postmortem that its place in the review queue depends on (a preview's page key).

    The queue reads these and nothing else of the file: a postmortem whose
    facts are unchanged keeps its row, whatever else its edit changed.
    """
    return (pm.id, pm.relpath, pm.failed, pm.title, pm.date, pm.severity, pm.status, repr(pm.meta.get("approvals")),
            tuple(reviewers_of(pm)), tuple(pm.authors), tuple(pm.services))


def needs_approvals(pm: Postmortem, config: KBConfig) -> bool:
    return pm.status in approval_statuses(config)


# -- the review queue ----------------------------------------------------------

@dataclass
class ReviewEntry:
    """One postmortem that needs someone's attention (the /reviews/ page lists these)."""

    postmortem: Postmortem
    kind: str  # AWAITING, STALE_DRAFT or MISSING_APPROVALS
    # Days since the incident's date (the file records no other date); None when undated.
    age_days: int | None
    approval: ApprovalState
    # Requested reviewers who have not approved yet.
    waiting_on: list[str]


def age_in_days(pm: Postmortem, today: dt.date) -> int | None:
    return (today - pm.date).days if pm.date else None


def review_queue(postmortems: Iterable[Postmortem], config: KBConfig, today: dt.date | None = None,
                 rules: ReviewRules | None = None) -> list[ReviewEntry]:
    """What waits on review: postmortems in review, stale drafts, and published ones short of approvals.

    A draft is stale when its incident is more than `review.stale_draft_days`
    old. Oldest first within each kind; kinds in that order.
    """
    today = today or dt.date.today()
    rules = rules or ReviewRules.from_config(config)
    stale_after = int(config.review.get("stale_draft_days") or DEFAULTS["review"]["stale_draft_days"])
    entries: list[ReviewEntry] = []
    for pm in postmortems:
        if pm.failed:
            continue
        age = age_in_days(pm, today)
        kind = None
        if pm.status in review_statuses(config):
            kind = AWAITING
        elif pm.status == draft_status(config) and age is not None and age > stale_after:
            kind = STALE_DRAFT
        elif needs_approvals(pm, config) and not rules.state(pm).satisfied:
            kind = MISSING_APPROVALS
        if kind is None:
            continue
        state = rules.state(pm)
        approved = {name_key(a.by) for a in approvals_of(pm)}
        waiting = [name for name in reviewers_of(pm) if name_key(name) not in approved]
        entries.append(ReviewEntry(pm, kind, age, state, waiting))
    order = {AWAITING: 0, STALE_DRAFT: 1, MISSING_APPROVALS: 2}
    entries.sort(key=lambda e: (order[e.kind], -(e.age_days if e.age_days is not None else -1), e.postmortem.id))
    return entries


def review_record(entry: ReviewEntry) -> dict[str, Any]:
    """A queue entry as JSON values (for `postmortem review --format json` and the site's data)."""
    pm, state = entry.postmortem, entry.approval
    return {
        "id": pm.id,
        "title": pm.title,
        "status": pm.status,
        "severity": pm.severity,
        "date": pm.date.isoformat() if pm.date else None,
        "kind": entry.kind,
        "age_days": entry.age_days,
        "approvals": [a.by for a in state.counted],
        "required": state.required,
        "missing": state.missing,
        "may_approve": state.may_approve,
        "reviewers": reviewers_of(pm),
        "waiting_on": entry.waiting_on,
        "path": pm.relpath,
    }


# -- writing review state into the file ------------------------------------------

class ReviewError(Exception):
    """A review edit that cannot be made; the message says why and what to do (nothing was written)."""


def rewrite_postmortem(config: KBConfig, path: Path, edit: Callable[[list[str], Postmortem], list[str] | None],
                       lock_timeout: float = 30.0) -> bool:
    """Read a postmortem under its lock, let `edit` change its lines, write it back atomically.

    `edit` gets the file's lines (no line ends) and the loaded model (whose
    line numbers index those lines from 1) and returns the new lines, or
    None for no change. Only a regular file inside the postmortems folder
    is written; a file changed by someone else meanwhile is left alone.
    Returns whether the file was written.
    """
    from postmortem_kb.atomic import remove_stale_temps, replace
    from postmortem_kb.files import RefusedFile, policy_problem, read_regular
    from postmortem_kb.kb import display_path
    from postmortem_kb.loader import MAX_FILE_BYTES, load_postmortem_bytes
    from postmortem_kb.locking import LockTimeout, exclusive_lock

    problem = policy_problem(path, config.postmortems_dir)
    if problem is not None:
        raise ReviewError(f"{display_path(path)}: {problem}; nothing written")
    path = Path(os.path.realpath(path)) if path.is_symlink() else path
    shown = display_path(path)
    try:
        with exclusive_lock(path, lock_timeout):
            remove_stale_temps(path)
            try:
                data = read_regular(path, MAX_FILE_BYTES)
            except (OSError, RefusedFile) as exc:
                raise ReviewError(f"{shown}: cannot read: {exc}") from None
            pm = load_postmortem_bytes(data, path, config, shown)
            if pm.failed:
                first = pm.diagnostics[0]
                raise ReviewError(f"{first.path}:{first.line}: {first.message}; fix it first, nothing written")
            text = data.decode("utf-8")
            newline = "\r\n" if "\r\n" in text else "\n"
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            changed = edit(lines, pm)
            if changed is None or changed == lines:
                return False
            new_text = newline.join(changed)
            if len(new_text.encode("utf-8")) > MAX_FILE_BYTES:
                raise ReviewError(f"{shown}: the edit would take the file over the size limit; nothing written")
            if path.read_bytes() != data:
                raise ReviewError(f"{shown}: the file changed while it was being edited; nothing written, run it again")
            replace(path, new_text)
            return True
    except LockTimeout as exc:
        raise ReviewError(f"{shown}: another writer held its lock ({exc.lock_path.name}) for over "
                          f"{exc.timeout:g} s; nothing written") from None
    except OSError as exc:
        raise ReviewError(f"{shown}: cannot write ({exc.filename or shown}: {exc.strerror or exc}); "
                          "nothing written") from None


def _approval_line(approval: dict[str, Any]) -> str:
    by = yaml_scalar(str(approval["by"]), "{by: {}}")
    when = approval["date"]
    date = when.isoformat() if isinstance(when, dt.date) else yaml_scalar(str(when), "{date: {}}")
    return f"{{by: {by}, date: {date}}}"


def _closing_line(pm: Postmortem) -> int:
    return pm.body_line - 1  # the closing `---`


def _key_span(lines: list[str], pm: Postmortem, key: str) -> tuple[int, int] | None:
    """(first, last) file lines of a top-level front matter key and its value; None when absent."""
    start = pm.meta_lines.get(key)
    if start is None or key not in pm.meta:
        return None
    later = [line for line in pm.meta_lines.values() if line > start]
    end = (min(later) if later else _closing_line(pm)) - 1
    # Comments and blank lines at the left edge before the next key introduce that key.
    while end > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return start, end


def _set_key(lines: list[str], pm: Postmortem, key: str, block: list[str], after: str | None = None) -> list[str]:
    """The lines with `key`'s lines replaced by `block` (or `block` added: after `after`'s, else at the end)."""
    span = _key_span(lines, pm, key)
    if span is not None:
        start, end = span
        return [*lines[:start - 1], *block, *lines[end:]]
    anchor = _key_span(lines, pm, after) if after else None
    at = anchor[1] if anchor else _closing_line(pm) - 1
    return [*lines[:at], *block, *lines[at:]]


def _kept_comment(lines: list[str], span: tuple[int, int] | None, key: str) -> str:
    """The comment after an empty value (`approvals: []  # hint`), to keep on the rewritten key line."""
    if span is None or span[0] != span[1]:
        return ""
    match = re.match(rf"^{re.escape(key)}:\s*(?:\[\s*\])?\s+(#.*)$", lines[span[0] - 1])
    return f"  {match.group(1)}" if match else ""


def _is_block_list(lines: list[str], span: tuple[int, int]) -> bool:
    start, end = span
    return end > start and lines[start].lstrip().startswith("-") and lines[start][:1].isspace()


def _require_front_matter(pm: Postmortem) -> None:
    if pm.body_line <= 1:
        raise ReviewError(f"{pm.relpath}: has no front matter to record a review in; nothing written")
    duplicated = [d for d in pm.diagnostics if d.rule == "duplicate-key"]
    if duplicated:
        raise ReviewError(f"{duplicated[0].path}:{duplicated[0].line}: {duplicated[0].message}; nothing written")


def _check_edit(config: KBConfig, pm: Postmortem, new_lines: list[str], key: str, expected: Any) -> None:
    """The edited file reads as before but for `key`, which reads as `expected`."""
    from postmortem_kb.loader import parse_postmortem

    after = parse_postmortem("\n".join(new_lines), pm.path, config)
    others_before = {k: v for k, v in pm.meta.items() if k != key}
    others_after = {k: v for k, v in after.meta.items() if k != key}
    if after.failed or others_after != others_before or after.meta.get(key) != expected or after.body != pm.body:
        raise ReviewError(f"{pm.relpath}: `{key}:` is written in a shape this command cannot edit safely; "
                          "nothing written. Edit it by hand")


def find_postmortem_file(config: KBConfig, pm_id: str) -> Path:
    from postmortem_kb.kb import find_postmortem

    path = find_postmortem(config, pm_id)
    if path is None:
        raise ReviewError(f"no postmortem has the id {pm_id!r} in {config.postmortems_dir}; an id is a file name "
                          "without .md (`postmortem list --format csv` lists them)")
    return path


@dataclass
class ReviewChange:
    path: Path
    written: bool
    message: str
    state: ApprovalState | None = None


def approve(config: KBConfig, pm_id: str, name: str, on: dt.date | None = None,
            rules: ReviewRules | None = None) -> ReviewChange:
    """Add `name`'s approval (dated `on`, default today) to a postmortem; the same person twice changes nothing.

    Refused (ReviewError, nothing written) for an author of the postmortem
    and for someone the rules do not allow to approve it.
    """
    name = name.strip()
    if not name:
        raise ReviewError("no approver name: pass --as NAME (or set `git config user.name`)")
    on = on or dt.date.today()
    rules = rules or ReviewRules.from_config(config)
    path = find_postmortem_file(config, pm_id)
    outcome: dict[str, Any] = {}

    def edit(lines: list[str], pm: Postmortem) -> list[str] | None:
        _require_front_matter(pm)
        if name_key(name) in {name_key(a) for a in pm.authors}:
            raise ReviewError(f"{name} is an author of {pm.id} and cannot approve it; "
                              f"may approve: {rules.state(pm).who_may_approve()}")
        if not rules.may(pm, name):
            raise ReviewError(f"{name} may not approve {pm.id} under the review rules; "
                              f"may approve: {rules.state(pm).who_may_approve()}")
        existing = next((a for a in approvals_of(pm) if name_key(a.by) == name_key(name)), None)
        if existing is not None:
            when = existing.date.isoformat() if existing.date else "an undated day"
            outcome["message"] = f"{pm.id}: already approved by {existing.by} on {when}; nothing changed"
            return None
        value = pm.meta.get("approvals")
        if value is not None and not isinstance(value, list):
            raise ReviewError(f"{pm.relpath}: `approvals:` is not a list; nothing written. Fix it by hand")
        entry = {"by": name, "date": on}
        expected = [*(value or []), entry]
        span = _key_span(lines, pm, "approvals")
        if span is not None and _is_block_list(lines, span) and value:
            # A block list keeps its lines (and comments); the new approval goes after them.
            start, end = span
            last_item = max(n for n in range(start + 1, end + 1) if lines[n - 1].lstrip().startswith("-"))
            indent = lines[last_item - 1][: len(lines[last_item - 1]) - len(lines[last_item - 1].lstrip())]
            new_lines = [*lines[:end], f"{indent}- {_approval_line(entry)}", *lines[end:]]
        else:
            for old in value or []:
                if not (isinstance(old, dict) and set(old) == {"by", "date"}):
                    raise ReviewError(f"{pm.relpath}: an entry of `approvals:` is not `{{by: ..., date: ...}}`; "
                                      "nothing written. Fix it by hand")
            block = ["approvals:" + _kept_comment(lines, span, "approvals"),
                     *(f"  - {_approval_line(a)}" for a in expected)]
            new_lines = _set_key(lines, pm, "approvals", block, after="reviewers")
        _check_edit(config, pm, new_lines, "approvals", expected)
        outcome["message"] = f"{pm.id}: approved by {name} on {on.isoformat()}"
        return new_lines

    written = rewrite_postmortem(config, path, edit)
    from postmortem_kb.kb import load_one

    state = rules.state(load_one(path, config))
    return ReviewChange(path, written, outcome.get("message", ""), state)


def request_review(config: KBConfig, pm_id: str, names: list[str],
                   rules: ReviewRules | None = None) -> ReviewChange:
    """Add people to a postmortem's `reviewers:` (names already there are kept once)."""
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise ReviewError("--request needs a name")
    rules = rules or ReviewRules.from_config(config)
    path = find_postmortem_file(config, pm_id)
    outcome: dict[str, Any] = {}

    def edit(lines: list[str], pm: Postmortem) -> list[str] | None:
        _require_front_matter(pm)
        authors = {name_key(a) for a in pm.authors}
        for name in names:
            if name_key(name) in authors:
                raise ReviewError(f"{name} is an author of {pm.id}; ask someone else to review it "
                                  f"(may approve: {rules.state(pm).who_may_approve()})")
        value = pm.meta.get("reviewers")
        if value is not None and not isinstance(value, list):
            raise ReviewError(f"{pm.relpath}: `reviewers:` is not a list; nothing written. Fix it by hand")
        current = [str(v) for v in value or []]
        known = {name_key(v) for v in current}
        added = [n for n in dict.fromkeys(names) if name_key(n) not in known]
        notes = [n for n in added if not rules.may(pm, n)]
        outcome["notes"] = notes
        if not added:
            outcome["message"] = f"{pm.id}: {', '.join(names)} already asked to review; nothing changed"
            return None
        expected = [*(value or []), *added]
        if any(not isinstance(v, str) for v in value or []):
            raise ReviewError(f"{pm.relpath}: `reviewers:` holds something other than names; fix it by hand")
        comment = _kept_comment(lines, _key_span(lines, pm, "reviewers"), "reviewers")
        block = [f"reviewers: [{', '.join(yaml_scalar(v) for v in expected)}]{comment}"]
        new_lines = _set_key(lines, pm, "reviewers", block, after="authors")
        _check_edit(config, pm, new_lines, "reviewers", expected)
        outcome["message"] = f"{pm.id}: review requested from {', '.join(added)}"
        return new_lines

    written = rewrite_postmortem(config, path, edit)
    message = outcome.get("message", "")
    for name in outcome.get("notes", []):
        message += f"\nnote: {name} is not among those who may approve it; their approval would not count"
    return ReviewChange(path, written, message)
