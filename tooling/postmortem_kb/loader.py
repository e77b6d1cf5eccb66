"""Load a postmortem file into the model, once.

python-frontmatter splits and reads the front matter; markdown-it-py tokenizes
the body. One pass over the tokens yields the sections, the timeline and the
action items. A file that cannot be read or parsed becomes a `Diagnostic`
with its path and line, never an exception.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from itertools import accumulate
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from postmortem_kb.config import KBConfig, normalise_heading
from postmortem_kb.files import RefusedFile, read_regular
from postmortem_kb.markdown_blocks import Heading, read_blocks
from postmortem_kb.model import ERROR, Diagnostic, Postmortem, Section

# Larger files are refused rather than parsed: a postmortem is prose, and a
# multi-megabyte paste of logs would stall lint and the site for everyone.
MAX_FILE_BYTES = 5 * 1024 * 1024

# YAML aliases let a few lines of front matter stand for billions of values
# ("billion laughs"); the loader builds shared references cheaply, but any
# face that walks or prints the values would not survive them.
MAX_META_VALUES = 10_000

_YAML = frontmatter.YAMLHandler()


class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (its C parser when built), stricter where YAML is silently lenient.

    - A key written twice (`severity: SEV1` ... `severity: SEV4`) is
      recorded: YAML keeps the last one without a word.
    - An impossible date (`date: 2024-02-30`) is an error at its own line.
    - An integer of absurd length (`0x` + thousands of digits) stays text:
      as a number it cannot even be printed in decimal.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []  # (key, first line, repeated line), 0-based


_MAX_INT_TEXT = 400


def _mapping(loader: _FrontMatterLoader, node: yaml.MappingNode):
    first: dict[str, int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
            if key_node.value in first:
                loader.duplicates.append((key_node.value, first[key_node.value], key_node.start_mark.line))
            else:
                first[key_node.value] = key_node.start_mark.line
    yield from yaml.constructor.SafeConstructor.construct_yaml_map(loader, node)


def _timestamp(loader: _FrontMatterLoader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a real date or time ({exc}); write it as YYYY-MM-DD",
            node.start_mark,
        ) from None


def _integer(loader: _FrontMatterLoader, node: yaml.ScalarNode):
    if len(node.value) > _MAX_INT_TEXT:
        return node.value
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _integer)


def load_front_matter_yaml(fm_text: str) -> tuple[Any, list[tuple[str, int, int]]]:
    """The YAML value of a front matter, and the keys written twice (key, first, repeated; 0-based lines)."""
    loader = _FrontMatterLoader(fm_text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_parser: MarkdownIt | None = None


def markdown_parser() -> MarkdownIt:
    """The full grammar, inline pass included, for faces that need links and images."""
    global _parser
    if _parser is None:
        _parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return _parser


def load_postmortem(path: Path, config: KBConfig, display: str | None = None, *,
                    parse_body: bool = True) -> Postmortem:
    """Read and parse one file; problems become diagnostics on the result.

    With `parse_body=False` the body is kept as text but not tokenized (no
    sections, timeline or action items until `read_body`): the front matter
    alone decides whether a file loads, so that is all a caller needs to
    plan the site's pages.
    """
    shown = display or path.as_posix()
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except RefusedFile as exc:
        return _failed(path, shown, 1, "load-refused", str(exc))
    except OSError as exc:
        return _failed(path, shown, 1, "load-read", f"cannot read the file: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return _too_big(path, shown)
    return load_postmortem_bytes(data, path, config, shown, parse_body=parse_body)


def _too_big(path: Path, shown: str) -> Postmortem:
    try:
        size = f"{os.stat(path).st_size / 1_048_576:.1f} MB, over"
    except OSError:
        size = "over"
    return _failed(path, shown, 1, "load-size",
                   f"the file is {size} the {MAX_FILE_BYTES // 1_048_576} MB limit; "
                   "move logs and dumps to attachments and link them")


def load_postmortem_bytes(data: bytes, path: Path, config: KBConfig, display: str | None = None, *,
                          parse_body: bool = True) -> Postmortem:
    """`load_postmortem` for a file already read (lint reads it once, to hash it too)."""
    shown = display or path.as_posix()
    if len(data) > MAX_FILE_BYTES:
        return _too_big(path, shown)
    if b"\x00" in data[:8192]:
        return _failed(path, shown, 1, "load-binary", "this is a binary file, not a markdown postmortem")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _failed(
            path, shown, line, "load-encoding",
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8; re-save the file as UTF-8",
        )
    return parse_postmortem(text, path, config, shown, parse_body=parse_body)


def source_path(path: Path, root: Path) -> str:
    """The file's path from the knowledge base's root (postmortems/<id>.md), as the repository names it."""
    text, prefix = str(path), str(root).rstrip("/\\") + os.sep
    if text.startswith(prefix):  # the usual case: string work, no system calls
        return text[len(prefix):].replace(os.sep, "/")
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return path.as_posix()


def _failed(path: Path, shown: str, line: int, rule: str, message: str) -> Postmortem:
    pm = Postmortem(path=path, id=path.stem, failed=True)
    pm.diagnostics.append(Diagnostic(shown, line, rule, ERROR, message))
    return pm


def parse_postmortem(text: str, path: Path, config: KBConfig, display: str | None = None, *,
                     parse_body: bool = True) -> Postmortem:
    shown = display or path.as_posix()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    pm = Postmortem(path=path, id=path.stem, source=source_path(path, config.root))
    body, body_line = text, 1
    if _YAML.detect(text):
        split = _split_front_matter(text)
        if split is None:
            pm.failed = True
            pm.diagnostics.append(
                Diagnostic(shown, 1, "load-front-matter", ERROR, "front matter opened with '---' is never closed")
            )
            return pm
        fm_text, body, body_line = split
        meta = _load_yaml(fm_text, pm, shown)
        if meta is None:
            return pm
        pm.meta = meta
        pm.meta_lines = _key_lines(fm_text)
    pm.body, pm.body_line = body, body_line
    if parse_body:
        read_body(pm, config)
    return pm


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    try:
        fm_text, content = _YAML.split(text)
    except ValueError:
        return None
    body_offset = len(text) - len(content)
    return fm_text, content, text.count("\n", 0, body_offset) + 1


def _load_yaml(fm_text: str, pm: Postmortem, shown: str) -> dict[str, Any] | None:
    try:
        meta, duplicates = load_front_matter_yaml(fm_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # The split keeps the newline after the opening "---", so the front
        # matter text starts on file line 1.
        line = 1 + mark.line if mark else 1
        # An unclosed bracket is reported at the end of the input, which is
        # the closing '---'; point at the last line of the front matter.
        line = max(1, min(line, fm_text.count("\n")))
        reason = exc.problem or str(exc)
        lines = fm_text.split("\n")
        # Text line n of the front matter is file line n + 1 (see above).
        fix = quoting_fix(lines[line - 1]) if 0 < line <= len(lines) else None
        pm.failed = True
        pm.diagnostics.append(Diagnostic(
            shown, line, "load-yaml", ERROR,
            f"front matter is not valid YAML: {reason}" + (f"; {fix}" if fix else ""),
        ))
        return None
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        pm.failed = True
        pm.diagnostics.append(Diagnostic(shown, 1, "load-yaml", ERROR, f"front matter is not valid YAML: {exc}"))
        return None
    if meta is None:
        return {}
    if expanded_size(meta, MAX_META_VALUES) > MAX_META_VALUES:
        pm.failed = True
        pm.diagnostics.append(Diagnostic(
            shown, 1, "load-yaml", ERROR,
            f"front matter expands to more than {MAX_META_VALUES:,} values (YAML aliases such as "
            "'&a' / '*a' repeated); write the values out instead of aliasing them",
        ))
        return None
    if not isinstance(meta, dict):
        pm.failed = True
        pm.diagnostics.append(
            Diagnostic(shown, 2, "load-front-matter", ERROR,
                       f"front matter must be a mapping of keys to values, not a {type(meta).__name__}")
        )
        return None
    for key, first, repeated in duplicates:
        # The split keeps the newline after "---": text line n is file line n + 1.
        pm.diagnostics.append(Diagnostic(
            shown, repeated + 1, "duplicate-key", ERROR,
            f"`{key}` is set twice (lines {first + 1} and {repeated + 1}); YAML keeps only the last, "
            "so remove the one you did not mean",
        ))
    return {str(k): v for k, v in meta.items()}


# A scalar YAML misreads: a colon-space or ` #` inside it, or a start that
# means something else (`[`, `{`, `` ` ``, `@`, `*`, `&`, `!`, `%`, `|`, `>`).
_KEY_VALUE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):\s+(?P<value>.*?)\s*$")
_MISREAD_START = tuple("[{`@*&!%|>")


def quoting_fix(line: str) -> str | None:
    """`quote the value: title: "DNS: it was DNS"` for a line whose value YAML misreads, else None."""
    match = _KEY_VALUE.match(line)
    if not match:
        return None
    value = match.group("value")
    if not value or value[0] in "\"'":
        return None
    if ": " not in value and " #" not in value and not value.startswith(_MISREAD_START):
        return None
    if value.startswith(("[", "{")) and value.endswith(("]", "}")) and value.count("[") == value.count("]") \
            and value.count("{") == value.count("}") and ": " not in value:
        return None  # a list or mapping, as meant
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"if `{value}` is meant as text, quote it: {match.group('indent')}{match.group('key')}: {quoted}"


def expanded_size(value: Any, limit: int) -> int:
    """How many values `value` holds once aliases are expanded, capped past `limit`.

    Shared (aliased) containers are sized once and memoised by identity, so
    this runs in time linear in the YAML text, not in the expansion.
    """
    return _size(value, 0, limit, {})


# A module function, not a closure: a closure that calls itself is a
# reference cycle, left for the garbage collector after every file.
def _size(node: Any, depth: int, limit: int, sizes: dict[int, int]) -> int:
    if depth > 100:
        return limit + 1
    if isinstance(node, dict):
        items = [*node.keys(), *node.values()]
    elif isinstance(node, list):
        items = node
    else:
        return 1
    key = id(node)
    if key not in sizes:
        total = 1
        for item in items:
            # A scalar (most values) counts one without a call, unless it is past the depth limit.
            total += 1 if depth < 100 and not isinstance(item, (dict, list)) else _size(item, depth + 1, limit, sizes)
            if total > limit:
                break
        sizes[key] = total
    return sizes[key]


def _key_lines(fm_text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(fm_text.split("\n"), start=1):
        match = _TOP_KEY.match(line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


# -- body -----------------------------------------------------------------


def read_body(pm: Postmortem, config: KBConfig) -> None:
    """Sections, timeline and action items from `pm.body` (once per postmortem)."""
    read_bodies([pm], config)


def read_bodies(pms: list[Postmortem], config: KBConfig) -> None:
    """`read_body` for several postmortems, one step at a time across all of them.

    Every body is tokenized, then every body's sections are found, then
    every timeline is read, then every list of action items. A step's code
    and tables stay in the processor's cache from one file to the next;
    file by file, each step found them evicted by the others (lint of a
    whole knowledge base, with its rules batched the same way: half the
    cache misses a file, see docs/performance.md). Batches of a dozen or
    two files get the gain.
    """
    from postmortem_kb.action_reader import read_actions
    from postmortem_kb.timeline_reader import read_timeline

    docs = [read_blocks(pm.body, pm.body_line) for pm in pms]
    for pm, doc in zip(pms, docs):
        pm.sections = _sections(doc.headings, pm.body, pm.body_line, config)
    for pm, doc in zip(pms, docs):
        read_timeline(pm, doc, config)
    for pm, doc in zip(pms, docs):
        read_actions(pm, doc)


def _sections(headings: list[Heading], body: str, first_line: int, config: KBConfig) -> list[Section]:
    lines = body.split("\n")
    last_line = first_line + len(lines) - 1
    # ends[i] + i is where body line i ends (the i newlines before it counted); summed in C.
    ends = list(accumulate(map(len, lines)))
    # A lone leading H1 is the document's title, not a section.
    levels = [heading.level for heading in headings]
    title_index = 0 if levels and levels[0] == 1 and levels.count(1) == 1 else None
    section_levels = [lvl for n, lvl in enumerate(levels) if n != title_index]
    top = min(section_levels) if section_levels else 2
    # A section ends before the next heading of its level or above: found from the
    # last heading back, keeping only the later headings that can still end one.
    end_lines = [last_line] * len(headings)
    later: list[Heading] = []
    for n in range(len(headings) - 1, -1, -1):
        heading = headings[n]
        while later and later[-1].level > heading.level:
            later.pop()
        if later:
            end_lines[n] = later[-1].line - 1
        later.append(heading)
    sections: list[Section] = []
    for n, heading in enumerate(headings):
        end_line = end_lines[n]
        # Subsections count as content for "is it empty".
        first, last = heading.end_line + 1 - first_line, end_line - first_line
        body_text = body[ends[first] - len(lines[first]) + first: ends[last] + last] if first <= last else ""
        canonical, mapped_by = classify_heading(heading.text, config)
        sections.append(Section(
            heading=heading.text, level=heading.level, line=heading.line, body_start=heading.end_line + 1,
            end_line=end_line, body=body_text, canonical=canonical,
            top_level=(n != title_index and heading.level == top), mapped_by=mapped_by,
        ))
    return sections


def classify_heading(text: str, config: KBConfig) -> tuple[str | None, str | None]:
    """(canonical section name or None, how: "config", "alias", "words" or None).

    The config first (a section's own name, the team's aliases, then the
    built-in aliases), then the heading's words ("Root Cause Analysis").
    """
    # Every file repeats the same few headings: decided once per config.
    memo = vars(config).setdefault("_classified_headings", {})
    found = memo.get(text)
    if found is None:
        found = memo[text] = _classify(text, config)
    return found


def _classify(text: str, config: KBConfig) -> tuple[str | None, str | None]:
    key = normalise_heading(text)
    heading_map = config.heading_map()
    canonical = heading_map.get(key)
    if canonical is not None:
        return canonical, _how_mapped(key, canonical, config)
    from postmortem_kb.headings import heading_by_words

    by_words = heading_by_words(text)
    if by_words is not None and by_words in heading_map.values():
        return by_words, "words"
    return None, None


def _how_mapped(key: str, canonical: str, config: KBConfig) -> str:
    from postmortem_kb.config import DEFAULTS

    built_in = DEFAULTS["section_aliases"].get(canonical, [])
    if key != normalise_heading(canonical) and any(normalise_heading(alias) == key for alias in built_in):
        return "alias"
    return "config"


def incident_window(pm: Postmortem) -> tuple[dt.datetime | None, dt.datetime | None]:
    return pm.moment("started_at"), pm.moment("resolved_at")
