"""What the page adds to each timeline row: a stable anchor, a kind (alert, page, deploy...) and a `T+` offset.

The rows themselves are the author's markdown, rendered by MkDocs as a
table or a list; nothing here changes them. The marks are computed from the
model's timeline (`Postmortem.timeline`), written into the page as one JSON
value in a data attribute (`timeline_marks.html`, escaped like every
fragment), and `assets/timeline.js` puts them on the rendered rows in order,
matching each row by its time as written.

Anchors are made from the row's time (`t-20240109-1004`), not its position,
so a row added above does not move the link someone pasted into a chat; two
rows at the same minute get `-2`, `-3`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass

from postmortem_kb.metrics import format_duration
from postmortem_kb.model import Postmortem, TimelineEvent
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.urls import href, postmortem_page

TIMELINE_SCRIPT = "assets/timeline.js"
# The shapes whose rows are elements of their own in the rendered page (<tr>, <li>).
MARKED_SHAPES = ("table", "list")
KINDS = ("alert", "page", "deploy", "comms", "mitigation", "resolution")
LABELS = {"alert": "Alert", "page": "Page", "deploy": "Deploy", "comms": "Comms", "mitigation": "Mitigation",
          "resolution": "Resolution"}
OTHER = "other"
MAX_LABEL = 24

# Emoji people put in front of a row, with or without the variation selector.
_EMOJI = {
    "alert": "🚨🔔⚠📈🔥",
    "page": "📟📞☎📱",
    "deploy": "🚀📦🚢",
    "comms": "📣📢💬✉📧📝",
    "mitigation": "🩹🛠🔧🧯🩺",
    "resolution": "✅🎉🟢✔",
}
# Words that say what a row is; the earliest in the text wins ("alert fires,
# on-call paged" is an alert).
_KEYWORDS = {
    "alert": r"alert|alarm|fir(?:e|es|ed|ing)\b|monitor|detect|spike|error rate",
    "page": r"pag(?:e|ed|es|ing)\b|on-?call|acknowledg|ack(?:ed|s)?\b|escalat",
    "deploy": r"deploy|roll(?:ed|ing)?[ -]?out|rollout|releas|ship(?:ped)?\b|config(?:uration)? (?:push|change)"
              r"|push(?:ed)?\b|merg",
    "comms": r"status ?page|customers? (?:notified|informed|told)|announc|communicat|notif(?:y|ied)|e-?mail"
             r"|tweet|update (?:posted|sent)|posted|comms\b|incident channel",
    "mitigation": r"mitigat|roll(?:ed|ing)?[ -]?back|rollback|revert|fail(?:ed|ing)?[ -]?over|restart|reboot"
                  r"|scal(?:ed|ing) (?:up|out)|workaround|drain|throttl|warm(?:ed)?\b|disabl|block|patch",
    "resolution": r"resol(?:ved|ution)|fixed\b|recover(?:ed|y)|back to normal|all clear|normal\b"
                  r"|closed?\b|incident (?:over|ended)",
}
_KEYWORD_PATTERNS = {kind: re.compile(r"\b(?:" + words + ")", re.IGNORECASE) for kind, words in _KEYWORDS.items()}
# A front matter moment a row at the same instant stands for, when its words say nothing.
_MOMENT_KINDS = (("resolved_at", "resolution"), ("mitigated_at", "mitigation"), ("detected_at", "alert"))
# What a rendered row's text loses from its markdown: emphasis, code and link punctuation.
_MARKUP = re.compile(r"[*_`~\[\]()]")


@dataclass(frozen=True)
class TimelineMark:
    """One row's marks, in the order the rows are in the page."""

    anchor: str
    time: str  # the row's time as the reader sees it (markup removed), to find the row
    shape: str  # "table" or "list"
    kind: str | None = None  # one of KINDS, OTHER for a value of the author's own, or None
    label: str | None = None
    offset: str | None = None  # "T+1h 4m"


def kind_from_text(text: str) -> str | None:
    """A row's kind from a leading emoji or the words in it; None when neither says."""
    stripped = text.lstrip(" \t*_`-–—:|[]()")
    for kind, emoji in _EMOJI.items():
        if stripped[:1] and stripped[0] in emoji:
            return kind
    found = [(match.start(), n, kind) for n, (kind, pattern) in enumerate(_KEYWORD_PATTERNS.items())
             for match in [pattern.search(text)] if match]
    return min(found)[2] if found else None


def kind_from_value(value: str) -> tuple[str, str] | None:
    """(kind, label) from a Kind/Type cell: a known kind by its words, else the author's word as it is."""
    value = " ".join(value.split())
    if not value:
        return None
    kind = next((kind for kind in KINDS if value.lower().startswith(kind)), None) or kind_from_text(value)
    if kind is not None:
        return kind, LABELS[kind]
    return OTHER, value if len(value) <= MAX_LABEL else value[: MAX_LABEL - 1] + "…"


def offset_text(start: dt.datetime | None, at: dt.datetime | None) -> str | None:
    """`T+1h 4m` from the incident's start; `T-5m` for a row before it; None without both times."""
    if start is None or at is None or (start.tzinfo is None) != (at.tzinfo is None):
        return None
    delta = at - start
    sign = "-" if delta < dt.timedelta(0) else "+"
    return f"T{sign}{format_duration(abs(delta))}"


def anchor_base(event: TimelineEvent, position: int) -> str:
    if event.time is None:
        return f"t-row{position}"
    return "t-" + event.time.strftime("%Y%m%d-%H%M")


def timeline_marks(pm: Postmortem) -> list[TimelineMark]:
    """The marks of the rows the page shows as rows: the Timeline section's table rows and list items."""
    section = pm.section("Timeline")
    if section is None:
        return []
    events = [event for event in pm.timeline
              if event.shape in MARKED_SHAPES and section.line <= event.line <= section.end_line]
    if not events:
        return []
    start = pm.moment("started_at")
    moments = [(pm.moment(key), kind) for key, kind in _MOMENT_KINDS]
    used: dict[str, int] = {}
    marks = []
    for position, event in enumerate(events, start=1):
        base = anchor_base(event, position)
        used[base] = used.get(base, 0) + 1
        anchor = base if used[base] == 1 else f"{base}-{used[base]}"
        kind_label = kind_from_value(event.kind or "")
        if kind_label is None:
            kind = kind_from_text(event.text)
            if kind is None and event.time is not None and event.time.tzinfo is not None:
                kind = next((kind for moment, kind in moments if moment is not None and moment == event.time), None)
            kind_label = (kind, LABELS[kind]) if kind else (None, None)
        marks.append(TimelineMark(anchor, " ".join(_MARKUP.sub("", event.raw_time).split()), event.shape,
                                  kind_label[0], kind_label[1], offset_text(start, event.time)))
    return marks


def timeline_block(pm: Postmortem, directory_urls: bool = True) -> str:
    """The page's marks and the script that applies them; "" for a page with no marked rows."""
    marks = timeline_marks(pm)
    if not marks:
        return ""
    data = json.dumps([{key: value for key, value in asdict(mark).items() if value is not None} for mark in marks],
                      ensure_ascii=False, separators=(",", ":"))
    script = href(postmortem_page(pm.id), TIMELINE_SCRIPT, directory_urls)
    return fragment("timeline_marks.html", data=data, script=script)


def timeline_script() -> str:
    from importlib import resources

    return resources.files("postmortem_kb.site").joinpath(TIMELINE_SCRIPT).read_text(encoding="utf-8")
