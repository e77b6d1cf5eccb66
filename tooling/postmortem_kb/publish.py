"""The public version of a postmortem, from the same file: what customers may read, and an account of the rest.

`public_version(pm, config)` takes the loaded postmortem and returns its
public title, summary and body, every removal with the source line it came
from, and the blame wording that stops it from being published. What goes:

- parts marked `<!-- internal -->` ... `<!-- /internal -->` (a marker never
  closed runs to the end: leaking is worse than cutting), and the sections
  named in the config's `public.internal_sections` (matched like headings:
  case, a trailing colon and the config's aliases do not matter), with
  their subsections;
- HTML comments (template hints, lint directives): invisible on a page, but
  they are in the markdown a status page or blog would receive;
- sections left with nothing to say (a template's placeholder, a timeline
  table without rows), so a customer never reads an empty heading;
- people, addresses and internal hosts, replaced by `redact` (with the
  detectors lint uses);
- the front matter: only the title, the date, the tags and `public_summary:`
  (never the internal `summary`) reach the public version.

Blame wording (the config's `blame_words`, judged as lint's
`blame-language` judges it) is not rewritten: the version is refused and
each phrase named with its line, because only the author can say it better.

`render(version, to)` writes it as `markdown` (a title and the body), `hugo`
(a post: front matter `title`, `date`, `tags`, `draft`, and `summary` when
there is a public summary) or `statuspage` (the markdown body of a
Statuspage postmortem: its `body_draft` field; the title is the incident's).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from postmortem_kb.config import KBConfig, normalise_heading
from postmortem_kb.lint.textscan import (
    PhraseFinder,
    code_spans,
    comment_spans,
    in_spans,
)
from postmortem_kb.model import Postmortem
from postmortem_kb.redact import Redaction, apply, find_redactions, people_of

FORMATS = ("markdown", "hugo", "statuspage")
_OPEN = re.compile(r"<!--\s*internal\s*-->", re.IGNORECASE)
_CLOSE = re.compile(r"<!--\s*/\s*internal\s*-->", re.IGNORECASE)
_SHOWN = 70  # characters of a removed part shown in the report


@dataclass(frozen=True)
class Removal:
    """One thing the public version leaves out or replaces, at its source lines."""

    kind: str  # internal section, internal part, comment, empty section, name, email, private address, ...
    line: int
    end_line: int
    text: str  # what was removed (its first line for a block)
    replacement: str | None = None
    reason: str = ""

    def as_dict(self) -> dict:
        return {"kind": self.kind, "line": self.line, "end_line": self.end_line, "text": self.text,
                "replacement": self.replacement, "reason": self.reason}


@dataclass(frozen=True)
class BlameFinding:
    line: int
    column: int
    phrase: str
    hint: str

    def message(self, path: str) -> str:
        return f"{path}:{self.line}:{self.column}: '{self.phrase}' assigns blame; {self.hint}"


@dataclass
class PublicVersion:
    id: str
    path: str  # the source file, as shown
    title: str
    date: dt.date | None
    tags: list[str]
    lang: str
    summary: str  # the public summary, redacted ("" without one)
    body: str
    draft: bool
    removals: list[Removal] = field(default_factory=list)
    blame: list[BlameFinding] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.blame)


# -- spans of the body ------------------------------------------------------------------------------


class _Body:
    """The body text, and file lines <-> offsets in it."""

    def __init__(self, pm: Postmortem):
        self.text = pm.body
        self.first_line = pm.body_line
        self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def offset(self, file_line: int) -> int:
        """The offset where `file_line` starts (the end of the text past the last line)."""
        index = file_line - self.first_line
        if index < 0:
            return 0
        return self.starts[index] if index < len(self.starts) else len(self.text)

    def line(self, offset: int) -> int:
        return self.first_line + bisect_right(self.starts, offset) - 1

    def column(self, offset: int) -> int:
        return offset - self.starts[bisect_right(self.starts, offset) - 1] + 1

    def whole_lines(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) widened to whole lines when only blanks share the lines with it."""
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", end)
        line_end = len(self.text) if line_end == -1 else line_end + 1
        if self.text[line_start:start].strip() or self.text[end:line_end].strip():
            return start, end
        return line_start, line_end


def _shorten(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= _SHOWN else words[:_SHOWN - 1] + "…"


def _first_words(text: str) -> str:
    inner = _CLOSE.sub("", _OPEN.sub("", text))
    inner = re.sub(r"<!--.*?(?:-->|\Z)", "", inner, flags=re.DOTALL)
    return _shorten(next((line for line in inner.split("\n") if line.strip()), inner))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


# -- what is dropped -----------------------------------------------------------------------------------


def _internal_sections(pm: Postmortem, body: _Body, config: KBConfig) -> list[tuple[int, int, Removal]]:
    listed = [normalise_heading(name) for name in config.public.get("internal_sections", ())]
    # A name listed may be an alias of a section (`Follow-ups` for Action items), or its canonical name.
    aliases = config.heading_map()
    wanted = set(listed) | {normalise_heading(aliases[name]) for name in listed if name in aliases}
    found = []
    for section in pm.sections:
        names = {normalise_heading(section.heading)} | ({normalise_heading(section.canonical)} if section.canonical else set())
        if names & wanted:
            found.append((body.offset(section.line), body.offset(section.end_line + 1),
                          Removal("internal section", section.line, section.end_line, section.heading,
                                  reason="listed in public.internal_sections")))
    return found


def _internal_parts(body: _Body) -> list[tuple[int, int, Removal]]:
    text = body.text
    code = code_spans(text)
    opens = [m for m in _OPEN.finditer(text) if not in_spans(m.start(), code)]
    closes = [m for m in _CLOSE.finditer(text) if not in_spans(m.start(), code)]
    found = []
    at = 0
    for opening in opens:
        if opening.start() < at:
            continue  # an opening marker inside a part already dropped
        closing = next((c for c in closes if c.start() > opening.end()), None)
        end = closing.end() if closing else len(text)
        start, end = body.whole_lines(opening.start(), end)
        reason = "marked <!-- internal -->" if closing else "marked <!-- internal --> and never closed: dropped to the end"
        found.append((start, end, Removal("internal part", body.line(start), body.line(max(start, end - 1)),
                                          _first_words(text[opening.end():end]), reason=reason)))
        at = end
    return found


def _comments(body: _Body, dropped: list[tuple[int, int]]) -> list[tuple[int, int, Removal]]:
    code = code_spans(body.text)
    found = []
    for start, end in comment_spans(body.text):
        if in_spans(start, code) or _covered(start, end, dropped):
            continue
        wide_start, wide_end = body.whole_lines(start, end)
        found.append((wide_start, wide_end, Removal("comment", body.line(start), body.line(max(start, end - 1)),
                                                    _shorten(body.text[start:end]))))
    return found


def _has_content(markdown: str) -> bool:
    """Whether any text would show: a paragraph, a list item, a table row below the header, code, an image."""
    from postmortem_kb.loader import markdown_parser

    in_heading = in_thead = False
    for token in markdown_parser().parse(markdown):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "thead_open":
            in_thead = True
        elif token.type == "thead_close":
            in_thead = False
        elif token.type in ("fence", "code_block", "html_block") and token.content.strip():
            return True
        elif token.type == "inline" and token.content.strip() and not in_heading and not in_thead:
            return True
    return False


def _kept(text: str, start: int, end: int, dropped: list[tuple[int, int]]) -> str:
    pieces, at = [], start
    for a, b in dropped:
        if b <= at or a >= end:
            continue
        pieces.append(text[at:max(at, a)])
        at = max(at, b)
    pieces.append(text[at:end] if at < end else "")
    return "".join(pieces)


def _empty_sections(pm: Postmortem, body: _Body, dropped: list[tuple[int, int]]) -> list[tuple[int, int, Removal]]:
    """Sections with nothing left to show, the deepest first (a parent of empty subsections is empty too)."""
    found = []
    spans = list(dropped)
    for section in sorted(pm.sections, key=lambda s: -s.level):
        start, end = body.offset(section.line), body.offset(section.end_line + 1)
        if _covered(start, end, spans):
            continue
        if _has_content(_kept(body.text, body.offset(section.body_start), end, _merge(spans))):
            continue
        found.append((start, end, Removal("empty section", section.line, section.end_line, section.heading,
                                          reason="nothing left to publish under it")))
        spans.append((start, end))
    return found


# -- the version -------------------------------------------------------------------------------------------


class _KeptText:
    """The body minus dropped spans, mapping each of its offsets back to the body."""

    def __init__(self, text: str, dropped: list[tuple[int, int]]):
        self.pieces: list[tuple[int, int]] = []  # (offset in kept, offset in body) of each piece
        out, at, kept_at = [], 0, 0
        for a, b in dropped + [(len(text), len(text))]:
            if a > at:
                self.pieces.append((kept_at, at))
                out.append(text[at:a])
                kept_at += a - at
            at = max(at, b)
        self.text = "".join(out)

    def source(self, offset: int) -> int:
        index = bisect_right([kept for kept, _ in self.pieces], offset) - 1
        if index < 0:
            return 0
        kept, source = self.pieces[index]
        return source + offset - kept


def _redaction_removals(redactions: list[Redaction], line_of) -> list[Removal]:
    return [Removal(r.kind, line_of(r.start), line_of(max(r.start, r.end - 1)), r.original, r.replacement)
            for r in redactions]


def _blame(text: str, config: KBConfig, locate) -> list[BlameFinding]:
    from postmortem_kb.lint.rules_publishing import find_blame

    words = config.blame_words
    finder = PhraseFinder(list(words), ignore_case=True)
    found = []
    for start, end, phrase in find_blame(text, finder):
        line, column = locate(start)
        found.append(BlameFinding(line, column, text[start:end], words[phrase]))
    return found


def _tidy(markdown: str) -> str:
    """Blank runs left by removals closed up (other lines keep their trailing spaces: two are a line break)."""
    lines = [line if line.strip() else "" for line in markdown.split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return tidy + "\n" if tidy else ""


def public_version(pm: Postmortem, config: KBConfig) -> PublicVersion:
    """The customer-facing version of a loaded postmortem (see the module's docstring)."""
    from postmortem_kb.languages import language_of

    body = _Body(pm)
    drops = _internal_sections(pm, body, config) + _internal_parts(body)
    drops += _comments(body, _merge([(a, b) for a, b, _ in drops]))
    drops += _empty_sections(pm, body, _merge([(a, b) for a, b, _ in drops]))
    dropped = _merge([(a, b) for a, b, _ in drops])
    kept = _KeptText(body.text, dropped)

    people = people_of(pm)
    # A comment inside a section that went whole is part of that section's removal.
    blocks = [(a, b) for a, b, removal in drops if removal.kind != "comment"]
    removals = [removal for a, b, removal in sorted(drops, key=lambda d: (d[0], -d[1]))
                if removal.kind != "comment" or not _covered(a, b, blocks)]
    redactions = find_redactions(kept.text, people, config)
    removals += _redaction_removals(redactions, lambda offset: body.line(kept.source(offset)))

    def meta_text(key: str) -> tuple[str, list[Removal]]:
        value = pm.text_field(key).strip()
        found = find_redactions(value, people, config)
        line = pm.meta_lines.get(key, 1)
        return apply(value, found), _redaction_removals(found, lambda _: line)

    title, title_removals = meta_text("title")
    summary, summary_removals = meta_text("public_summary")
    removals = title_removals + summary_removals + removals

    blame = []
    for key in ("title", "public_summary"):
        line = pm.meta_lines.get(key, 1)
        blame += _blame(pm.text_field(key), config, lambda offset, line=line: (line, 1))
    blame += _blame(kept.text, config, lambda offset: (body.line(kept.source(offset)), body.column(kept.source(offset))))

    finished = {"published", config.review.get("closed_status")}
    return PublicVersion(
        id=pm.id, path=pm.relpath, title=title or pm.id, date=pm.date, tags=pm.tags, lang=language_of(pm, config),
        summary=" ".join(summary.split()), body=_tidy(apply(kept.text, redactions)),
        draft=pm.status not in finished, removals=sorted(removals, key=lambda r: (r.line, r.kind)), blame=blame,
    )


# -- output --------------------------------------------------------------------------------------------


def render(version: PublicVersion, to: str) -> str:
    """The public version as `markdown`, `hugo` or `statuspage` text."""
    if to == "markdown":
        lead = f"{version.summary}\n\n" if version.summary else ""
        return f"# {version.title}\n\n{lead}{version.body}".rstrip("\n") + "\n"
    if to == "hugo":
        return _hugo_front_matter(version) + "\n" + version.body
    if to == "statuspage":
        return ((f"{version.summary}\n\n" if version.summary else "") + version.body).rstrip("\n") + "\n"
    raise ValueError(f"unknown format {to!r}; one of {', '.join(FORMATS)}")


def _hugo_front_matter(version: PublicVersion) -> str:
    import yaml

    meta: dict = {"title": version.title}
    if version.date is not None:
        meta["date"] = version.date
    meta["tags"] = list(version.tags)
    meta["draft"] = version.draft
    if version.summary:
        meta["summary"] = version.summary
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False,
                                     width=1000) + "---\n"


def removal_report(version: PublicVersion, source_text: str, rendered: str) -> str:
    """What `--diff` prints: each removal with its source line, then a unified diff of file and output."""
    import difflib

    lines = [f"{version.path}: the public version leaves out or replaces {len(version.removals)} thing(s)"]
    for removal in version.removals:
        where = f"{removal.line}" if removal.end_line == removal.line else f"{removal.line}-{removal.end_line}"
        change = f" -> {removal.replacement}" if removal.replacement is not None else ""
        reason = f" ({removal.reason})" if removal.reason else ""
        lines.append(f"  {where:>9}  {removal.kind}: {_shorten(removal.text)!r}{change}{reason}")
    for finding in version.blame:
        lines.append(f"  {finding.line:>9}  blame (refused): '{finding.phrase}'; {finding.hint}")
    diff = difflib.unified_diff(source_text.split("\n"), rendered.split("\n"), fromfile=version.path,
                                tofile="public version", lineterm="")
    return "\n".join(lines) + "\n\n" + "\n".join(diff) + "\n"


def as_dict(version: PublicVersion) -> dict:
    return {"id": version.id, "title": version.title, "date": version.date.isoformat() if version.date else None,
            "tags": version.tags, "lang": version.lang, "summary": version.summary, "draft": version.draft,
            "removals": [r.as_dict() for r in version.removals],
            "blame": [{"line": b.line, "column": b.column, "phrase": b.phrase, "hint": b.hint} for b in version.blame]}
