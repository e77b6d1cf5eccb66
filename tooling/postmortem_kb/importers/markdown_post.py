"""Turn an existing markdown postmortem into a format v1 file, losing no text.

The source may carry YAML front matter (Hugo, Jekyll), TOML front matter
between `+++` lines (Hugo, Zola) or none at all. Its lines are copied as
they are; only heading lines change: the title H1 moves into the front
matter, levels shift so that sections are `##`, and a heading that matches a
canonical section through the config's aliases takes the canonical name.
A heading that maps nowhere stays, with its text, as a section of its own;
required sections the original lacks are added as hint-only placeholders,
which lint reports as empty until someone fills them in.

Nothing is guessed that cannot be read off the file: the incident times
(`started_at`, ...) and the severity stay empty for the author to fill in,
and a "Stats" list such as "Time to detection: 8 minutes" stays as text.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from postmortem_kb.config import KBConfig, normalise_heading
from postmortem_kb.importers import ImportFailure
from postmortem_kb.model import as_date

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
# Files that describe a folder rather than an incident.
FOLDER_FILES = {"readme.md", "index.md", "_index.md", "license.md", "changelog.md"}
LEAD = "(text before the first heading)"
HINT_OPEN = "<!-- hint: "

# Front matter keys of blog engines that map onto format v1.
DATE_KEYS = ("date", "publishDate", "publishdate", "pubDate", "created")
SUMMARY_KEYS = ("summary", "description")
# Keys whose value goes into format v1 as it is (others are mapped or kept aside).
V1_KEYS = {"title", "authors", "author", "tags", "categories", "services", "started_at", "detected_at",
           "mitigated_at", "resolved_at", "related"}

_ISO_DATE = re.compile(r"(?<![\d-])((?:19|20)\d{2})-(\d{2})-(\d{2})(?![\d])")
_PM_YEAR = re.compile(r"^PM((?:19|20)\d{2})-", re.IGNORECASE)
_PM_PREFIX = re.compile(r"^PM[\w]{4}-[\w]+\s*-\s*", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_ ]*")
# "All times in UTC.", "Date and Time in CET", "times are in Europe/Copenhagen"
_TIMES_IN = re.compile(
    r"\btimes?\s+(?:are\s+|is\s+)?(?:in|shown\s+in)\s+([A-Za-z][A-Za-z_/]*(?:[+-]\d{2}:?\d{2})?)", re.IGNORECASE
)


class _TomlFrontMatter(frontmatter.default_handlers.BaseHandler):
    """Hugo and Zola's `+++` front matter, read with the standard library's tomllib."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


_YAML = frontmatter.YAMLHandler()
_TOML = _TomlFrontMatter()


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
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (original heading, canonical name)
    kept: list[str] = field(default_factory=list)  # headings that map nowhere, kept as sections
    missing: list[str] = field(default_factory=list)  # placeholders added
    to_fill: list[str] = field(default_factory=list)  # required front matter left empty
    notes: list[str] = field(default_factory=list)
    timeline_rows: int = 0
    timeline_errors: int = 0
    action_items: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.as_posix(),
            "name": self.name,
            "title": self.title,
            "title_from": self.title_origin,
            "date": self.date.isoformat() if self.date else None,
            "date_from": self.date_origin,
            "front_matter": self.front_matter_format,
            "mapped": [{"heading": h, "section": c} for h, c in self.mapped],
            "kept": self.kept,
            "missing": self.missing,
            "to_fill": self.to_fill,
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
    """A top-level section of the output (or the lead text), as lines."""

    canonical: str | None
    lines: list[str]


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
            if candidate.name.lower() in FOLDER_FILES:
                passed.append((candidate, "a folder's readme or index, not a postmortem"))
            elif candidate.suffix.lower() in MARKDOWN_SUFFIXES:
                chosen.append(candidate)
            elif not candidate.suffix and looks_like_markdown(candidate):
                chosen.append(candidate)
            else:
                passed.append((candidate, "not a markdown file"))
    return chosen, passed


# -- conversion ---------------------------------------------------------------


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


def _unique(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _title_from_name(path: Path) -> str:
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() in MARKDOWN_SUFFIXES else path.name
    stem = _PM_PREFIX.sub("", stem)
    stem = _DATE_PREFIX.sub("", stem)
    return " ".join(stem.replace("_", " ").split()) or path.name


def _date_from_name(path: Path) -> dt.date | None:
    match = _ISO_DATE.search(path.name)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _date_from_text(text: str) -> dt.date | None:
    for match in _ISO_DATE.finditer(text):
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


def _stated_timezone(body: str) -> tuple[str, str] | None:
    """A zone the text states for its times ("All times in UTC."), if it is one we can use."""
    from postmortem_kb.times import parse_timezone

    # "three times in a row" also matches; the first phrase naming a real zone wins.
    for match in _TIMES_IN.finditer(body):
        name = match.group(1)
        if name.upper() in ("UTC", "GMT", "Z"):
            name = "UTC"
        if len(name) > 1 and parse_timezone(name) is not None:
            return name, " ".join(match.group(0).split())
    return None


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
    from postmortem_kb.scaffold import NewPostmortem, find_template, render_template, template_context
    from postmortem_kb.template_catalog import template_sections

    path = find_template(config, template)
    sample = NewPostmortem(title="x", date=dt.date(2000, 1, 1), severity="", template=template)
    rendered = parse_postmortem(render_template(path, template_context(sample)), path, config)
    bodies: dict[str, str] = {}
    order: list[str] = []
    for section in rendered.sections:
        if section.top_level and section.canonical and section.canonical not in bodies:
            order.append(section.canonical)
            bodies[section.canonical] = section.body.strip("\n")
    required = template_sections(path)[1]
    for name in required:  # a required section the template itself lacks still gets a place
        if name not in order:
            order.append(name)
    return SectionPlan(order, bodies, required)


def _find_title(meta: dict[str, Any], headings: list[_Heading], lines: list[str],
                path: Path) -> tuple[str, str, _Heading | None]:
    """(title, where from, the H1 that held it if it is to leave the body).

    The front matter's title, else a leading H1, else the file name. A
    leading H1 that repeats the front matter's title leaves the body; one
    that says something else stays in the text as a section.
    """
    fm_title = " ".join(str(meta.get("title") or "").split())
    first = headings[0] if headings else None
    title_heading = None
    if (first is not None and first.level == 1 and first.text and not "".join(lines[: first.start]).strip()
            and (not fm_title or normalise_heading(first.text) == normalise_heading(fm_title))):
        title_heading = first
    if fm_title:
        return fm_title, "front matter", title_heading
    if title_heading is not None:
        return " ".join(title_heading.text.split()), "first heading", title_heading
    return _title_from_name(path), "file name", None


def convert_post(path: Path, config: KBConfig, template: str = "default",
                 plan: SectionPlan | None = None) -> ImportedPost:
    """Read one file and return its format v1 text, or raise ImportFailure.

    `plan` is `section_plan(config, template)`, passed in by a batch so the
    template is rendered once rather than once a file.
    """
    from postmortem_kb.loader import parse_postmortem
    from postmortem_kb.scaffold import slugify

    text = read_source(path)
    meta, body, fm_format = split_front_matter(text, path)
    lines = body.split("\n")
    headings = _headings(body)
    heading_map = config.heading_map()

    title, title_origin, title_heading = _find_title(meta, headings, lines, path)
    sections = [h for h in headings if h is not title_heading]

    # Shift levels so that the document's sections are `##`. The level of the
    # headings that name canonical sections decides, so a stray `# Stats`
    # among `## Summary`, `## Timeline` becomes a section beside them.
    canonical_levels = [h.level for h in sections if heading_map.get(normalise_heading(h.text))]
    base = min(canonical_levels or [h.level for h in sections] or [2])

    def level_of(heading: _Heading) -> int:
        return min(6, max(2, heading.level - base + 2))

    plan = plan or section_plan(config, template)
    post = ImportedPost(source=path, name="", text="", title=title, title_origin=title_origin, date=None,
                        date_origin="", front_matter_format=fm_format)
    chunks: list[_Chunk] = []
    seen_canonical: set[str] = set()

    # Text before the first section is the post's lead; with no Summary
    # section of its own, it is the summary.
    lead = lines[title_heading.end if title_heading else 0: sections[0].start if sections else len(lines)]
    has_summary = any(
        level_of(h) == 2 and heading_map.get(normalise_heading(h.text)) == "Summary" for h in sections
    )
    if "\n".join(lead).strip():
        if not has_summary:
            chunks.append(_Chunk("Summary", ["## Summary", "", *_strip_blank_edges(lead)]))
            post.mapped.append((LEAD, "Summary"))
            seen_canonical.add("Summary")
        else:
            chunks.append(_Chunk(None, _strip_blank_edges(lead)))
    levels = _promote_canonical_subsections(sections, [level_of(h) for h in sections], heading_map)
    for n, heading in enumerate(sections):
        level = levels[n]
        end = sections[n + 1].start if n + 1 < len(sections) else len(lines)
        content = lines[heading.end:end]
        text = heading.text
        canonical = heading_map.get(normalise_heading(text)) if level == 2 else None
        if level == 2 and canonical and canonical not in seen_canonical:
            seen_canonical.add(canonical)
            post.mapped.append((text, canonical))
            new_heading = f"## {canonical}"
        else:
            if level == 2:
                post.kept.append(text + (f" (a second {canonical} section)" if canonical else ""))
                canonical = None
            new_heading = f"{'#' * level} {text}" if text else "#" * level
        if level == 2 or not chunks:
            chunks.append(_Chunk(canonical, [new_heading, *content]))
        else:
            chunks[-1].lines.extend([new_heading, *content])

    for name in plan.required:
        if name in seen_canonical:
            continue
        post.missing.append(name)
        _insert_in_order(chunks, _Chunk(name, [f"## {name}", "", _placeholder(plan.bodies.get(name, ""))]), plan.order)

    new_body = _join_chunks(chunks)

    # The date: front matter, the file name, the first timeline row, a date in
    # the text, and last the year of a "PM2021-005" name (marked approximate).
    date, post.date_origin, post.date_key = _pick_date(meta, path, new_body, config)
    post.date = date

    front = _front_matter(meta, post, template, new_body)
    post.text = front + "\n" + new_body
    slug = slugify(title)
    post.name = f"{date.isoformat()}-{slug}.md" if date else f"undated-{slug}.md"
    loaded = parse_postmortem(post.text, Path(post.name), config)
    if loaded.failed:
        # Never write a file that every face would then refuse to load.
        problem = loaded.diagnostics[0]
        raise ImportFailure(f"{path}: the converted file would not load ({problem.message}); nothing was written. "
                            "Simplify the original's front matter and import it again")
    post.timeline_rows = sum(1 for e in loaded.timeline if e.time is not None)
    post.timeline_errors = sum(1 for e in loaded.timeline if e.error)
    post.action_items = len(loaded.actions)
    post.to_fill = [k for k in config["required_fields"] if _blank(loaded.meta.get(k))]
    if post.timeline_errors:
        post.notes.append(f"{post.timeline_errors} timeline row(s) have a time that does not parse; `postmortem lint` shows which")
    return post


def _placeholder(template_body: str) -> str:
    """The template's body for a section the original lacks, its hint saying so."""
    note = "Not in the imported original: write it, or move the text that answers it here."
    if HINT_OPEN in template_body:
        return template_body.replace(HINT_OPEN, f"{HINT_OPEN}{note} ", 1)
    return f"{HINT_OPEN}{note} -->" + (f"\n\n{template_body}" if template_body.strip() else "")


def _promote_canonical_subsections(sections: list[_Heading], levels: list[int],
                                   heading_map: dict[str, str]) -> list[int]:
    """Lift a sub-heading that names a canonical section the post lacks at the top.

    "# What happened / ## Timeline" is a post whose timeline sits one level
    down; as a top-level `## Timeline` the loader reads it as the timeline.
    The sub-heading's own sub-headings move up with it. The text stays in
    the same order; only where the section starts changes.
    """
    levels = list(levels)
    top = {heading_map.get(normalise_heading(h.text)) for h, lvl in zip(sections, levels) if lvl == 2}
    n = 0
    while n < len(sections):
        canonical = heading_map.get(normalise_heading(sections[n].text))
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


def _strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _insert_in_order(chunks: list[_Chunk], new: _Chunk, order: list[str]) -> None:
    """Put a placeholder before the first section that comes after it in the template."""
    rank = {name: n for n, name in enumerate(order)}
    mine = rank.get(new.canonical, len(order))
    for n, chunk in enumerate(chunks):
        if chunk.canonical in rank and rank[chunk.canonical] > mine:
            chunks.insert(n, new)
            return
    chunks.append(new)


def _join_chunks(chunks: list[_Chunk]) -> str:
    parts = []
    for chunk in chunks:
        lines = chunk.lines
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _pick_date(meta: dict[str, Any], path: Path, body: str,
               config: KBConfig) -> tuple[dt.date | None, str, str | None]:
    """(date, where it came from, the front matter key it came from)."""
    from postmortem_kb.loader import parse_postmortem

    for key in DATE_KEYS:
        date = as_date(meta.get(key))
        if date:
            return date, "front matter" if key == "date" else f"front matter `{key}`", key
    date = _date_from_name(path)
    if date:
        return date, "file name", None
    probe = parse_postmortem(body, path, config)
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


def _front_matter(meta: dict[str, Any], post: ImportedPost, template: str, body: str) -> str:
    severity = meta.get("severity") if isinstance(meta.get("severity"), str) else ""
    tags = _unique(_text_list(meta.get("tags")))
    categories = _text_list(meta.get("categories"))
    if categories:
        from postmortem_kb.site.escape import url_slug

        tags = _unique(tags + [url_slug(c) for c in categories])
        post.notes.append(f"categories became tags: {', '.join(url_slug(c) for c in categories)}")
    authors = _unique(_text_list(meta.get("authors")) + _text_list(meta.get("author")))
    summary_key = next((k for k in SUMMARY_KEYS if isinstance(meta.get(k), str) and meta[k].strip()), None)
    summary = " ".join(meta[summary_key].split()) if summary_key else ""
    if summary_key and summary_key != "summary":
        post.notes.append(f"{summary_key} became summary")
    v1: dict[str, Any] = {
        "title": post.title,
        "date": post.date,
        "severity": severity,
        "status": "draft",
        "template": template,
        "authors": authors,
        "tags": tags,
        "services": _unique(_text_list(meta.get("services"))),
    }
    zone = meta.get("timezone") if isinstance(meta.get("timezone"), str) else None
    stated = None if zone else _stated_timezone(body)
    if stated:
        zone = stated[0]
        post.notes.append(f"timezone: {zone} (from \"{stated[1]}\")")
    if zone:
        v1["timezone"] = zone
    for key in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
        v1[key] = meta.get(key)
    v1["summary"] = summary
    v1["related"] = _text_list(meta.get("related"))
    # Keys of the old blog engine (slug, aliases, draft, ...) are kept, not
    # dropped: they may matter to someone, and lint can judge them.
    # Every key whose value did not go into the v1 fields above is kept,
    # not dropped: an old engine's slug, aliases or status may matter.
    used = set(V1_KEYS) | {post.date_key, summary_key}
    if severity:
        used.add("severity")
    if zone and "timezone" in meta:
        used.add("timezone")
    extra = {k: v for k, v in meta.items() if k not in used}
    v1["imported"] = {"from": post.source.name, **({"front_matter": extra} if extra else {})}
    if extra:
        post.notes.append(f"kept under imported.front_matter: {', '.join(extra)}")
    return "---\n" + _dump_yaml(v1) + "---\n"


class _Dumper(yaml.SafeDumper):
    """Writes None as an empty value (`started_at:`), as the templates do."""


_Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))


def _dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)


# -- links between imported posts ------------------------------------------------


def relative_targets(markdown: str) -> list[tuple[str, str]]:
    """(kind, destination) of every link and image that points at a local file."""
    from postmortem_kb.loader import markdown_parser

    found = []
    for token in markdown_parser().parse(markdown):
        for child in token.children or []:
            if child.type == "link_open":
                kind, target = "link", str(child.attrs.get("href", ""))
            elif child.type == "image":
                kind, target = "image", str(child.attrs.get("src", ""))
            else:
                continue
            if target and not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", target, re.IGNORECASE):
                found.append((kind, target))
    return list(dict.fromkeys(found))


def retarget_links(post: ImportedPost, new_names: dict[Path, str]) -> None:
    """Point links between posts of one import at their new file names.

    The old posts linked each other by file name
    (`[PM2019-009]: PM2019-009%20-%20Kubernetes...md`); after the import
    those files are `2019-11-29-kubernetes-....md`, side by side in
    postmortems/. Only the destination changes; a link to a file that was
    not imported, or an image, is kept and named in the report.
    """
    from urllib.parse import unquote

    front_end = post.text.index("\n---\n", 4) + 5
    front, body = post.text[:front_end], post.text[front_end:]
    if "](" not in body and "]:" not in body:
        return  # no inline link, image or link definition: nothing to parse for
    for kind, target in relative_targets(body):
        path_part, _, fragment = target.partition("#")
        source = (post.source.parent / unquote(path_part)).resolve()
        new_name = new_names.get(source) if kind == "link" else None
        if new_name is None:
            what = "image" if kind == "image" else "link"
            post.notes.append(f"{what} to {unquote(target)!r} kept as it was: copy or fix its target by hand")
            continue
        new_target = new_name + (f"#{fragment}" if fragment else "")
        for raw in dict.fromkeys((target, unquote(target))):
            for before, after in (("](", ""), ("]: ", ""), ("](<", ">"), ("]: <", ">")):
                body = body.replace(f"{before}{raw}{after}", f"{before}{new_target}{after}")
        post.notes.append(f"link to {unquote(path_part)!r} now points to {new_name}")
    post.text = front + body
