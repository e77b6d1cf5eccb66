"""Turn an existing markdown postmortem into a format v1 file, losing no text.

The source may carry YAML front matter (Hugo, Jekyll), TOML front matter
between `+++` lines (Hugo, Zola) or none at all. Its lines are copied as
they are; only heading lines change: the title H1 moves into the front
matter and levels shift so that sections are `##`. A heading keeps its
words: the loader maps `Timeline (all times PST)` onto Timeline by itself,
and the words may carry meaning (there, the zone). A heading that maps
nowhere stays as a section of its own; required sections the original lacks
are added as hint-only placeholders, which lint reports as empty until
someone fills them in.

Nothing is guessed that cannot be read off the file: severity stays empty
unless a labelled line above the first section names a configured level
(`**Severity:** SEV-2`), a "Stats" list such as "Time to detection: 8
minutes" stays as text. What
the file does say is used and its origin reported: the date from the front
matter, the file and folder names or the title's date prefix; the zone its
text states for its times; a blog engine's `date` with a time as
`started_at` when nothing better says when it started (the post's publish
time, so the report asks to check it). A front matter value that v1 holds
in another shape (a date-time cut to a date, categories made tags) is kept
as it was under `imported.front_matter`, with every key v1 does not know.

Every relative link and image is listed with its source line; the batch
(`importers.batch`) copies the files they point at and retargets them.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import frontmatter
import yaml

from postmortem_kb.config import KBConfig, normalise_heading
from postmortem_kb.importers import ImportFailure
from postmortem_kb.markdown_text import link_labels
from postmortem_kb.model import as_date

if TYPE_CHECKING:
    from postmortem_kb.importers.batch import LinkOutcome
    from postmortem_kb.lint.rules_links import LocalLink

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
# Files that describe a folder rather than an incident. A page bundle's
# `index.md` is the exception (see `collect_sources`).
FOLDER_FILES = {"readme.md", "index.md", "_index.md", "license.md", "changelog.md"}
BUNDLE_FILES = {"index.md", "index.markdown"}
LEAD = "(text before the first heading)"
HINT_OPEN = "<!-- hint: "

# Front matter keys of blog engines that map onto format v1.
DATE_KEYS = ("date", "publishDate", "publishdate", "pubDate", "created")
SUMMARY_KEYS = ("summary", "description")
SERVICE_KEYS = ("services", "service", "affected_services", "components", "component", "systems", "system")
AUTHOR_KEYS = ("authors", "author")
V1_TIMES = ("started_at", "detected_at", "mitigated_at", "resolved_at")
_READ_KEYS = {"title", "severity", "tags", "categories", "timezone", "related", "lang", "language", "trigger",
              "detection", "contributing_factors", "incident_commander", *DATE_KEYS, *SUMMARY_KEYS,
              *SERVICE_KEYS, *AUTHOR_KEYS, *V1_TIMES}

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")
# English month names and their three-letter forms ("Sept" too), for a title's date prefix.
_MONTHS = {**{name: n for n, name in enumerate(_MONTH_NAMES, 1)},
           **{name[:3]: n for n, name in enumerate(_MONTH_NAMES, 1)}, "sept": 9}
_ISO_DATE = re.compile(r"(?<![\d-])((?:19|20)\d{2})-(\d{2})-(\d{2})(?![\d])")
_PM_YEAR = re.compile(r"^PM((?:19|20)\d{2})-", re.IGNORECASE)
_PM_PREFIX = re.compile(r"^PM[\w]{4}-[\w]+\s*-\s*", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_ ]*")
_MONTH_DAY_PREFIX = re.compile(r"^\d{2}[-_]\d{2}[-_ ]+")
# A title that opens with the incident's date: "2017-09-27, Hub 403",
# "[2017-09-27] Hub 403", "Sept 27, 2017 - Hub 403", "27 September 2017: Hub 403".
_TITLE_DATE = re.compile(
    r"""^\s*[\[(]?\s*(?:
          (?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})
        | (?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d{2})
        | (?P<d3>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon3>[A-Za-z]{3,9})\.?,?\s+(?P<y3>(?:19|20)\d{2})
        )\s*[\])]?(?:\s*[-\u2013\u2014:|,]+\s*|\s+)(?P<rest>\S.*)$""",
    re.VERBOSE,
)
# ... or ends with it: "Elevated API latency - 2023-06-14", "Hub 403 (Sept 27, 2017)"; a date the title's words
# run into ("Payment outage 2019-08-14", "Hub outage on Sept 27, 2017") gives the date and leaves the title whole.
_TITLE_DATE_END = re.compile(
    r"""^(?P<rest>.*?[^\s\-\u2013\u2014:|,])(?:\s*[-\u2013\u2014:|,]+\s*|\s*(?=[\[(])|(?P<joined>\s+))[\[(]?\s*(?:
          (?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})
        | (?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d{2})
        | (?P<d3>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon3>[A-Za-z]{3,9})\.?,?\s+(?P<y3>(?:19|20)\d{2})
        )\s*[\])]?\s*$""",
    re.VERBOSE,
)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_YEAR_MONTH = re.compile(r"^((?:19|20)\d{2})[-_](\d{2})$")
_TWO_DIGITS = re.compile(r"^\d{2}$")
_NAME_MONTH_DAY = re.compile(r"^(\d{2})[-_](\d{2})(?:[-_ ]|$)")
_NAME_DAY = re.compile(r"^(\d{2})(?:[-_ ]|$)")
# A blog engine's date with a time: "2017-12-10T11:13:53+08:00", "2017-12-10 11:13:53 +0800".
_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


class _TomlFrontMatter(frontmatter.default_handlers.BaseHandler):
    """Hugo and Zola's `+++` front matter, read with the standard library's tomllib."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


_YAML = frontmatter.YAMLHandler()
_TOML = _TomlFrontMatter()


@dataclass(frozen=True)
class HeadingReport:
    """What became of one heading of the source."""

    heading: str  # as written
    line: int  # in the source file
    level: int  # in the output (the title H1: 1)
    section: str | None  # the canonical section it maps onto, if it is a top-level one
    mapped_by: str | None  # "config", "alias", "words" (classify_heading), "lead"; None when unmapped
    written_as: str  # the heading line in the output ("" for the title, which moved to front matter)

    def as_dict(self) -> dict[str, Any]:
        return {"heading": self.heading, "line": self.line, "level": self.level, "section": self.section,
                "mapped_by": self.mapped_by, "written_as": self.written_as}


@dataclass(frozen=True)
class StatedZone:
    """A zone the text states for its times, and where."""

    value: str  # an IANA name, "UTC" or an offset ("+02:00")
    line: int  # in the source file
    text: str  # the statement as written
    note: str = ""

    @property
    def source(self) -> str:
        return f"statement at line {self.line}"


@dataclass(frozen=True)
class Finding:
    """Something the import could not do, at a line of the source (a link it could not resolve)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path.as_posix(), "line": self.line, "message": self.message}


@dataclass
class ImportedPost:
    """The converted text and an account of every decision made on the way."""

    source: Path
    name: str  # the target file name, <date>-<slug>.md
    text: str
    title: str
    title_origin: str
    date: dt.date | None
    date_origin: str
    front_matter_format: str  # "yaml", "toml" or "none"
    date_key: str | None = None  # the front matter key the date came from
    headings: list[HeadingReport] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # placeholders added
    to_fill: list[str] = field(default_factory=list)  # required front matter left empty
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    zone: tuple[str, str] | None = None  # (value written to `timezone:`, where it was found)
    started_at_from: str | None = None
    timeline_rows: int = 0
    timeline_errors: int = 0
    action_items: int = 0
    # Relative links and images of the body (lines of the body below), and
    # for each line of the body the source file's line it came from (None
    # for lines the import wrote: placeholders, a new Summary heading).
    links: list["LocalLink"] = field(default_factory=list)
    link_outcomes: list["LinkOutcome"] = field(default_factory=list)  # filled by the batch
    line_origins: list[int | None] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.name.removesuffix(".md")

    @property
    def mapped(self) -> list[tuple[str, str]]:
        return [(h.heading, h.section) for h in self.headings if h.section]

    @property
    def kept(self) -> list[str]:
        """Top-level headings that map nowhere (or repeat a section), kept as sections of their own."""
        return [h.heading for h in self.headings if h.level == 2 and not h.section]

    def source_line(self, body_index: int) -> int | None:
        return self.line_origins[body_index] if 0 <= body_index < len(self.line_origins) else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.as_posix(),
            "name": self.name,
            "title": self.title,
            "title_from": self.title_origin,
            "date": self.date.isoformat() if self.date else None,
            "date_from": self.date_origin,
            "front_matter": self.front_matter_format,
            "timezone": {"value": self.zone[0], "source": self.zone[1]} if self.zone else None,
            "started_at_from": self.started_at_from,
            "headings": [h.as_dict() for h in self.headings],
            "mapped": [{"heading": h.heading, "section": h.section, "mapped_by": h.mapped_by, "line": h.line}
                       for h in self.headings if h.section],
            "kept": self.kept,
            "missing": self.missing,
            "to_fill": self.to_fill,
            "links": [outcome.as_dict() for outcome in self.link_outcomes],
            "findings": [f.as_dict() for f in self.findings],
            "notes": self.notes,
            "timeline_rows": self.timeline_rows,
            "timeline_rows_with_errors": self.timeline_errors,
            "action_items": self.action_items,
        }


@dataclass
class _Heading:
    level: int
    start: int  # body-relative, 0-based, inclusive
    end: int  # exclusive; a setext heading spans two lines
    text: str


@dataclass
class _Chunk:
    """A top-level section of the output (or the lead text): lines and the source line of each."""

    canonical: str | None
    lines: list[str]
    origins: list[int | None]


# -- discovering files ------------------------------------------------------


def looks_like_markdown(path: Path) -> bool:
    """For a file without a markdown suffix: does it open like a postmortem?"""
    try:
        head = path.read_bytes()[:4096]
    except OSError:
        return False
    if b"\x00" in head:
        return False
    first = next((line.strip() for line in head.decode("utf-8", "replace").splitlines() if line.strip()), "")
    return first.startswith(("#", "---", "+++"))


def is_page_bundle(path: Path, walked: Path) -> bool:
    """An `index.md` that is a post of its own (a Hugo page bundle, `2023-04-25/index.md`), not a folder's index.

    It sits in a folder below the one walked and either that folder's name
    has a date or the file opens with front matter, as a bundle's does.
    """
    if path.name.lower() not in BUNDLE_FILES or path.parent == walked:
        return False
    if _date_from_path(path) is not None:
        return True
    try:
        head = path.read_bytes()[:8]
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf").startswith((b"---", b"+++"))


def collect_sources(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to import, and (file, reason) for those a folder walk passes over.

    A file named on the command line is always imported; inside a folder,
    markdown files are, and so is a file without a suffix that opens with a
    heading or front matter (exports often lose the `.md`).
    """
    chosen: list[Path] = []
    passed: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_dir():
            chosen.append(path)
            continue
        for candidate in sorted(p for p in path.rglob("*") if p.is_file()):
            relative = candidate.relative_to(path)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if candidate.name.lower() in FOLDER_FILES and not is_page_bundle(candidate, path):
                passed.append((candidate, "a folder's readme or index, not a postmortem"))
            elif candidate.suffix.lower() in MARKDOWN_SUFFIXES:
                chosen.append(candidate)
            elif not candidate.suffix and looks_like_markdown(candidate):
                chosen.append(candidate)
            else:
                passed.append((candidate, "not a markdown file"))
    return chosen, passed


# -- reading the source ---------------------------------------------------------


def read_source(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    if b"\x00" in data[:8192]:
        raise ImportFailure(f"{path}: this is a binary file, not a markdown postmortem")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailure(f"{path}:{line}: byte 0x{data[exc.start]:02x} is not UTF-8; re-save the file as UTF-8") from exc
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, str]:
    """(front matter, body, format name); errors name the file and line."""
    for handler, kind in ((_YAML, "yaml"), (_TOML, "toml")):
        if not handler.detect(text):
            continue
        try:
            fm_text, body = handler.split(text)
        except ValueError:
            raise ImportFailure(
                f"{path}:1: front matter opened with '{handler.START_DELIMITER}' is never closed; "
                f"add the closing '{handler.END_DELIMITER}' line"
            ) from None
        meta = _load_front_matter(handler, kind, fm_text, path)
        return meta, body, kind
    return {}, text, "none"


def _load_front_matter(handler, kind: str, fm_text: str, path: Path) -> dict[str, Any]:
    try:
        meta = handler.load(fm_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 1 + mark.line if mark else 1
        raise ImportFailure(f"{path}:{line}: front matter is not valid YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise ImportFailure(f"{path}:1: front matter is not valid YAML: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "(at line N, column M)"; the text it read starts with the
        # newline after "+++", so N is already the file's line.
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) if match else 1
        raise ImportFailure(f"{path}:{line}: front matter is not valid TOML: {exc}") from exc
    if meta is None:
        return {}
    from postmortem_kb.loader import MAX_META_VALUES, expanded_size

    # Aliases repeated ("billion laughs") would make every step below walk
    # billions of values; the loader refuses such front matter, so does this.
    if expanded_size(meta, MAX_META_VALUES) > MAX_META_VALUES:
        raise ImportFailure(
            f"{path}:1: front matter expands to more than {MAX_META_VALUES:,} values or nests over 100 levels "
            "deep (YAML aliases such as '&a' / '*a' repeated?); write the values out instead of aliasing them"
        )
    if not isinstance(meta, dict):
        raise ImportFailure(
            f"{path}:2: front matter must be a mapping of keys to values, not a {type(meta).__name__}"
        )
    return {str(k): v for k, v in meta.items()}


def _headings(body: str) -> list[_Heading]:
    from postmortem_kb.loader import markdown_parser

    tokens = markdown_parser().parse(body)
    found = []
    for n, token in enumerate(tokens):
        # Only headings at the top of the document: one inside a quote or a
        # list belongs to that block.
        if token.type == "heading_open" and token.level == 0 and token.map:
            found.append(_Heading(int(token.tag[1]), token.map[0], token.map[1], tokens[n + 1].content.strip()))
    return found


def _text_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, dict):
        # Hugo lets `author` be a mapping: {name: ..., email: ...}
        name = value.get("name") or value.get("title")
        return [str(name)] if name else []
    if isinstance(value, (list, tuple)):
        return [item for v in value for item in _text_list(v)]
    return [str(value)]


def _plain_list(value: Any) -> bool:
    """Whether `_text_list` keeps all of the value (no mapping whose other keys it drops)."""
    if isinstance(value, dict):
        return False
    if isinstance(value, (list, tuple)):
        return all(_plain_list(v) for v in value)
    return True


def _unique(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


# -- titles and dates from names and headings ---------------------------------------


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def split_title_date(title: str) -> tuple[dt.date | None, str]:
    """(date, rest) of a title that opens or ends with a date ("2017-09-27, Hub 403", "Hub 403 - 2017-09-27");
    (date, title) when the title's words run into the date ("Hub 403 on 2017-09-27"); (None, title) otherwise."""
    match = _TITLE_DATE.match(title) or _TITLE_DATE_END.match(title)
    if not match:
        return None, title
    if match.group("y"):
        date = _valid_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    else:
        month = _MONTHS.get((match.group("mon") or match.group("mon3")).lower())
        if month is None:
            return None, title
        day = int(match.group("d2") or match.group("d3"))
        date = _valid_date(int(match.group("y2") or match.group("y3")), month, day)
    rest = match.group("rest").strip()
    if date is None or not rest:
        return None, title
    if match.re is _TITLE_DATE_END and match.group("joined") is not None:
        return date, title
    return date, rest


def _date_from_path(path: Path) -> tuple[dt.date, str] | None:
    """The date the file's name, or its name and folders, give: (date, how it was read).

    `2023-04-25-x.md`; `2023-04/04-25-x.md` and `2023/04-25-x.md` (folder
    and name); `2023/04/25/x.md`, `2023/04/25-x.md`; `2023-04-25/index.md`
    and `2023-04-25-x/index.md` (a page bundle's folder).
    """
    match = _ISO_DATE.search(path.name)
    if match:
        date = _valid_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if date:
            return date, "file name"
    parents = [p.lower() for p in path.parent.parts]
    if parents:
        match = _ISO_DATE.search(parents[-1])
        if match and _ISO_DATE.match(parents[-1]):
            date = _valid_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if date:
                return date, f"folder name ({path.parent.name}/)"
    found = _date_from_folders(path.name, parents)
    if found:
        return found, f"folder and file name ({'/'.join(path.parts[-min(len(path.parts), 4):])})"
    return None


def _date_from_folders(name: str, parents: list[str]) -> dt.date | None:
    # The name (or the last folder, for a bundle) continues the date its folders begin.
    stems = [name] + ([parents[-1]] if name.lower() in BUNDLE_FILES and parents else [])
    for n, stem in enumerate(stems):
        folders = parents[: len(parents) - n]
        if not folders:
            continue
        month_day = _NAME_MONTH_DAY.match(stem)
        year_month = _YEAR_MONTH.match(folders[-1])
        if year_month and month_day:
            if int(month_day.group(1)) == int(year_month.group(2)):
                return _valid_date(int(year_month.group(1)), int(year_month.group(2)), int(month_day.group(2)))
            continue
        day = _NAME_DAY.match(stem)
        if year_month and day:
            return _valid_date(int(year_month.group(1)), int(year_month.group(2)), int(day.group(1)))
        if _YEAR.match(folders[-1]) and month_day:
            return _valid_date(int(folders[-1]), int(month_day.group(1)), int(month_day.group(2)))
        if len(folders) >= 2 and _YEAR.match(folders[-2]) and _TWO_DIGITS.match(folders[-1]) and day:
            return _valid_date(int(folders[-2]), int(folders[-1]), int(day.group(1)))
    # `2023/04/25/slug.md` or `2023/04/25/index.md`: the folders hold all of it.
    if len(parents) >= 3 and _YEAR.match(parents[-3]) and _TWO_DIGITS.match(parents[-2]) and _TWO_DIGITS.match(parents[-1]):
        return _valid_date(int(parents[-3]), int(parents[-2]), int(parents[-1]))
    return None


def _readable(stem: str, day_first: bool = False) -> str:
    """`04-25-user-account-compromise` -> `User account compromise`; a name with spaces keeps its hyphens.

    `day_first`: the name opens with the day its folders' date continues (`2023-04/25-x.md`).
    """
    stem = _PM_PREFIX.sub("", stem)
    stem = _DATE_PREFIX.sub("", stem)
    stem, month_day = _MONTH_DAY_PREFIX.subn("", stem)
    if day_first and not month_day:
        stem = _NAME_DAY.sub("", stem, count=1)
    if " " in stem.strip():
        text = " ".join(stem.replace("_", " ").split())
    else:
        text = " ".join(re.sub(r"[-_]+", " ", stem).split())
        if text and text == text.lower():
            text = text[0].upper() + text[1:]
    return "" if re.fullmatch(r"[\d\W_]*", text) else text


def _title_from_name(path: Path) -> str:
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() in MARKDOWN_SUFFIXES else path.name
    if path.name.lower() in BUNDLE_FILES:
        # A bundle's `index.md` is named by its folder; `2023/04/25/index.md` by the nearest folder with words.
        for folder in reversed(path.parent.parts[-4:]):
            if _readable(folder):
                return _readable(folder)
        return stem
    dated = _date_from_path(path)
    return _readable(stem, day_first=bool(dated and dated[1].startswith("folder and file"))) or stem


def _date_from_text(text: str) -> dt.date | None:
    for match in _ISO_DATE.finditer(text):
        date = _valid_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if date:
            return date
    return None


def _moment(value: Any) -> dt.datetime | None:
    """A front matter date-time (YAML timestamp, TOML datetime or a string), else None; a bare date is not one."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE_TIME.match(value.strip())
    if not match:
        return None
    date, clock, zone = match.groups()
    clock = clock if len(clock.split(":")[0]) == 2 else "0" + clock
    if zone and zone.upper() != "Z" and ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    try:
        return dt.datetime.fromisoformat(f"{date}T{clock}{'+00:00' if zone and zone.upper() == 'Z' else zone or ''}")
    except ValueError:
        return None


# -- the stated zone -------------------------------------------------------------------


def find_stated_zone(lines: list[str], first_line: int, on: dt.date | None = None) -> StatedZone | None:
    """The zone the text states for its times ("All times in PDT."), with its file line.

    `postmortem_kb.zones` reads the statement, as it does for every face, so
    import and loader agree; `on` (the incident's date) lets it say when a
    name does not fit the day ("PST" in July is read as PDT).
    """
    from postmortem_kb.zones import check_statement, find_zone_statements

    statements = find_zone_statements(lines, first_line)
    if not statements:
        return None
    first = statements[0]
    notes = [message for _, message in check_statement(first, on)]
    others = [f"{s.text!r} at line {s.line}" for s in statements[1:] if s.zone.name != first.zone.name]
    if others:
        notes.append(f"the text also states {', '.join(others)}; the first statement is used for `timezone:`")
    return StatedZone(first.zone.name, first.line, first.text, "; ".join(notes))


# -- the template's sections -------------------------------------------------------------


@dataclass
class SectionPlan:
    """What a template asks of an imported post: its sections' order, the
    body of each (for placeholders), and the required ones."""

    order: list[str]
    bodies: dict[str, str]
    required: list[str]


def section_plan(config: KBConfig, template: str) -> SectionPlan:
    """Render the template once and read its sections back through the loader."""
    from postmortem_kb.loader import parse_postmortem
    from postmortem_kb.scaffold import (
        NewPostmortem,
        find_template,
        render_template,
        template_context,
    )
    from postmortem_kb.template_catalog import required_sections

    path = find_template(config, template)
    sample = NewPostmortem(title="x", date=dt.date(2000, 1, 1), severity="", template=template)
    rendered = parse_postmortem(render_template(path, template_context(sample)), path, config)
    bodies: dict[str, str] = {}
    order: list[str] = []
    for section in rendered.sections:
        if section.top_level and section.canonical and section.canonical not in bodies:
            order.append(section.canonical)
            bodies[section.canonical] = section.body.strip("\n")
    required = required_sections(config, template)
    for name in required:  # a required section the template itself lacks still gets a place
        if name not in order:
            order.append(name)
    return SectionPlan(order, bodies, required)


# -- conversion ---------------------------------------------------------------


@dataclass
class _Title:
    text: str
    origin: str
    heading: _Heading | None  # the leading H1 that held it, which leaves the body
    written: str  # the title as the source wrote it
    date: dt.date | None  # the date its prefix gave ("2017-09-27, Hub 403")


def _find_title(meta: dict[str, Any], headings: list[_Heading], lines: list[str], path: Path) -> _Title:
    """The front matter's title, else a leading H1, else the file name.

    A leading H1 that repeats the front matter's title leaves the body; one
    that says something else stays in the text as a section. A date the
    title opens or ends with is the incident's date, not part of its name.
    """
    fm_title = " ".join(str(meta.get("title") or "").split())
    first = headings[0] if headings else None
    leading_h1 = (first is not None and first.level == 1 and first.text
                  and not "".join(lines[: first.start]).strip())
    h1_text = " ".join(first.text.split()) if leading_h1 else ""
    cut_by_comment = bool(fm_title) and h1_text.startswith(fm_title) and h1_text[len(fm_title):].startswith(" #")
    title_heading = None
    if leading_h1 and (not fm_title or cut_by_comment
                       or normalise_heading(first.text) == normalise_heading(fm_title)):
        title_heading = first
    if cut_by_comment:
        # `title: Sonnet++ (incident #465)` unquoted: YAML reads " #465)" as a comment. The H1 has it whole.
        written, origin = h1_text, "first heading (the front matter's title stops where YAML reads ' #' as a comment)"
    elif fm_title:
        written, origin = fm_title, "front matter"
    elif title_heading is not None:
        written, origin = " ".join(title_heading.text.split()), "first heading"
    else:
        return _Title(_title_from_name(path), "file name", None, "", None)
    date, rest = split_title_date(written)
    return _Title(rest, origin, title_heading, written, date)


def _classifier(config: KBConfig):
    """classify_heading, asked once per distinct heading text."""
    from postmortem_kb import loader

    answers: dict[str, tuple[str | None, str | None]] = {}

    def classify(text: str) -> tuple[str | None, str | None]:
        if text not in answers:
            answers[text] = loader.classify_heading(text, config) if text.strip() else (None, None)
        return answers[text]

    return classify


def convert_post(path: Path, config: KBConfig, template: str = "default",
                 plan: SectionPlan | None = None) -> ImportedPost:
    """Read one file and return its format v1 text, or raise ImportFailure.

    `plan` is `section_plan(config, template)`, passed in by a batch so the
    template is rendered once rather than once a file.
    """
    from postmortem_kb.lint.rules_links import find_local_links, may_have_local_links
    from postmortem_kb.loader import parse_postmortem
    from postmortem_kb.scaffold import slugify

    text = read_source(path)
    meta, body, fm_format = split_front_matter(text, path)
    # Every output line remembers its source line, for the report's file:line.
    first_line = text.count("\n", 0, len(text) - len(body)) + 1
    lines = body.split("\n")
    headings = _headings(body)
    classify = _classifier(config)

    title = _find_title(meta, headings, lines, path)
    sections = [h for h in headings if h is not title.heading]

    # Shift levels so that the document's sections are `##`. The level of the
    # headings that name canonical sections decides, so a stray `# Stats`
    # among `## Summary`, `## Timeline` becomes a section beside them.
    canonical_levels = [h.level for h in sections if classify(h.text)[0]]
    base = min(canonical_levels or [h.level for h in sections] or [2])
    plan = plan or section_plan(config, template)
    post = ImportedPost(source=path, name="", text="", title=title.text, title_origin=title.origin, date=None,
                        date_origin="", front_matter_format=fm_format)
    if title.heading is not None:
        post.headings.append(HeadingReport(title.heading.text, first_line + title.heading.start, 1, None, None, ""))

    levels = _promote_canonical_subsections(
        sections, [min(6, max(2, h.level - base + 2)) for h in sections], classify)
    chunks = _lead_chunk(lines, title, sections, levels, classify, post, first_line)
    seen_canonical = {c.canonical for c in chunks if c.canonical}
    for n, heading in enumerate(sections):
        level = levels[n]
        end = sections[n + 1].start if n + 1 < len(sections) else len(lines)
        content = lines[heading.end:end]
        origins = [first_line + heading.start, *range(first_line + heading.end, first_line + end)]
        canonical, mapped_by = classify(heading.text) if level == 2 else (None, None)
        if canonical and canonical in seen_canonical:
            post.notes.append(f"{heading.text!r} (line {first_line + heading.start}) is a second "
                              f"{canonical} section; kept as a section of its own")
            canonical = None
        elif canonical:
            seen_canonical.add(canonical)
        # The author's words stay: the loader maps them, and they may say
        # more than the canonical name ("Timeline (all times PST)").
        new_heading = f"{'#' * level} {heading.text}" if heading.text else "#" * level
        post.headings.append(HeadingReport(heading.text, first_line + heading.start, level, canonical,
                                           mapped_by if canonical else None, new_heading))
        if level == 2 or not chunks:
            chunks.append(_Chunk(canonical, [new_heading, *content], origins))
        else:
            chunks[-1].lines.extend([new_heading, *content])
            chunks[-1].origins.extend(origins)

    for name in plan.required:
        if name in seen_canonical:
            continue
        post.missing.append(name)
        placeholder = ["## " + name, "", *_placeholder(plan.bodies.get(name, "")).split("\n")]
        _insert_in_order(chunks, _Chunk(name, placeholder, [None] * len(placeholder)), plan.order)

    body_lines, post.line_origins = _join_chunks(chunks)
    new_body = "\n".join(body_lines) + "\n"
    probe = parse_postmortem(new_body, path, config)
    timed_rows = [e for e in probe.timeline if e.raw_time]

    # The date: front matter, the file (and folder) name, the title's date
    # prefix, the first timeline row, a date in the text, and last the year
    # of a "PM2021-005" name (marked approximate).
    post.date, post.date_origin, post.date_key = _pick_date(meta, path, title, probe, new_body)
    if title.date and post.date and title.date != post.date:
        post.notes.append(f"the title names {title.date.isoformat()} but the date is {post.date.isoformat()} "
                          f"(from the {post.date_origin}); check which is right")
    elif title.date and title.origin == "front matter" and title.text != title.written:
        post.notes.append(f"the date {title.date.isoformat()} left the title; the original title is kept "
                          "under imported.front_matter")

    zone = _zone(meta, lines, first_line, post)
    learned = learning_fields(meta, lines, first_line, config, post)
    front = _front_matter(meta, post, template, title, zone, has_timeline=bool(timed_rows), learned=learned)
    post.text = front + "\n" + new_body
    slug = slugify(post.title)
    if post.date:
        # "Payment outage 2019-08-14" keeps its date in the title; the file name says it once.
        slug = slug.removesuffix("-" + post.date.isoformat()) or slug
    post.name = f"{post.date.isoformat()}-{slug}.md" if post.date else f"undated-{slug}.md"
    loaded = parse_postmortem(post.text, Path(post.name), config)
    if loaded.failed:
        # Never write a file that every face would then refuse to load.
        problem = loaded.diagnostics[0]
        raise ImportFailure(f"{path}: the converted file would not load ({problem.message}); nothing was written. "
                            "Simplify the original's front matter and import it again")
    post.timeline_rows = sum(1 for e in loaded.timeline if e.time is not None)
    post.timeline_errors = sum(1 for e in loaded.timeline if e.error)
    post.action_items = len(loaded.actions)
    post.to_fill = [k for k in config.required_fields if _blank(loaded.meta.get(k))]
    if post.timeline_errors:
        post.notes.append(f"{post.timeline_errors} timeline row(s) have a time that does not parse; `postmortem lint` shows which")
    if may_have_local_links(new_body):
        post.links = find_local_links(new_body)
    return post


def _lead_chunk(lines: list[str], title: _Title, sections: list[_Heading], levels: list[int], classify,
                post: ImportedPost, first_line: int) -> list[_Chunk]:
    """Text before the first section is the post's lead; with no Summary section of its own, it is the summary."""
    start = title.heading.end if title.heading else 0
    end = sections[0].start if sections else len(lines)
    lead = lines[start:end]
    if not "\n".join(lead).strip():
        return []
    first = next(n for n, line in enumerate(lead) if line.strip())
    last = max(n for n, line in enumerate(lead) if line.strip())
    kept, origins = lead[first:last + 1], list(range(first_line + start + first, first_line + start + last + 1))
    has_summary = any(lvl == 2 and classify(h.text)[0] == "Summary" for h, lvl in zip(sections, levels))
    if has_summary:
        return [_Chunk(None, kept, origins)]
    post.headings.append(HeadingReport(LEAD, origins[0], 2, "Summary", "lead", "## Summary"))
    return [_Chunk("Summary", ["## Summary", "", *kept], [None, None, *origins])]


def _pick_date(meta: dict[str, Any], path: Path, title: _Title, probe,
               body: str) -> tuple[dt.date | None, str, str | None]:
    """(date, where it came from, the front matter key it came from)."""
    for key in DATE_KEYS:
        date = as_date(meta.get(key))
        if date and title.date and title.date != date:
            # A blog's date is when the post went out; the date its title
            # opens with is the incident's. The front matter's stays under `imported`.
            return title.date, (f"date in the title ({title.written!r}); the front matter's `{key}` "
                                f"({date.isoformat()}) is kept under imported.front_matter"), None
        if date:
            return date, "front matter" if key == "date" else f"front matter `{key}`", key
    from_path = _date_from_path(path)
    if from_path:
        return from_path[0], from_path[1], None
    if title.date:
        return title.date, f"date in the title ({title.written!r})", None
    first = next((e.time for e in probe.timeline if e.time is not None), None)
    if first is not None:
        return first.date(), "first timeline row with a time", None
    date = _date_from_text(body)
    if date:
        return date, "first date in the text", None
    year = _PM_YEAR.match(path.name)
    if year:
        return dt.date(int(year.group(1)), 1, 1), f"year in the file name only (PM{year.group(1)}): check it", None
    return None, "not found", None


def _zone(meta: dict[str, Any], lines: list[str], first_line: int, post: ImportedPost) -> str | None:
    """The value for `timezone:`: the front matter's own, else the one the text states (never a made-up UTC)."""
    own = meta.get("timezone")
    if isinstance(own, str) and own.strip():
        post.zone = (own, "front matter")
        return own
    stated = find_stated_zone(lines, first_line, post.date)
    if stated is None:
        return None
    post.zone = (stated.value, stated.source)
    post.notes.append(f"timezone: {stated.value} (statement at line {stated.line}: \"{stated.text}\")"
                      + (f"; {stated.note}" if stated.note else ""))
    return stated.value


def _placeholder(template_body: str) -> str:
    """The template's body for a section the original lacks, its hint saying so."""
    note = "Not in the imported original: write it, or move the text that answers it here."
    if HINT_OPEN in template_body:
        return template_body.replace(HINT_OPEN, f"{HINT_OPEN}{note} ", 1)
    return f"{HINT_OPEN}{note} -->" + (f"\n\n{template_body}" if template_body.strip() else "")


def _promote_canonical_subsections(sections: list[_Heading], levels: list[int], classify) -> list[int]:
    """Lift a sub-heading that names a canonical section the post lacks at the top.

    "# What happened / ## Timeline" is a post whose timeline sits one level
    down; as a top-level `## Timeline` the loader reads it as the timeline.
    The sub-heading's own sub-headings move up with it. The text stays in
    the same order; only where the section starts changes.
    """
    levels = list(levels)
    top = {classify(h.text)[0] for h, lvl in zip(sections, levels) if lvl == 2}
    n = 0
    while n < len(sections):
        canonical = classify(sections[n].text)[0]
        if levels[n] > 2 and canonical and canonical not in top:
            top.add(canonical)
            own, shift = levels[n], levels[n] - 2
            levels[n] = 2
            n += 1
            while n < len(sections) and levels[n] > own:
                levels[n] -= shift
                n += 1
            continue
        n += 1
    return levels


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


def _insert_in_order(chunks: list[_Chunk], new: _Chunk, order: list[str]) -> None:
    """Put a placeholder before the first section that comes after it in the template."""
    rank = {name: n for n, name in enumerate(order)}
    mine = rank.get(new.canonical, len(order))
    for n, chunk in enumerate(chunks):
        if chunk.canonical in rank and rank[chunk.canonical] > mine:
            chunks.insert(n, new)
            return
    chunks.append(new)


def _join_chunks(chunks: list[_Chunk]) -> tuple[list[str], list[int | None]]:
    lines: list[str] = []
    origins: list[int | None] = []
    for chunk in chunks:
        end = len(chunk.lines)
        while end and not chunk.lines[end - 1].strip():
            end -= 1
        if lines:
            lines.append("")
            origins.append(None)
        lines.extend(chunk.lines[:end])
        origins.extend(chunk.origins[:end])
    return lines, origins


# -- learning fields: language, trigger, detection ---------------------------------

# Only what the file states is mapped: a front matter key of the same name,
# or a line that names the field ("Trigger: config change"), whose value is
# the vocabulary's own (in any case, spaces for hyphens) or an unmistakable
# synonym of it. DFDS's "Category:" names the area hit (Kubernetes,
# Observability), not what set the incident off, so it is not a trigger.
_TRIGGER_SYNONYMS = {
    "configuration change": "config-change", "configuration": "config-change", "config": "config-change",
    "config push": "config-change", "configuration push": "config-change", "feature flag": "config-change",
    "deployment": "deploy", "code deploy": "deploy", "release": "deploy", "rollout": "deploy",
    "binary push": "deploy", "hardware failure": "hardware", "network failure": "network",
    "expired certificate": "certificate-expiry", "certificate expiry": "certificate-expiry",
    "certificate expiration": "certificate-expiry", "third party": "dependency", "third-party": "dependency",
    "vendor": "dependency", "upstream": "dependency",
}
_DETECTION_SYNONYMS = {
    "alerts": "alert", "alerting": "alert", "an alert": "alert", "automated alert": "alert",
    "monitoring alert": "alert", "page": "alert", "pager": "alert",
    "customer": "customer-report", "customers": "customer-report", "customer reports": "customer-report",
    "customer report": "customer-report", "reported by a customer": "customer-report",
    "reported by customers": "customer-report", "customer ticket": "customer-report",
    "support ticket": "customer-report", "internal": "internal-report", "internal reports": "internal-report",
    "employee": "internal-report", "staff": "internal-report", "automated": "automation",
    "health check": "automation", "canary": "automation",
}
# key -> (config vocabulary attribute, synonyms, labels of a line that states it)
_LEARNING_KEYS = {
    "trigger": ("triggers", _TRIGGER_SYNONYMS, ("trigger", "triggered by", "incident trigger")),
    "detection": ("detection_methods", _DETECTION_SYNONYMS,
                  ("detection", "detected by", "detection method", "how detected", "how it was detected")),
}
_STATED_LINE = re.compile(r"^\s*(?:[-*+]\s+)?[*_]{0,2}(?P<label>[A-Za-z][A-Za-z ]{2,30}?)[*_]{0,2}\s*:[*_]{0,2}\s*"
                          r"(?P<value>[^|]+?)\s*$")


@dataclass
class LearnedFields:
    """Format v1.1 fields the source states, and the source's front matter keys they hold whole."""

    values: dict[str, Any] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)


def vocabulary_value(text: str, vocabulary: Any, synonyms: dict[str, str]) -> str | None:
    """The vocabulary value `text` states, or None: no guessing beyond spelling and a few synonyms."""
    words = " ".join(str(text).strip().strip("*_`").rstrip(".").replace("_", " ").split()).lower()
    if not words:
        return None
    spelled = words.replace(" ", "-")
    for value in vocabulary:
        if value.lower() in (words, spelled):
            return value
    target = synonyms.get(words)
    return target if target in vocabulary else None


def _tag_language(tags: list[str]) -> str | None:
    from postmortem_kb.languages import language_from_tags

    return language_from_tags(tags)


def learning_fields(meta: dict[str, Any], lines: list[str], first_line: int, config: KBConfig,
                    post: ImportedPost) -> LearnedFields:
    """lang, trigger, detection, contributing factors and the incident commander, as far as the source states them."""
    learned = LearnedFields()
    from postmortem_kb.languages import is_language

    own_lang = next((meta[k] for k in ("lang", "language") if isinstance(meta.get(k), str)), None)
    if own_lang and is_language(own_lang.strip()):
        learned.values["lang"] = own_lang.strip()
        learned.held.update(k for k in ("lang", "language") if meta.get(k) == own_lang)
    for key, (setting, synonyms, _) in _LEARNING_KEYS.items():
        raw = meta.get(key)
        if isinstance(raw, str) and raw.strip():
            value = vocabulary_value(raw, getattr(config, setting), synonyms)
            if value:
                learned.values[key] = value
                learned.held.add(key)
                if value != raw:
                    post.notes.append(f"{key}: {value} (the front matter said {raw!r})")
            else:
                post.notes.append(f"{key}: {raw!r} is not in the `{setting}` vocabulary; kept under "
                                  f"imported.front_matter, set `{key}:` by hand")
    factors = _text_list(meta.get("contributing_factors"))
    if factors:
        mapped = [vocabulary_value(f, config.contributing_factors, {}) for f in factors]
        if all(mapped):
            learned.values["contributing_factors"] = _unique(mapped)
            learned.held.add("contributing_factors")
        else:
            unknown = [f for f, m in zip(factors, mapped) if not m]
            post.notes.append(f"contributing_factors: {', '.join(map(repr, unknown))} not in the vocabulary; "
                              "kept under imported.front_matter")
    commander = meta.get("incident_commander")
    if isinstance(commander, str) and commander.strip():
        learned.values["incident_commander"] = commander.strip()
        learned.held.add("incident_commander")
    _stated_in_text(lines, first_line, config, post, learned)
    _stated_in_lead(meta, lines, first_line, config, post, learned)
    return learned


_COMMANDER_LABELS = {"incident commander", "ic", "incident lead", "incident manager", "incident coordinator"}
_LEAD_LABELS = {"author": "authors", "authors": "authors", "written by": "authors", "severity": "severity",
                "sev": "severity", "summary": "summary", "tl;dr": "summary", "tldr": "summary"}
_SEVERITY_NUMBER = re.compile(r"^(?:sev(?:erity)?)\s*[-_ ]?\s*(\d)\b", re.IGNORECASE)


def _stated_in_lead(meta: dict[str, Any], lines: list[str], first_line: int, config: KBConfig,
                    post: ImportedPost, learned: LearnedFields) -> None:
    """`**Authors:** ...`, `**Severity:** SEV-2` and `**Summary:** ...` lines above the first section.

    Many templates (Google's among them) put these in the text rather than
    in front matter. They are read only where the front matter says
    nothing, and the lines stay in the text as written.
    """
    seen_text = False  # a `#` heading after some text opens a section (a leading one is the title)
    for index, line in enumerate(lines):
        if re.match(r"^\s*#{2,6}\s", line) or (seen_text and re.match(r"^\s*#\s", line)):
            break  # the first section
        seen_text = seen_text or bool(line.strip() and not line.lstrip().startswith("#"))
        match = _STATED_LINE.match(line)
        if not match:
            continue
        key = _LEAD_LABELS.get(" ".join(match.group("label").lower().split()))
        value = _labelled_value(match.group("value"))
        if key is None or not value or key in learned.values or _has_value(meta, key):
            continue
        where = f"line {first_line + index}"
        if key == "authors":
            names = [n.strip().lstrip("@") for n in re.split(r"\s*(?:,|;|&|\band\b)\s*", value) if n.strip()]
            if names:
                learned.values["authors"] = names
                post.notes.append(f"authors: {', '.join(names)} (from {line.strip()!r} at {where})")
        elif key == "severity":
            number = _SEVERITY_NUMBER.match(value)
            level = f"SEV{number.group(1)}" if number else value.split()[0]
            known = next((s for s in config.severities if s.lower() == level.lower()), None)
            if known:
                learned.values["severity"] = known
                post.notes.append(f"severity: {known} (from {line.strip()!r} at {where})")
            else:
                post.notes.append(f"{line.strip()!r} at {where} names no configured severity; set `severity:` by hand")
        else:
            learned.values["summary"] = " ".join(value.split())
            post.notes.append(f"summary: from {line.strip()!r} at {where}")


def _labelled_value(written: str) -> str:
    """A labelled line's value: link labels for links, and without the emphasis that closes around the label
    (`**Severity: SEV-2**`); emphasis of its own (`... *bold*`) stays."""
    value = link_labels(written).strip()
    for mark in ("**", "__", "*", "_"):
        inner = value[len(mark):-len(mark)]
        if value.startswith(mark) and value.endswith(mark) and inner.strip() and mark not in inner:
            return inner.strip()  # the whole value emphasised: `**Alex**`
        if value.endswith(mark) and value.count(mark) % 2 == 1:
            value = value[: -len(mark)].rstrip()
    return value


def _has_value(meta: dict[str, Any], key: str) -> bool:
    keys = {"authors": AUTHOR_KEYS, "summary": SUMMARY_KEYS}.get(key, (key,))
    return any(not _blank(meta.get(k)) for k in keys)


def _stated_in_text(lines: list[str], first_line: int, config: KBConfig, post: ImportedPost,
                    learned: LearnedFields) -> None:
    """`Trigger: ...`, `Detection: ...` and `Incident commander: ...` lines of the text (outside code),
    when the front matter did not say."""
    fence = None
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fence = None if fence and stripped.startswith(fence) else (fence or stripped[:3])
            continue
        if fence:
            continue
        match = _STATED_LINE.match(line)
        if not match:
            continue
        label = " ".join(match.group("label").lower().split())
        if label in _COMMANDER_LABELS:
            name = _labelled_value(match.group("value")).lstrip("@")
            # A name, not a sentence about the role ("Incident commander: none was named at first").
            if name and "incident_commander" not in learned.values and len(name.split()) <= 4 \
                    and not re.search(r"[.!?]\s|\bnone\b|\bnot\b", name, re.I):
                learned.values["incident_commander"] = name
                post.notes.append(f"incident_commander: {name} (from {line.strip()!r} at line {first_line + index})")
            continue
        for key, (setting, synonyms, labels) in _LEARNING_KEYS.items():
            if label not in labels or key in learned.values:
                continue
            value = vocabulary_value(match.group("value"), getattr(config, setting), synonyms)
            where = f"line {first_line + index}"
            if value:
                learned.values[key] = value
                post.notes.append(f"{key}: {value} (from {line.strip()!r} at {where})")
            elif len(match.group("value").split()) <= 4:
                # A short value is a category that is not the vocabulary's; a sentence is prose about it.
                post.notes.append(f"{line.strip()!r} at {where} names no value of `{setting}`; set `{key}:` by hand")


# -- front matter -----------------------------------------------------------------


def _front_matter(meta: dict[str, Any], post: ImportedPost, template: str, title: _Title, zone: str | None,
                  has_timeline: bool, learned: "LearnedFields | None" = None) -> str:
    from postmortem_kb.scaffold import url_slug

    # Keys whose value v1 holds in full; any other key, and a used key whose
    # value v1 holds in another shape, is kept as it was under `imported`.
    held: set[str] = set()
    if "title" in meta and title.origin == "front matter" and title.text == title.written:
        held.add("title")
    severity = meta.get("severity") if isinstance(meta.get("severity"), str) else ""
    if severity:
        held.add("severity")
    tags = _unique(_text_list(meta.get("tags")))
    held.update(k for k in ("tags",) if k in meta and _plain_list(meta[k]))
    categories = _text_list(meta.get("categories"))
    if categories:
        slugs = [url_slug(c) for c in categories]
        tags = _unique(tags + slugs)
        post.notes.append(f"categories became tags: {', '.join(slugs)}")
        if slugs == categories and _plain_list(meta["categories"]):
            held.add("categories")
    authors = _unique([a for key in AUTHOR_KEYS for a in _text_list(meta.get(key))])
    held.update(k for k in AUTHOR_KEYS if k in meta and _plain_list(meta[k]))
    services = _unique([s for key in meta if key in SERVICE_KEYS for s in _text_list(meta[key])])
    renamed = [k for k in meta if k in SERVICE_KEYS[1:] and _text_list(meta[k])]
    if renamed:
        post.notes.append(f"{', '.join(renamed)} became services")
    held.update(k for k in SERVICE_KEYS if k in meta and _plain_list(meta[k]))
    summary_key = next((k for k in SUMMARY_KEYS if isinstance(meta.get(k), str) and meta[k].strip()), None)
    summary = " ".join(meta[summary_key].split()) if summary_key else ""
    if summary_key:
        held.add(summary_key)
        if summary_key != "summary":
            post.notes.append(f"{summary_key} became summary")
    if post.date_key and isinstance(meta.get(post.date_key), (dt.date, str)) and _moment(meta[post.date_key]) is None:
        held.add(post.date_key)  # a plain date: v1's `date` holds all of it
    v1: dict[str, Any] = {
        "title": post.title,
        "date": post.date,
        "severity": severity,
        "status": "draft",
        "template": template,
        "authors": authors,
        "tags": tags,
        "services": services,
    }
    if learned is not None:
        v1.update(learned.values)
        held.update(learned.held)
        tagged = _tag_language(tags)
        if tagged and "lang" not in learned.values:
            v1["lang"] = tagged
            post.notes.append(f"lang: {tagged} (from the tag lang-{tagged}, which stays)")
        elif tagged and learned.values["lang"].lower() != tagged.lower():
            post.notes.append(f"the front matter says lang {learned.values['lang']} but a tag says lang-{tagged}; "
                              "check which is right")
    if zone:
        v1["timezone"] = zone
        if isinstance(meta.get("timezone"), str):
            held.add("timezone")
    for key in V1_TIMES:
        v1[key] = meta.get(key)
        if key in meta:
            held.add(key)
    published = _moment(meta.get(post.date_key)) if post.date_key else None
    if published is not None and v1["started_at"] is None and not has_timeline:
        if published.tzinfo is None and zone:
            from postmortem_kb.zones import zone_from_setting

            known = zone_from_setting(zone)
            published = published.replace(tzinfo=known.tz) if known else published
        v1["started_at"] = published
        post.started_at_from = f"front matter `{post.date_key}`"
        post.notes.append(f"started_at is the post's `{post.date_key}` ({_shown(meta[post.date_key])}), the only time "
                          "the file gives; a blog's date is often when it was published, so check it")
    lead_summary = v1.pop("summary", "")  # a lead line's; popped so that the key keeps its place
    v1["summary"] = summary or lead_summary or ""
    v1["related"] = _text_list(meta.get("related"))
    if "related" in meta and _plain_list(meta["related"]):
        held.add("related")
    # A blank value of a key v1 reads loses nothing; every other value v1 did not take whole stays.
    kept = {k: v for k, v in meta.items() if k not in held and not (k in _READ_KEYS and _blank(v))}
    imported: dict[str, Any] = {"from": post.source.name}
    if title.origin == "first heading" and title.text != title.written:
        imported["title"] = title.written  # the H1 as it was, date prefix and all
    if kept:
        imported["front_matter"] = kept
    v1["imported"] = imported
    if kept:
        post.notes.append(f"kept under imported.front_matter: {', '.join(kept)}")
    return "---\n" + _dump_yaml(v1) + "---\n"


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


class _Dumper(yaml.SafeDumper):
    """Writes None as an empty value (`started_at:`), as the templates do, and every value out in full.

    A value used twice (the post's `date` as `started_at` and under
    `imported`) would otherwise be written as a YAML anchor and alias.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))


def _dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)
