"""Action items written as prose: one list item in, what it asks and its
owner, ticket, status, due date and priority out.

Teams write `- [x] Rotate the deploy token (@wei, OPS-12)`, `- ✅ Add an
alert — Platform team`, `- Add a canary. Owner: lee, due: March 1, 2024` or
`- ~~Pin the Flux version~~`. The notation is taken out of the text only
where it is pure notation, so that the ledger reads like a sentence; a word
of the sentence itself is never dropped (`Ask @lee to rotate the token`
keeps `@lee`, `Upgrade by 2024-03-01` keeps its date, and `Fix OPS-12`
keeps the key), though the fields are still read from it.

What counts as notation:

- at the start: a checkbox (`[ ]`, `[x]`), a status mark (✅ ✔️ ☑ ⬜ 🚧,
  `:white_check_mark:`), a tag in brackets or parentheses, or a tag followed
  by a colon or a spaced dash (`DONE:`, `P1 -`, `OPS-12:`, `@lee:`);
- at the end: a status mark, a group in brackets or parentheses, labelled
  fields (`Owner: lee | Due: 2024-03-01`), the text after the last spaced
  dash when it is notation or a name (`— lee`, `- Platform Team`), and
  trailing @handles;
- anywhere: a group whose parts are all labelled fields, @handles or ticket
  references (`(owner: lee)`, `(#123)`), which no sentence needs;
- struck through as a whole (`~~...~~`, `<del>`, `<s>`): done; struck up to a
  remark that is a status (`~~Roll back~~ not needed`): that status.

A group or tag is notation when each of its parts (split at `,` `;` `|`)
is a status word, a priority (`P1`, `high`), @handles, a labelled field
(`owner: x`, `due 2024-03-01`, `ticket: x`), a ticket reference (`#123`,
`ABC-123`, `org/repo#12`, a tracker URL or a link to one) or a date. A due
date that cannot be read as a calendar date (`due Q3`) is not notation, so
it stays in the text rather than being lost.

Status is one of the default action statuses: "done", "open",
"in-progress", "wontfix", or "" when the item does not say.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from postmortem_kb.headings import (
    ACTION_ITEMS,
    DETECTION,
    RESOLUTION,
    heading_by_words,
    heading_words,
)

DONE, OPEN, IN_PROGRESS, WONTFIX = "done", "open", "in-progress", "wontfix"


@dataclass(frozen=True)
class ProseAction:
    text: str
    owner: str = ""
    ticket: str = ""
    status: str = ""
    due: str = ""  # ISO date, or "" when none is written as a calendar date
    priority: str = ""  # "P0".."P4" as written, or "critical" / "high" / "medium" / "low"


_STATUS_WORDS = {
    **dict.fromkeys(["done", "completed", "complete", "finished", "fixed", "resolved", "closed", "shipped",
                     "implemented", "merged", "deployed"], DONE),
    **dict.fromkeys(["open", "todo", "to do", "to-do", "pending", "planned", "not started", "new", "backlog"], OPEN),
    **dict.fromkeys(["wip", "in progress", "in-progress", "ongoing", "started", "doing", "in review"],
                    IN_PROGRESS),
    **dict.fromkeys(["wontfix", "won't fix", "wont fix", "won't do", "wont do", "cancelled", "canceled", "dropped",
                     "rejected", "obsolete", "not planned", "not needed", "no longer needed", "not required",
                     "superseded"], WONTFIX),
}
# Longest first: "✔️" before "✔".
_MARKS = sorted(
    [(m, DONE) for m in ("✅", "✔️", "✔︎", "✔", "☑️", "☑", "✓", "🗸", ":white_check_mark:", ":heavy_check_mark:",
                         ":ballot_box_with_check:")]
    + [(m, OPEN) for m in ("⬜", "☐", "🔲", ":white_large_square:")]
    + [(m, IN_PROGRESS) for m in ("🚧", "⏳", "🔄", ":construction:", ":hourglass:")],
    key=lambda pair: -len(pair[0]),
)
_PRIORITY_WORDS = {"critical", "urgent", "high", "medium", "low", "high priority", "medium priority",
                   "low priority", "critical priority"}
_PLACEHOLDERS = {"n/a", "na", "n a", "none", "-", "—", "–", "none so far", "none yet", "none identified",
                 "none at this time", "none for now", "nothing", "nothing yet", "nothing to do", "no action items",
                 "no actions", "no action items yet", "no follow-ups", "no follow ups", "tbd", "tba", "tbc",
                 "todo", "to do", "...", "…", "?", "n/a at this time"}
# "None - it was a one-off" is a placeholder; "None of the alerts fired" is not.
_PLACEHOLDER_LEAD = re.compile(r"^(?:n/a|none|nothing)(?:\s*[-–—:(,;.]|$)", re.I)

_CHECKBOX = re.compile(r"^\[([ xX])\]\s*")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"
         rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}})")
_DATE_ONLY = re.compile(rf"^{_DATE}$", re.I)
_DUE_IN_TEXT = re.compile(
    rf"\b(?:due(?:\s+date)?(?:\s+(?:by|on))?|by|before|deadline|eta|target(?:\s+date)?)\s*[:=]?\s*({_DATE})", re.I
)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y")

_HANDLE = r"@[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:/[A-Za-z0-9_.-]+)?"
_HANDLE_IN_TEXT = re.compile(rf"(?<![\w.+@-]){_HANDLE}")
_HANDLES_ONLY = re.compile(rf"^{_HANDLE}(?:\s*(?:,|and|&)?\s*{_HANDLE})*$")
# After a separator only: in "Sync with @platform" the handle is the sentence's object.
_TRAILING_HANDLES = re.compile(rf"(?:\s*[.,;|]|\s+/?cc:?)(?:\s+{_HANDLE})+$", re.I)
_TRAILING_LINK = re.compile(r"(?P<sep>\s+[—–-]\s+|\s*[|,;:]\s*|\s+)(?P<link>\[[^\]]*\]\([^)]*\))$")

_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((https?://[^\s)]+)(?:\s+\"[^\"]*\")?\)")
_TRACKER_PATH = re.compile(
    r"/(?:issues?|tickets?|pulls?|merge_requests|work_items|workitems|stories|story|tasks?|bugs?)/\d"
    r"|/browse/[A-Z][A-Z0-9]+-\d|/_workitems/edit/\d|show_bug\.cgi\?id=\d"
    r"|//(?:www\.)?(?:linear\.app|trello\.com/c/|app\.asana\.com|app\.shortcut\.com)/",
    re.I,
)
_KEY = re.compile(r"(?<![\w/.#-])([A-Z][A-Z0-9]{1,9})-(\d+)(?![\w-])")
# Standards, algorithms and zones look like tracker keys (UTF-8, SHA-256, UTC-7).
_NOT_KEYS = {"UTF", "SHA", "SHA1", "SHA2", "SHA3", "ISO", "RFC", "AES", "CVE", "CWE", "TLS", "SSL", "HTTP", "HTTPS",
             "IPV", "MD", "CRC", "COVID", "GPT", "ECMA", "IEC", "IEEE", "DES", "HMAC", "RSA", "ANSI", "UTC", "GMT",
             "CET", "CEST", "PST", "PDT", "EST", "EDT", "IST", "BST", "SEV", "PEP", "ES", "EC", "JSR", "GHSA", "TTL",
             "MP", "COM", "LTS"}
_HASH_REF = re.compile(r"(?<![\w&#/])((?:[\w.-]+/[\w.-]+)?#\d+)(?![\w-])(?!\s+priority)")

_OWNER_LABEL = r"owners?|assignees?|assigned\s+to|assigned|dri|responsible"
_DUE_LABEL = r"due(?:\s+date)?(?:\s+(?:by|on))?|by|deadline|eta|target(?:\s+date)?"
_FIELD = re.compile(
    rf"^(?:(?P<owner>{_OWNER_LABEL})|(?P<due>{_DUE_LABEL})|(?P<status>status|state)"
    r"|(?P<priority>priority|prio)|(?P<ticket>ticket|issue|jira|tracking|tracked\s+in|link))"
    r"[*_]{0,2}\s*(?P<colon>[:=])?[*_]{0,2}\s*(?P<value>.+)$",
    re.I,
)
_OWNER_IN_TEXT = re.compile(
    rf"(?:^|(?<=[\s(\[|;,]))[*_]{{0,2}}(?:{_OWNER_LABEL})[*_]{{0,2}}\s*:[*_]{{0,2}}\s*(?P<name>[^,;|)\]]+)", re.I
)
# Labelled fields written out after the sentence ("... Owner: lee | Due: ...").
# The labels of an action's fields, as written before a colon ("Owner:", "Due date:", "JIRA:").
_FIELD_LABEL = rf"(?:{_OWNER_LABEL}|due(?:\s+date)?|deadline|eta|status|priority|ticket|jira)"
_LABEL_IN_TEXT = re.compile(rf"(?:(?<=[\s|;,.(\[])|^)[*_]{{0,2}}{_FIELD_LABEL}[*_]{{0,2}}\s*:", re.I)
# A parenthesis right after "]" is a link's target, not a group.
_GROUP_AT_END = re.compile(r"[*_]{0,2}((?<!\])\(([^()]*)\)|\[([^\[\]]*)\])[*_]{0,2}$")
_GROUP_AT_START = re.compile(r"^[*_]{0,2}(\(([^()]*)\)|\[([^\[\]]*)\](?!\())[*_]{0,2}\s*")
_GROUP_ANYWHERE = re.compile(r"\s*(?<!\])\(([^()]*)\)|\s*\[([^\[\]]*)\](?!\()")
_FIELD_AT_START = re.compile(
    rf"^(?P<fields>[*_]{{0,2}}{_FIELD_LABEL}[*_]{{0,2}}\s*:[*_]{{0,2}}\s*(?:(?!\s[—–-]\s).)+?)\s+[—–-]\s+(?=\S)",
    re.I,
)
_TAG_AT_START = re.compile(r"^[*_]{0,2}(?P<tag>[^:*_()\[\]]{1,40}?)[*_]{0,2}\s*(?::[*_]{0,2}|\s[—–-])\s+")
_TRAILING_URL = re.compile(rf"(?P<sep>\s+[—–-]\s+|\s*[|,;:]\s*|\s+)<?(?P<url>{_URL.pattern})>?$")
# A link after one of these words is part of the sentence ("see https://..."), not the item's ticket.
_WORDS_BEFORE_A_LINK = frozenset({"see", "in", "at", "via", "from", "per", "under", "on", "to", "by", "of", "and",
                                  "or", "with", "following"})
_REF_AFTER_GROUP = re.compile(r"(?<=[)\]])\s+(#\d+|[A-Z][A-Z0-9]+-\d+)$")
_DASH_TAIL = re.compile(r"\s+[—–-]\s+(?P<tail>(?:(?!\s[—–-]\s).)+)$")
_STRUCK = re.compile(r"^(?:~~(?P<a>.+)~~|<del>(?P<b>.+)</del>|<s>(?P<c>.+)</s>)$", re.S)
# Struck through up to a remark: "~~Roll back the upgrade~~ not needed".
_STRUCK_THEN_REMARK = re.compile(
    r"^(?:~~(?P<a>.+?)~~|<del>(?P<b>.+?)</del>|<s>(?P<c>.+?)</s>)\s*(?P<remark>(?:(?!~~|</?(?:del|s)>).)+)$", re.S)
_NAME = re.compile(r"^@?[A-Z][\w.'-]*(?:\s+(?:@?[A-Z][\w.'-]*|team|squad|and|&)){0,3}$")
_LOWER_NAME = re.compile(r"^@?[a-z][a-z0-9_.-]*$")
_NOT_NAMES = {"asap", "tbd", "tba", "later", "soon", "now", "today", "tomorrow", "optional", "maybe", "again",
              "etc", "see", "note", "yes", "no", "n/a", "none", "ok", "done", "high", "low", "medium", "urgent",
              "first", "next", "then", "also", "too", "instead", "only", "once", "daily", "weekly", "monthly"}


def parse_date(text: str) -> str:
    """ISO date of `2024-03-01`, `03/01/2024` (US order), `March 1, 2024`,
    `1st Mar 2024` ...; "" when it is not a calendar date."""
    cleaned = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text.strip(), flags=re.I)
    cleaned = re.sub(r"\bsept\b", "sep", cleaned.replace(",", " ").replace(".", " "), flags=re.I)
    cleaned = " ".join(cleaned.split())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def _plain(text: str) -> str:
    return text.strip().strip("*_`").strip()


def _priority(text: str) -> str:
    low = _plain(text).lower().rstrip(".")
    match = re.fullmatch(r"(?:p|pri|prio|priority)\s*[:=]?\s*([0-4])", low)
    if match:
        return f"P{match.group(1)}"
    if low in _PRIORITY_WORDS:
        return low.split()[0]
    return ""


def _is_tracker_url(url: str) -> bool:
    return bool(_TRACKER_PATH.search(url))


def _ticket_only(text: str) -> str:
    """The ticket `text` is, when it is nothing but a reference to one."""
    text = _plain(text)
    link = _MD_LINK.fullmatch(text)
    if link:
        label, url = link.group(1).strip(), link.group(2)
        if _is_tracker_url(url) or _KEY.fullmatch(label) or _HASH_REF.fullmatch(label):
            return url
        return ""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if _URL.fullmatch(text):
        return text if _is_tracker_url(text) else ""
    key = _KEY.fullmatch(text)
    if key and key.group(1) not in _NOT_KEYS:
        return text
    if _HASH_REF.fullmatch(text):
        return text
    return ""


def _find_ticket(text: str) -> str:
    """The first ticket referred to anywhere: a tracker link, then a key, then #123."""
    for link in _MD_LINK.finditer(text):
        if _ticket_only(link.group(0)):
            return link.group(2)
    for url in _URL.finditer(text):
        candidate = url.group(0).rstrip(".,;:!?")
        if _is_tracker_url(candidate):
            return candidate
    for key in _KEY.finditer(text):
        if key.group(1) not in _NOT_KEYS:
            return key.group(0)
    ref = _HASH_REF.search(text)
    return ref.group(1) if ref else ""


def _owner_value(value: str) -> str:
    handles = _HANDLE_IN_TEXT.findall(value)
    if handles and not re.sub(r"[\s,&]|\band\b", "", _HANDLE_IN_TEXT.sub("", value)):
        return ", ".join(handle[1:] for handle in handles)
    return ", ".join(part.strip().lstrip("@") for part in re.split(r"\s*(?:,|&|\band\b)\s*", _plain(value))
                     if part.strip())


def _part(text: str) -> dict[str, str] | None:
    """The fields one part of a tag or group holds, or None when it is prose."""
    plain = _plain(text)
    low = plain.lower().replace("\u2019", "'").rstrip(".")  # "won’t fix" as typed by a word processor
    if not plain:
        return {}
    if low in _STATUS_WORDS:
        return {"status": _STATUS_WORDS[low]}
    priority = _priority(plain)
    if priority:
        return {"priority": priority}
    if _HANDLES_ONLY.match(plain):
        return {"owner": _owner_value(plain)}
    ticket = _ticket_only(plain)
    if ticket:
        return {"ticket": ticket}
    if _DATE_ONLY.match(plain):
        due = parse_date(plain)
        return {"due": due} if due else None
    field = _FIELD.match(plain)
    if not field:
        return None
    value = _plain(field.group("value")).rstrip(".")  # the sentence's full stop is not the value's
    if field.group("due"):
        due = parse_date(value) if _DATE_ONLY.match(value) else ""
        return {"due": due} if due else None
    label = field.group(0)[:len(field.group(0)) - len(field.group("value"))].lower()
    if not field.group("colon") and "assigned" not in label and "tracked" not in label \
            and not (field.group("ticket") and _ticket_only(value)):
        # "issue created", "status quo", "responsible team": words, not a field ("JIRA PAY-123" is one).
        return None
    if field.group("owner"):
        return {"owner": _owner_value(value)} if value else None
    if field.group("status"):
        status = _STATUS_WORDS.get(value.lower().rstrip("."))
        return {"status": status} if status else None
    if field.group("priority"):
        priority = _priority(value) or _priority(f"p{value}")
        return {"priority": priority} if priority else None
    ticket = _ticket_only(value)
    return {"ticket": ticket or value}


_FIELD_SEPARATOR = re.compile(
    rf"\s*[,;|]\s*|\s+[—–-]\s+"
    rf"|\.\s+(?=[*_]{{0,2}}(?:{_OWNER_LABEL}|{_DUE_LABEL}|status|priority|prio|ticket|jira)\b)",
    re.I,
)
_DATE_COMMA = re.compile(rf"({_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?),(\s*\d{{4}})", re.I)


def _notation(text: str) -> dict[str, str] | None:
    """The fields of a tag or group when every part of it is notation."""
    text = _DATE_COMMA.sub(r"\1\2", text)  # "March 1, 2024" is one part
    fields: dict[str, str] = {}
    # Fields are separated by `,` `;` `|`, a spaced dash ("owner: Sam — JIRA PAY-123") or a full stop
    # before the next label ("Owner: Priya. Due: 2024-03-01.").
    parts = [p for p in _FIELD_SEPARATOR.split(text) if p.strip()]
    if not parts:
        return None
    for part in parts:
        found = _part(part)
        if found is None:
            return None
        for key, value in found.items():
            if key == "owner" and fields.get("owner"):
                fields["owner"] += ", " + value  # "(@wei, @lee)"
            else:
                fields.setdefault(key, value)
    return fields


def labelled_fields(text: str) -> dict[str, str] | None:
    """The fields a line holds when it is nothing but notation (`Owner: Omar`, `Due: 2023-07-01`,
    `API-881`), else None: an action's sub-bullets that say who, when and where it is tracked."""
    return _notation(text)


def _only_references(fields: dict[str, str], text: str) -> bool:
    # Inside a sentence only references and labelled fields are notation;
    # a lone "(high)" or "(done)" there may be the sentence's own word.
    return bool(fields) and ("priority" not in fields and "status" not in fields or ":" in text)


class _Reader:
    def __init__(self, text: str):
        self.text = " ".join(text.split())
        self.fields: dict[str, str] = {}

    def take(self, fields: dict[str, str]) -> None:
        for key, value in fields.items():
            if value:
                self.fields.setdefault(key, value)

    # -- start ---------------------------------------------------------------
    def peel_start(self) -> bool:
        text = self.text
        box = _CHECKBOX.match(text)
        if box:
            self.take({"status": DONE if box.group(1) in "xX" else OPEN})
            self.text = text[box.end():]
            return True
        for mark, status in _MARKS:
            if text.startswith(mark):
                self.take({"status": status})
                self.text = text[len(mark):].lstrip()
                return True
        group = _GROUP_AT_START.match(text)
        if group and group.end() < len(text):
            fields = _notation(group.group(2) if group.group(2) is not None else group.group(3))
            if fields is not None:
                self.take(fields)
                self.text = text[group.end():].lstrip(" :-–—")
                return True
        field = _FIELD_AT_START.match(text)
        if field:
            # "**Owner:** Sam — Add alerting": labelled fields, then a spaced dash, then the action.
            fields = _notation(field.group("fields"))
            if fields is not None:
                self.take(fields)
                self.text = text[field.end():]
                return True
        tag = _TAG_AT_START.match(text)
        if tag and tag.end() < len(text):
            fields = _notation(tag.group("tag"))
            if fields is not None:
                self.take(fields)
                self.text = text[tag.end():]
                return True
        return False

    # -- end -----------------------------------------------------------------
    def peel_end(self) -> bool:
        text = self.text
        stop = ""
        if len(text) > 1 and text[-1] in ".!" and (text[-2] in ")]" or any(text[:-1].endswith(m) for m, _ in _MARKS)):
            text, stop = text[:-1], text[-1]
        for mark, status in _MARKS:
            if text.endswith(mark) and len(text) > len(mark):
                self.take({"status": status})
                self.text = text[:-len(mark)].rstrip() + stop
                return True
        group = _GROUP_AT_END.search(text)
        if group and group.start() > 0:
            fields = _notation(group.group(2) if group.group(2) is not None else group.group(3))
            if fields is not None:
                self.take(fields)
                self.text = _trim_end(text[:group.start()]) + stop
                return True
        url = _TRAILING_URL.search(text)
        ticket = _ticket_only(url.group("url").rstrip(".,;:!?")) if url and url.start() > 0 else ""
        if ticket and (url.group("sep").strip() or text[url.start() - 1] in ")]"
                       or text[:url.start()].rsplit(None, 1)[-1].lower() not in _WORDS_BEFORE_A_LINK):
            # "Lower the alert threshold (owner: @ana) https://github.com/o/r/issues/812": the tracker
            # link is where the item is tracked; "as noted in https://..." keeps it in the sentence.
            self.take({"ticket": ticket})
            self.text = _trim_end(text[:url.start()]) + stop
            return True
        ref = _REF_AFTER_GROUP.search(text)
        if ref:
            # "(owner: wei) #123": a reference after notation is notation too.
            self.take({"ticket": ref.group(1)})
            self.text = _trim_end(text[:ref.start()]) + stop
            return True
        label = _first_label(text)
        if label is not None and label > 0:
            fields = _notation(text[label:])
            if fields is not None:
                self.take(fields)
                self.text = _trim_end(text[:label])
                return True
        tail = _DASH_TAIL.search(text)
        if tail and tail.start() > 0:
            fields = _notation(tail.group("tail")) or _owner_name(tail.group("tail"))
            if fields:
                self.take(fields)
                self.text = _trim_end(text[:tail.start()]) + stop
                return True
        link = _TRAILING_LINK.search(text)
        if link and link.start() > 0 and _ticket_only(link.group("link")):
            label = _MD_LINK.fullmatch(link.group("link")).group(1).strip()
            # A link labelled with a bare reference ("[#12](...)") is notation;
            # "see [the runbook issue](...)" is the sentence's own words.
            if link.group("sep").strip() or _KEY.fullmatch(label) or _HASH_REF.fullmatch(label):
                self.take({"ticket": _ticket_only(link.group("link"))})
                self.text = _trim_end(text[:link.start()]) + stop
                return True
        handles = _TRAILING_HANDLES.search(text)
        if handles and handles.start() > 0:
            self.take({"owner": _owner_value(" ".join(_HANDLE_IN_TEXT.findall(handles.group(0))))})
            self.text = _trim_end(text[:handles.start()]) + stop
            return True
        return False

    # -- middle --------------------------------------------------------------
    def drop_reference_groups(self) -> None:
        def replace(match: re.Match[str]) -> str:
            inner = match.group(1) if match.group(1) is not None else match.group(2)
            fields = _notation(inner)
            if fields is not None and _only_references(fields, inner):
                self.take(fields)
                return ""
            return match.group(0)

        self.text = _GROUP_ANYWHERE.sub(replace, self.text).strip()

    def unstrike(self) -> bool:
        """A struck item is closed: done, or what a remark after the strike says ("not needed").
        A remark that is not a status stays in the text."""
        struck = _STRUCK.match(self.text) or _STRUCK_THEN_REMARK.match(self.text)
        if not struck:
            return False
        action = next(g for g in struck.group("a", "b", "c") if g is not None).strip()
        remark = (struck.groupdict().get("remark") or "").strip()
        fields = _notation(remark.strip("()[]—–- ")) if remark else None
        self.take({"status": DONE, **(fields or {})})
        self.text = f"{action} {remark}" if remark and not fields else action
        return True


def _trim_end(text: str) -> str:
    text = text.rstrip().rstrip(",;|:").rstrip()
    # A spaced dash left before the fields taken off ("Add an alert — owner: Sam").
    return re.sub(r"\s+(?:--|[—–-])$", "", text)


def _first_label(text: str) -> int | None:
    """Where the trailing labelled fields start ("... owner: Sam"); a label inside a bracket that
    stays open after it ("(owner: @ana) https://...") belongs to that group, not to the end."""
    for match in _LABEL_IN_TEXT.finditer(text):
        before = text[:match.start()]
        if before.count("(") == before.count(")") and before.count("[") == before.count("]"):
            return match.start()
    return None


def _owner_name(tail: str) -> dict[str, str] | None:
    """An attribution after a spaced dash: `- Platform Team`, `— lee`."""
    name = _plain(tail)
    if name.lower() in _NOT_NAMES or name.lower() in _STATUS_WORDS or any(c.isdigit() for c in name):
        return None
    # A lower-case word is a user name ("- lee") unless it reads as an
    # adverb ("- quickly"); stop words above catch the common others.
    if _NAME.match(name) or (_LOWER_NAME.match(name) and len(name) <= 24 and not name.endswith("ly")):
        return {"owner": name.lstrip("@")}
    return None


# A status word set off by emphasis or brackets at a cell's end or start: "Bug 5554823 **TODO**", "[DONE] x".
_CELL_STATUS_END = re.compile(r"\s*(?:\*\*|__|\[|\()\s*(?P<word>[A-Za-z' -]{2,20}?)\s*(?:\*\*|__|\]|\))\s*$")
_CELL_STATUS_START = re.compile(r"^\s*(?:\*\*|__|\[|\()\s*(?P<word>[A-Za-z' -]{2,20}?)\s*(?:\*\*|__|\]|\))\s*")


def cell_status(cell: str) -> tuple[str, str]:
    """(status, the cell without it) when a table cell carries a marked status word, else ("", cell).

    For tables without a status column, whose authors mark the state in
    another cell (the SRE book's `| ... | Bug 5554823 **TODO** |`).
    """
    for pattern in (_CELL_STATUS_END, _CELL_STATUS_START):
        match = pattern.search(cell)
        if match:
            status = _STATUS_WORDS.get(match.group("word").strip().lower())
            if status:
                return status, (cell[:match.start()] + cell[match.end():]).strip()
    return "", cell


def _is_placeholder(text: str) -> bool:
    plain = re.sub(r"[*_`~]+", "", text).strip()
    low = plain.lower().rstrip(".!").strip()
    return not low or low in _PLACEHOLDERS or bool(_PLACEHOLDER_LEAD.match(low))


def read_action_item(text: str) -> ProseAction | None:
    """The action one list item states (its first paragraph's raw markdown),
    or None when the item is a placeholder (`N/A`, `None`, `-`, `TBD`)."""
    if _is_placeholder(text):
        return None
    reader = _Reader(text)
    for _ in range(20):  # each pass removes something; the bound is a guard
        if not (reader.peel_start() or reader.peel_end() or reader.unstrike()):
            break
    reader.drop_reference_groups()
    if _is_placeholder(reader.text):
        return None
    fields = reader.fields
    due = fields.get("due", "")
    if not due:
        written = _DUE_IN_TEXT.search(reader.text)
        due = parse_date(written.group(1)) if written else ""
    owner = fields.get("owner", "")
    if not owner:
        # An owner labelled in a group that stays in the text ("(Owner: Kim, ETA: Q2)": the ETA is no date).
        labelled = _OWNER_IN_TEXT.search(reader.text)
        name = _FIELD_SEPARATOR.split(labelled.group("name"), maxsplit=1)[0] if labelled else ""
        owner = _owner_value(name).rstrip(".") if name.strip() else ""
    if not owner:
        handle = _HANDLE_IN_TEXT.search(reader.text)
        owner = handle.group(0)[1:] if handle else ""
    return ProseAction(
        text=reader.text,
        owner=owner,
        ticket=fields.get("ticket") or _find_ticket(reader.text),
        status=fields.get("status", ""),
        due=due,
        priority=fields.get("priority", ""),
    )


# Sub-headings under an action section whose bullets are findings, not
# actions. Sections of the format other than Detection and Resolution say
# so by meaning; Detection and Resolution (and Prevent, Mitigate) are how
# teams group their actions ("### Detect", "### Mitigate").
_NARRATIVE = {"Summary", "Impact", "Timeline", "Root cause", "Trigger", "Lessons learned"}
_NOT_ACTION_WORDS = {"background", "context", "note", "discussion", "question", "stats", "statistic", "metric",
                     "attendee", "participant", "responder", "reference", "appendix", "glossary", "lucky", "luck",
                     "observation", "finding", "symptom", "problem", "risk"}
_NOT_ACTION_PHRASES = {("go", "well"), ("go", "right"), ("go", "wrong"), ("supporting", "information"),
                       ("get", "lucky")}


def is_non_action_heading(text: str) -> bool:
    """Whether bullets under this sub-heading of an action section are not
    actions (`What went wrong`, `Where we got lucky`, `Root cause`, `Notes`)."""
    words = heading_words(text)
    if not words:
        return False
    meaning = heading_by_words(text)
    if meaning in (ACTION_ITEMS, DETECTION, RESOLUTION):
        return False
    if meaning in _NARRATIVE:
        return True
    if any(tuple(words[i:i + len(p)]) == p for p in _NOT_ACTION_PHRASES for i in range(len(words))):
        return True
    return any(word in _NOT_ACTION_WORDS for word in words)


_HEADING_STATUS = {
    **dict.fromkeys(["done", "completed", "complete", "finished", "closed", "shipped"], DONE),
    **dict.fromkeys(["open", "todo", "pending", "planned", "backlog", "not started", "outstanding", "to do"], OPEN),
    **dict.fromkeys(["in progress", "ongoing", "wip", "started", "in flight"], IN_PROGRESS),
    **dict.fromkeys(["wont fix", "wontfix", "wont do", "cancelled", "canceled", "dropped", "rejected"], WONTFIX),
}


def action_heading_status(text: str) -> str:
    """The status a sub-heading gives its items (`### Completed` -> "done",
    `### In progress` -> "in-progress"), or ""."""
    words = [w for w in heading_words(text) if w not in ("action", "item", "task", "follow-up", "follow", "up")]
    return _HEADING_STATUS.get(" ".join(words), "")
