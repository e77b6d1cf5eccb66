"""Action items against the tracker: read an export, report drift, write closed tickets back.

A tracker is read from an export a team can make offline (nothing here
talks to a network):

- GitHub: `gh issue list --state all --json number,title,state,url,closedAt,assignees,labels`
  (a list of issues; `state` is OPEN or CLOSED; the REST API's shape,
  `html_url`, `closed_at`, `state_reason`, is read too).
- Jira: a search response (`/rest/api/2/search`, `/rest/api/3/search/jql`):
  `issues[].key` and `fields.status.statusCategory.key` (new,
  indeterminate, done), `fields.resolutiondate`, `fields.assignee`,
  `fields.resolution.name`.
- CSV: a header row naming a ticket, a status and a closed date column
  (and, optionally, an assignee).

An item's Ticket cell names its tickets (`OPS-12`, `#42`, `org/repo#42`,
an issue URL, several separated by commas). Only tickets of the export's
kind are checked (its Jira projects, its GitHub repository): a Jira export
says nothing about `#42`. Drift, per item:

- `closed-ticket`: every ticket of the item is closed and the item is open;
  `--write` sets the item's status (done, or wontfix for a ticket closed
  as not planned / won't do) and its Closed column, if the table has one.
- `open-ticket`: the item is done or wontfix and a ticket is open. Not
  written: reopening reviewed work from a ticket someone forgot to close
  would undo the record; the ticket wants closing.
- `unknown-ticket`: the export has no such ticket (a typo, or an export cut
  short: `gh issue list` returns 30 issues unless given `--limit`).
- `owner-differs`: the ticket has assignees and the item's owner is none of them.

Writes go through the model's spans (`ActionItem.line` is the row's line;
the table's header, read with the same markdown parser as the loader,
says which cell is the status) and `review.rewrite_postmortem` (lock,
atomic replace, refusal of files outside the postmortems folder). A
written file is loaded again and every other item must read as before.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from postmortem_kb.config import KBConfig
from postmortem_kb.model import ActionItem, Postmortem

OPEN, DONE, WONTFIX = "open", "done", "wontfix"
CLOSED_TICKET, OPEN_TICKET, UNKNOWN_TICKET, OWNER_DIFFERS = (
    "closed-ticket", "open-ticket", "unknown-ticket", "owner-differs")
DRIFT_KINDS = (CLOSED_TICKET, OPEN_TICKET, UNKNOWN_TICKET, OWNER_DIFFERS)

# Tracker words for "closed without doing it" (GitHub's not-planned, Jira resolutions, labels).
_WONTFIX_WORDS = {"wontfix", "won't fix", "wont fix", "won't do", "wont do", "not planned", "not_planned",
                  "declined", "duplicate", "invalid", "cancelled", "canceled", "rejected", "obsolete"}
_DONE_WORDS = {"done", "closed", "resolved", "fixed", "complete", "completed", "released", "finished"}
_JIRA_KEY = re.compile(r"(?<![A-Za-z0-9_-])([A-Z][A-Z0-9_]+)-(\d+)(?![A-Za-z0-9_-])")
_GITHUB_REF = re.compile(r"(?<![\w/#])(?:([\w.-]+/[\w.-]+))?#(\d+)\b")
_GITHUB_URL = re.compile(r"https?://[^\s/]+/([\w.-]+/[\w.-]+)/(?:issues|pull)/(\d+)")
_JIRA_URL = re.compile(r"https?://[^\s)]+/browse/([A-Z][A-Z0-9_]+-\d+)")
_CLOSED_HEADER = re.compile(r"^(?:closed|completed|resolved|done)(?:[ _-]?(?:on|at|date))?$|^(?:date closed|closed date|"
                            r"completion date|resolution date)$", re.I)


class ReconcileError(Exception):
    """An export that cannot be read; the message says which and why."""


# -- what the tracker says ---------------------------------------------------------

@dataclass(frozen=True)
class TrackerTicket:
    key: str  # as the tracker writes it: OPS-12, org/repo#42, INC0012
    state: str  # OPEN, DONE or WONTFIX
    closed: dt.date | None = None
    assignees: tuple[str, ...] = ()  # every name the assignees go by (login, display name, email)
    url: str = ""
    title: str = ""

    @property
    def is_closed(self) -> bool:
        return self.state != OPEN


@dataclass
class Tracker:
    source: str
    tickets: list[TrackerTicket] = field(default_factory=list)
    _index: dict[tuple[str, str], TrackerTicket] = field(default_factory=dict, repr=False)
    _ambiguous: set[tuple[str, str]] = field(default_factory=set, repr=False)

    def add(self, ticket: TrackerTicket) -> None:
        self.tickets.append(ticket)
        for ref in refs_in(ticket.key) or [raw_ref(ticket.key)]:
            self._put(ref, ticket)
            if ref[0] == "github" and "#" in ref[1] and not ref[1].startswith("#"):
                self._put(("github", "#" + ref[1].split("#", 1)[1]), ticket)

    def _put(self, ref: tuple[str, str], ticket: TrackerTicket) -> None:
        other = self._index.get(ref)
        if other is not None and other.key != ticket.key:
            self._ambiguous.add(ref)  # `#42` of two repositories
        self._index[ref] = ticket

    def namespaces(self) -> set[str]:
        return {namespace(ref) for ref in self._index}

    def find(self, ref: tuple[str, str]) -> TrackerTicket | None | bool:
        """The ticket of a reference; None when unknown; False when it names two tickets."""
        if ref in self._ambiguous:
            return False
        return self._index.get(ref)


def namespace(ref: tuple[str, str]) -> str:
    kind, key = ref
    if kind == "jira":
        return "jira:" + key.rsplit("-", 1)[0]
    return kind


def raw_ref(text: str) -> tuple[str, str]:
    return "raw", " ".join(text.split()).casefold()


def refs_in(cell: str) -> list[tuple[str, str]]:
    """The ticket references a cell makes: ("jira", "OPS-12"), ("github", "org/repo#42" or "#42")."""
    found: list[tuple[str, str]] = []
    rest = cell
    for match in _GITHUB_URL.finditer(cell):
        found.append(("github", f"{match.group(1).casefold()}#{int(match.group(2))}"))
    rest = _GITHUB_URL.sub(" ", rest)
    for match in _JIRA_URL.finditer(rest):
        found.append(("jira", match.group(1)))
    rest = re.sub(r"https?://\S+", " ", rest)
    for match in _JIRA_KEY.finditer(rest):
        found.append(("jira", f"{match.group(1)}-{int(match.group(2))}"))
    for match in _GITHUB_REF.finditer(rest):
        repo = match.group(1)
        found.append(("github", f"{repo.casefold()}#{int(match.group(2))}" if repo else f"#{int(match.group(2))}"))
    return list(dict.fromkeys(found))


def _state_word(text: str) -> str | None:
    word = " ".join(str(text).replace("_", " ").split()).casefold()
    if word in _WONTFIX_WORDS or word.replace(" ", "_") in _WONTFIX_WORDS:
        return WONTFIX
    if word in _DONE_WORDS:
        return DONE
    return None


def _date(value: Any) -> dt.date | None:
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    # gh wrote the zero time for "not closed" in some versions.
    return None if moment.year <= 1 else moment.date()


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ReconcileError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ReconcileError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None


def read_github(data: Any, where: str = "export") -> list[TrackerTicket]:
    """Issues from `gh issue list --json number,title,state,url,closedAt,assignees,labels` (or the REST API)."""
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]  # the search API's wrapper
    if not isinstance(data, list):
        raise ReconcileError(f"{where}: a GitHub export is a JSON list of issues "
                             "(gh issue list --json number,title,state,url,closedAt,assignees,labels)")
    tickets = []
    for n, issue in enumerate(data):
        if not isinstance(issue, dict) or not isinstance(issue.get("number"), int) or "state" not in issue:
            raise ReconcileError(f"{where}: issue {n + 1} has no `number` and `state`; "
                                 "export with --json number,title,state,url,closedAt,assignees,labels")
        url = str(issue.get("url") or issue.get("html_url") or "")
        repo = _GITHUB_URL.search(url)
        key = f"{repo.group(1)}#{issue['number']}" if repo else f"#{issue['number']}"
        state = OPEN
        if str(issue["state"]).casefold() == "closed":
            reason = str(issue.get("stateReason") or issue.get("state_reason") or "")
            labels = [label.get("name", "") if isinstance(label, dict) else str(label)
                      for label in issue.get("labels") or []]
            not_planned = _state_word(reason) == WONTFIX or any(_state_word(l) == WONTFIX for l in labels)
            state = WONTFIX if not_planned else DONE
        names: list[str] = []
        for person in issue.get("assignees") or []:
            if isinstance(person, dict):
                names += [str(person[k]) for k in ("login", "name") if person.get(k)]
        tickets.append(TrackerTicket(key, state, _date(issue.get("closedAt") or issue.get("closed_at")),
                                     tuple(names), url, str(issue.get("title") or "")))
    return tickets


def read_jira(data: Any, where: str = "export") -> list[TrackerTicket]:
    """Issues from a Jira search response: `issues[].key`, `fields.status.statusCategory.key`, ..."""
    if not isinstance(data, dict) or not isinstance(data.get("issues"), list):
        raise ReconcileError(f"{where}: a Jira export is a search response with `issues` "
                             "(GET /rest/api/2/search?jql=...&fields=status,resolution,resolutiondate,assignee)")
    tickets = []
    for n, issue in enumerate(data["issues"]):
        fields = issue.get("fields") if isinstance(issue, dict) else None
        if not isinstance(fields, dict) or not isinstance(issue.get("key"), str):
            raise ReconcileError(f"{where}: issue {n + 1} has no `key` and `fields`; ask the search for "
                                 "fields=status,resolution,resolutiondate,assignee")
        status = fields.get("status") or {}
        category = str(((status.get("statusCategory") or {}) if isinstance(status, dict) else {}).get("key") or "")
        if not category:
            raise ReconcileError(f"{where}: {issue['key']} has no `fields.status.statusCategory.key`; "
                                 "include `status` in the search's fields")
        state = OPEN
        if category.casefold() == "done":
            resolution = fields.get("resolution")
            name = resolution.get("name", "") if isinstance(resolution, dict) else ""
            state = WONTFIX if _state_word(name) == WONTFIX else DONE
        person = fields.get("assignee")
        names = tuple(str(person[k]) for k in ("name", "displayName", "emailAddress", "accountId")
                      if isinstance(person, dict) and person.get(k))
        self_url = str(issue.get("self") or "")
        base = self_url.split("/rest/api/", 1)[0] if "/rest/api/" in self_url else ""
        tickets.append(TrackerTicket(issue["key"], state, _date(fields.get("resolutiondate")), names,
                                     f"{base}/browse/{issue['key']}" if base else "", str(fields.get("summary") or "")))
    return tickets


_CSV_COLUMNS = {
    "ticket": ("ticket", "key", "issue", "issue key", "ticket id", "issue id", "id", "number"),
    "status": ("status", "state"),
    "closed": ("closed", "closed date", "closed at", "closedat", "date closed", "resolved", "resolved at",
               "resolution date", "resolutiondate", "done date", "completed", "completed at"),
    "assignee": ("assignee", "assignees", "owner", "assigned to"),
}


def read_csv_text(text: str, where: str = "export") -> list[TrackerTicket]:
    """Tickets from a CSV with a header row: ticket, status, closed date (assignee optional)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ReconcileError(f"{where}: empty; a CSV needs a header row with ticket, status and closed date")
    header = [" ".join(h.replace("_", " ").split()).casefold() for h in rows[0]]
    columns = {}
    for name, words in _CSV_COLUMNS.items():
        columns[name] = next((n for n, h in enumerate(header) if h in words), None)
    if columns["ticket"] is None or columns["status"] is None:
        raise ReconcileError(f"{where}: the header ({', '.join(rows[0])}) names no ticket or no status column")

    def cell(row: list[str], name: str) -> str:
        index = columns[name]
        return row[index].strip() if index is not None and index < len(row) else ""

    tickets = []
    for row in rows[1:]:
        key = cell(row, "ticket")
        if not key:
            continue
        closed = _date(cell(row, "closed"))
        state = _state_word(cell(row, "status"))
        if state is None:
            state = DONE if closed else OPEN
        assignees = tuple(a.strip() for a in re.split(r"[;,]", cell(row, "assignee")) if a.strip())
        tickets.append(TrackerTicket(key, state, closed if state != OPEN else None, assignees))
    return tickets


def read_tracker(source: str, paths: Iterable[Path]) -> Tracker:
    """Every ticket in the export files (a paged Jira search is one file a page)."""
    tracker = Tracker(source)
    for path in paths:
        if source == "csv":
            try:
                text = Path(path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise ReconcileError(f"{path}: cannot read: {exc}") from None
            found = read_csv_text(text, str(path))
        elif source == "github":
            found = read_github(_load_json(Path(path)), str(path))
        elif source == "jira":
            found = read_jira(_load_json(Path(path)), str(path))
        else:
            raise ReconcileError(f"unknown tracker {source!r}: github, jira or csv")
        for ticket in found:
            tracker.add(ticket)
    return tracker


# -- drift -------------------------------------------------------------------------

@dataclass
class Drift:
    kind: str
    postmortem: Postmortem
    item: ActionItem
    ticket: str  # the reference as found in the cell
    tracker_ticket: TrackerTicket | None
    message: str
    # The status --write gives the item (closed-ticket drift in a table row); None: a person decides.
    fix: str | None = None

    def as_dict(self) -> dict[str, Any]:
        found = self.tracker_ticket
        return {
            "kind": self.kind,
            "postmortem": self.postmortem.id,
            "path": self.postmortem.relpath,
            "line": self.item.line,
            "action": self.item.action,
            "owner": self.item.owner,
            "status": self.item.status,
            "ticket": self.ticket,
            "tracker": None if found is None else {
                "key": found.key, "state": found.state, "closed": found.closed.isoformat() if found.closed else None,
                "assignees": list(found.assignees), "url": found.url},
            "fix": self.fix,
            "message": self.message,
        }


@dataclass
class ReconcileReport:
    source: str
    drift: list[Drift] = field(default_factory=list)
    checked: int = 0  # items with a ticket of this tracker
    in_sync: int = 0
    # Items whose tickets belong to another tracker, or name none.
    not_this_tracker: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "checked": self.checked, "in_sync": self.in_sync,
                "not_this_tracker": self.not_this_tracker, "drift": [d.as_dict() for d in self.drift]}

    def lines(self) -> list[str]:
        return [f"{d.postmortem.relpath}:{d.item.line}: {d.kind} {d.message}" for d in self.drift]

    def summary(self) -> str:
        counts = {kind: sum(1 for d in self.drift if d.kind == kind) for kind in DRIFT_KINDS}
        parts = [f"{n} {kind}" for kind, n in counts.items() if n]
        return (f"{self.checked} item(s) with a {self.source} ticket: {self.in_sync} in sync, "
                f"{len(self.drift)} drift{' (' + ', '.join(parts) + ')' if parts else ''}")


def _owner_names(owner: str) -> list[str]:
    return [part.strip().lstrip("@").casefold() for part in re.split(r",|/|&|\band\b", owner) if part.strip()]


def _answers_to(ticket: TrackerTicket) -> set[str]:
    names = set()
    for name in ticket.assignees:
        key = name.strip().lstrip("@").casefold()
        names.add(key)
        if "@" in key:
            names.add(key.split("@", 1)[0])
    return names


def _closed_status(config: KBConfig, wanted: str) -> str:
    """The config's word for done or wontfix (a team may rename its action statuses)."""
    closed = [s for s in config.action_statuses if s not in config.open_action_statuses]
    for status in closed:
        if status.casefold() == wanted:
            return status
    return closed[0] if closed else wanted


def reconcile(postmortems: Iterable[Postmortem], tracker: Tracker, config: KBConfig) -> ReconcileReport:
    """The drift between the items of `postmortems` and what `tracker` says."""
    from postmortem_kb.ledger import is_open

    report = ReconcileReport(tracker.source)
    scope = tracker.namespaces()
    for pm in postmortems:
        for item in pm.actions:
            refs = [ref for ref in refs_in(item.ticket) if namespace(ref) in scope]
            if not refs and "raw" in scope and item.ticket.strip():
                refs = [raw_ref(item.ticket)]
            if not refs:
                report.not_this_tracker += 1
                continue
            report.checked += 1
            found: list[tuple[str, TrackerTicket]] = []
            drift: list[Drift] = []
            for ref in refs:
                ticket = tracker.find(ref)
                if ticket is False:
                    continue  # `#42` in an export of two repositories: cannot tell which
                if ticket is None:
                    drift.append(Drift(UNKNOWN_TICKET, pm, item, ref[1], None,
                                       f"ticket {ref[1]} is not in the {tracker.source} export (a typo, or an "
                                       "export cut short?)"))
                elif all(t.key != ticket.key for _, t in found):
                    found.append((ref[1], ticket))
            item_open = is_open(item, config)
            tickets = [t for _, t in found]
            if tickets and item_open and all(t.is_closed for t in tickets):
                state = DONE if any(t.state == DONE for t in tickets) else WONTFIX
                fix = _closed_status(config, state)
                when = max((t.closed for t in tickets if t.closed), default=None)
                drift.append(Drift(CLOSED_TICKET, pm, item, found[0][0], tickets[0],
                                   f"{', '.join(t.key for t in tickets)} closed"
                                   f"{' on ' + when.isoformat() if when else ''} ({state}) but the item is "
                                   f"{item.status.strip() or 'open'}; --write sets it to {fix}",
                                   fix if item.from_table else None))
            elif tickets and not item_open:
                for ref_text, ticket in found:
                    if not ticket.is_closed:
                        drift.append(Drift(OPEN_TICKET, pm, item, ref_text, ticket,
                                           f"the item is {item.status.strip()} but {ticket.key} is still open; "
                                           "close the ticket (or reopen the item)"))
            owners = _owner_names(item.owner)
            if owners and item_open:
                for ref_text, ticket in found:
                    names = _answers_to(ticket)
                    if names and not any(owner in names for owner in owners):
                        drift.append(Drift(OWNER_DIFFERS, pm, item, ref_text, ticket,
                                           f"the item's owner is {item.owner.strip()} but {ticket.key} is assigned "
                                           f"to {', '.join(ticket.assignees)}"))
            if drift:
                report.drift.extend(drift)
            else:
                report.in_sync += 1
    return report


# -- writing closed tickets back ------------------------------------------------------

def cell_spans(row: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each cell of a table row, as GFM splits it (at pipes not after a backslash)."""
    pipes = [n for n, char in enumerate(row) if char == "|" and (n == 0 or row[n - 1] != "\\")]
    if not pipes:
        return []
    bounds = [-1, *pipes, len(row)]
    spans = [(bounds[n] + 1, bounds[n + 1]) for n in range(len(bounds) - 1)]
    if not row[: pipes[0]].strip():
        spans = spans[1:]  # a leading pipe opens the row
    if not row[pipes[-1] + 1:].strip():
        spans = spans[:-1]  # a trailing pipe closes it
    return spans


def _set_cell(row: str, spans: list[tuple[int, int]], index: int, value: str) -> str:
    start, end = spans[index]
    old = row[start:end]
    new = f" {value} "
    if len(new) < len(old):
        new = new.ljust(len(old))  # an aligned table stays aligned
    return row[:start] + new + row[end:]


def _table_columns(pm: Postmortem, line: int) -> tuple[int | None, int | None]:
    """(status column, closed-date column) of the table holding file line `line`."""
    from postmortem_kb.action_reader import action_columns
    from postmortem_kb.markdown_blocks import Table, read_blocks

    for block in read_blocks(pm.body, pm.body_line).blocks:
        if isinstance(block, Table) and block.line <= line <= block.end_line:
            columns = action_columns(block.header)
            status = columns.get("status")
            closed = next((n for n, name in enumerate(block.header)
                           if n != status and _CLOSED_HEADER.match(name.strip().strip("*_ "))), None)
            return status, closed
    return None, None


def write_fixes(config: KBConfig, report: ReconcileReport) -> tuple[list[str], list[str]]:
    """Apply the closed-ticket fixes of `report` to the files; ([written paths], [problems])."""
    from postmortem_kb.loader import parse_postmortem
    from postmortem_kb.review import ReviewError, rewrite_postmortem

    by_file: dict[Path, dict[int, Drift]] = {}
    for drift in report.drift:
        if drift.kind == CLOSED_TICKET and drift.fix:
            by_file.setdefault(drift.postmortem.path, {})[drift.item.line] = drift
    written, problems = [], []
    for path, fixes in by_file.items():
        def edit(lines: list[str], pm: Postmortem, fixes=fixes, path=path) -> list[str] | None:
            new_lines = list(lines)
            expected = {}
            for item in pm.actions:
                drift = fixes.get(item.line)
                if drift is None or not item.from_table or item.action != drift.item.action:
                    continue
                status_col, closed_col = _table_columns(pm, item.line)
                row = new_lines[item.line - 1]
                spans = cell_spans(row)
                if status_col is None or status_col >= len(spans):
                    raise ReviewError(f"{pm.relpath}:{item.line}: the row has no Status cell to set; "
                                      "add the column (| Status |) or edit it by hand")
                row = _set_cell(row, spans, status_col, drift.fix)
                when = drift.tracker_ticket.closed if drift.tracker_ticket else None
                if closed_col is not None and when is not None:
                    spans = cell_spans(row)
                    if closed_col < len(spans) and not row[spans[closed_col][0]:spans[closed_col][1]].strip():
                        row = _set_cell(row, spans, closed_col, when.isoformat())
                new_lines[item.line - 1] = row
                expected[item.line] = drift.fix
            if not expected:
                return None
            after = parse_postmortem("\n".join(new_lines), pm.path, config)
            before_items = {i.line: i.as_dict() for i in pm.actions}
            for item in after.actions:
                old = before_items.get(item.line)
                want = {**old, "status": expected[item.line]} if old and item.line in expected else old
                if item.as_dict() != want:
                    raise ReviewError(f"{pm.relpath}:{item.line}: setting the status would change how the "
                                      "row reads; nothing written. Edit it by hand")
            if after.failed or after.meta != pm.meta or len(after.actions) != len(pm.actions):
                raise ReviewError(f"{pm.relpath}: the edit does not read back as expected; nothing written")
            return new_lines

        try:
            if rewrite_postmortem(config, path, edit):
                written.append(next(iter(fixes.values())).postmortem.relpath)
        except ReviewError as exc:
            problems.append(str(exc))
    return written, problems
