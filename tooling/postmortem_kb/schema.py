"""The front matter contract as a JSON Schema, derived from the KB config.

Lint validates every postmortem's front matter against this schema (with the
`jsonschema` library), and `postmortem schema` prints it for editors. Both
read the same function, so the editor and CI can never disagree.

YAML hands us dates and datetimes as Python objects; `to_json_compatible`
turns them back into the ISO strings the schema's `format`s describe, and
refuses front matter that would explode when walked (YAML alias bombs,
self-referencing anchors).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from postmortem_kb.config import SCHEMA_DIALECT, KBConfig, is_timezone

ID_PATTERN = r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$"

# Format v1's fields: (JSON Schema type fragment, description for editors).
_STRING_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "title": ({"type": "string", "minLength": 1}, "What happened, in a line."),
    "date": ({"type": "string", "format": "date"}, "The incident's date, YYYY-MM-DD."),
    "severity": ({"type": "string"}, "One of the configured severity levels."),
    "status": ({"type": "string"}, "Where the write-up is: one of the configured statuses."),
    "template": ({"type": "string"}, "The template the postmortem was made from; it sets the required sections."),
    "authors": (_STRING_LIST, "Who wrote it."),
    "tags": (_STRING_LIST, "Topics; each gets a page at /tags/<tag>/."),
    "services": (_STRING_LIST, "Affected services; each gets a page at /services/<service>/."),
    "started_at": ({"type": "string", "format": "date-time"}, "When impact began, with an offset."),
    "detected_at": ({"type": "string", "format": "date-time"}, "When we knew, with an offset."),
    "mitigated_at": ({"type": "string", "format": "date-time"}, "When impact stopped, with an offset."),
    "resolved_at": ({"type": "string", "format": "date-time"}, "When the incident was closed, with an offset."),
    "summary": ({"type": "string"}, "Two or three sentences for the index pages."),
    "related": (_STRING_LIST, "Ids (file names without .md) of related postmortems."),
    "timezone": ({"type": "string", "format": "timezone"}, "Zone for timeline times without an offset."),
    "imported": ({"type": "object"}, "Set by `postmortem import`: the source file and any front matter keys it did not map."),
    # Format v1.1 (all optional; a v1 file is a valid v1.1 file).
    "reviewers": (_STRING_LIST, "Who is asked to review it."),
    "approvals": ({"type": "array", "items": {
        "type": "object", "required": ["by", "date"], "additionalProperties": False,
        "properties": {"by": {"type": "string", "minLength": 1}, "date": {"type": "string", "format": "date"}}}},
        "Approvals: `{by: name, date: YYYY-MM-DD}` each (`postmortem review --approve` adds one)."),
    "trigger": ({"type": "string"}, "What set the incident off: one of the config's `triggers`."),
    "contributing_factors": (_STRING_LIST, "Conditions that made it possible or worse: from `contributing_factors`."),
    "detection": ({"type": "string"}, "How it was noticed: one of the config's `detection_methods`."),
    "incident_commander": ({"type": "string"}, "Who led the response."),
    "customer_impact": ({"type": ["string", "object"]},
                        "What customers saw: text, or `{summary: ..., users: N, requests_failed: N, ...}`."),
    "what_went_well": (_STRING_LIST, "What helped."),
    "where_we_got_lucky": (_STRING_LIST, "What saved us by chance."),
    "public_summary": ({"type": "string"}, "The summary for the customer-facing version."),
    "lang": ({"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"}, "The language it is written in."),
    "translation_of": ({"type": "string"}, "The id of the postmortem this translates."),
    "source_hash": ({"type": "string"}, "Set by `postmortem translate sync`: the original's digest at the last sync."),
}
DATETIME_FIELDS = ("started_at", "detected_at", "mitigated_at", "resolved_at")

# Walking front matter is bounded: YAML anchors can make a few lines
# describe billions of nodes, and an anchor can contain itself.
MAX_NODES = 20_000
MAX_DEPTH = 32


class FrontMatterTooComplex(ValueError):
    """Front matter that cannot be walked safely (alias bomb, cycle, depth)."""


def _closed(config: KBConfig) -> list[str]:
    closed = config.review.get("closed_status")
    return [closed] if closed else []


def front_matter_schema(config: KBConfig) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for key, (fragment, description) in FIELDS.items():
        properties[key] = {**fragment, "description": description}
    properties["severity"]["enum"] = list(config.severities)
    properties["status"]["enum"] = list(dict.fromkeys([*config.statuses, *_closed(config)]))
    # An empty vocabulary means any value (lint treats it so); an empty enum would refuse every value.
    for key, vocabulary in (("trigger", config.triggers), ("detection", config.detection_methods)):
        if vocabulary:
            properties[key] = {**properties[key], "enum": list(vocabulary)}
    if config.contributing_factors:
        properties["contributing_factors"] = {**properties["contributing_factors"],
                                              "items": {"type": "string", "enum": list(config.contributing_factors)}}
    for key, vocabulary in (("tags", config.tags), ("services", config.services)):
        if vocabulary is not None:
            properties[key] = {**properties[key], "items": {"type": "string", "enum": list(vocabulary)}}
    # Fields a team requires or adds that format v1 does not define: any value.
    for key in [*config.required_fields, *config.recommended_fields, *config.extra_fields]:
        properties.setdefault(key, {"description": "A field this knowledge base adds."})
    required = list(dict.fromkeys(config.required_fields))
    for key in properties:
        if key not in required and "type" in properties[key]:
            # A fresh draft leaves optional keys blank (`started_at:`).
            kind = properties[key]["type"]
            properties[key] = {**properties[key], "type": [*kind, "null"] if isinstance(kind, list) else [kind, "null"]}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "urn:postmortem-kb:front-matter",
        "title": "Postmortem front matter",
        "description": "The YAML front matter of a postmortem (format v1), as this knowledge base's config defines it.",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def to_json_compatible(value: Any) -> Any:
    """YAML values as JSON values: dates become ISO strings, keys strings.

    Raises FrontMatterTooComplex rather than walking an alias bomb or a cycle.
    """
    return _json_walk(value, 0, (), [MAX_NODES - 1])


# A module function, not a closure: a closure that calls itself is a
# reference cycle, left for the garbage collector after every file.
def _json_walk(item: Any, depth: int, path: tuple[int, ...], budget: list[int]) -> Any:
    """`item` as JSON; the caller has counted it in `budget`, a container counts its values."""
    if isinstance(item, (dict, list, tuple)):
        budget[0] -= len(item)
        if budget[0] < 0:
            raise FrontMatterTooComplex(f"more than {MAX_NODES} values (YAML anchors repeated too often?)")
        if item and depth >= MAX_DEPTH:
            raise FrontMatterTooComplex(f"nested deeper than {MAX_DEPTH} levels")
        if id(item) in path:
            raise FrontMatterTooComplex("a YAML anchor contains itself")
        inner = (*path, id(item))
        # Text, most of a front matter, is already JSON: no call for it.
        if isinstance(item, dict):
            return {str(k): v if type(v) is str else _json_walk(v, depth + 1, inner, budget) for k, v in item.items()}
        return [v if type(v) is str else _json_walk(v, depth + 1, inner, budget) for v in item]
    if isinstance(item, (dt.datetime, dt.date)):
        return item.isoformat()
    if item is None or isinstance(item, (str, bool, int, float)):
        return item
    # Other YAML types (binary, sets) have no JSON form; a string says what they are.
    return repr(item)[:200]


def validator(config: KBConfig, schema: dict[str, Any] | None = None):
    """A jsonschema validator for this config's schema, with format checks on."""
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(["date", "date-time"])
    checker.checks("timezone")(is_timezone)
    return Draft202012Validator(schema or front_matter_schema(config), format_checker=checker)


class SchemaProblem(NamedTuple):
    """One schema violation inside a field's value (a jsonschema error, kept light)."""

    validator: str  # the JSON Schema keyword that failed: type, enum, format...
    path: tuple  # (key, index, ...) from the front matter's top
    instance: Any
    validator_value: Any
    schema: dict[str, Any]


def _freeze(value: Any) -> Any:
    """A memo key for a JSON value; None for one holding a mapping (rare in front matter, not memoised)."""
    if isinstance(value, list):
        items = tuple(_freeze(v) for v in value)
        return None if None in items else items
    if isinstance(value, dict):
        return None
    return (type(value).__name__, value)


# Keywords that make an array's items depend on each other or on their
# position; an array schema using one is validated whole, never item by item.
_ITEMS_TOGETHER = {"prefixItems", "contains", "minContains", "maxContains", "uniqueItems", "unevaluatedItems"}

# JSON Schema's name for the type of a value from YAML (bool before int: True is an int in Python).
_JSON_TYPES = ((bool, "boolean"), (str, "string"), (int, "integer"), (float, "number"), (list, "array"),
               (dict, "object"), (type(None), "null"))
# A property schema made only of these keywords can be found valid without jsonschema (`_PlainField`).
_PLAIN_KEYWORDS = {"type", "enum", "minLength", "format", "description", "title"}
# The same for a mapping of such properties (`_PlainObject`).
_PLAIN_OBJECT_KEYWORDS = {"type", "properties", "required", "additionalProperties", "description", "title"}


_EXACT_JSON_TYPES = {python_type: name for python_type, name in _JSON_TYPES}


def _json_type(value: Any) -> str | None:
    name = _EXACT_JSON_TYPES.get(type(value))  # the usual case: one lookup
    if name is not None:
        return name
    for python_type, name in _JSON_TYPES:
        if isinstance(value, python_type):
            return name
    return None


class _PlainField:
    """A field whose schema says only its type, the texts it may be, a minimal length and a format
    (title, severity, status, started_at, a tag...).

    Such values need no jsonschema call (which costs more than lint's rules
    do for a whole file) and, when every value of a knowledge base passes,
    no jsonschema import either (a tenth of a second of every lint's start).
    `valid` answers only "surely valid"; anything else goes to jsonschema,
    which decides and words the error.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        types = schema.get("type")
        self.types = {types} if isinstance(types, str) else set(types or ())
        self.enum = frozenset(schema["enum"]) if "enum" in schema else None
        self.min_length = schema.get("minLength", 0)
        self.format = schema.get("format")

    @staticmethod
    def fits(schema: dict[str, Any]) -> bool:
        enum = schema.get("enum")
        # Text members only: JSON equality of numbers (1 == 1.0, true != 1) is jsonschema's business.
        return (set(schema) <= _PLAIN_KEYWORDS and ("type" in schema or enum is not None)
                and (enum is None or isinstance(enum, list) and all(type(member) is str for member in enum)))

    def valid(self, value: Any) -> bool:
        kind = _json_type(value)
        # An integer is a JSON Schema number; a float is no integer.
        if self.types and kind not in self.types and not (kind == "integer" and "number" in self.types):
            return False
        if self.enum is not None and (kind != "string" or value not in self.enum):
            return False
        if kind != "string":
            return True  # minLength and format apply to strings only
        if len(value) < self.min_length:
            return False
        return self.format is None or _surely_conforms(value, self.format)


# The forms jsonschema's `date` check accepts (with a real calendar day), and a strict
# RFC 3339 `date-time` (what YAML timestamps become): what these match it accepts too.
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATE_TIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})", re.ASCII)


def _surely_conforms(value: str, format_name: str) -> bool:
    """True only where jsonschema's format check passes too; False sends the value to jsonschema."""
    try:
        if format_name == "date":
            return bool(_DATE_TEXT.fullmatch(value)) and bool(dt.date.fromisoformat(value))
        if format_name == "date-time":
            return bool(_DATE_TIME_TEXT.fullmatch(value)) and bool(dt.datetime.fromisoformat(
                value[:-1] + "+00:00" if value.endswith("Z") else value))
    except ValueError:
        return False
    if format_name == "timezone":
        return is_timezone(value)
    return False


class _PlainObject:
    """A mapping whose schema lists plain fields, which keys it requires and whether others may appear
    (an approval: `{by: name, date: YYYY-MM-DD}`). Like `_PlainField`, it answers only "surely valid"."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.fields = {key: _PlainField(sub) for key, sub in schema.get("properties", {}).items()}
        self.required = tuple(schema.get("required", ()))
        self.closed = schema.get("additionalProperties", True) is False

    @staticmethod
    def fits(schema: dict[str, Any]) -> bool:
        extra = schema.get("additionalProperties", True)
        return (set(schema) <= _PLAIN_OBJECT_KEYWORDS and schema.get("type") == "object"
                and isinstance(extra, bool) and isinstance(schema.get("required", []), list)
                and all(_PlainField.fits(sub) for sub in schema.get("properties", {}).values()))

    def valid(self, value: Any) -> bool:
        if type(value) is not dict or not all(key in value for key in self.required):
            return False
        fields = self.fields
        for key, item in value.items():
            field = fields.get(key)
            if field is None:
                if self.closed:
                    return False
            elif not field.valid(item):
                return False
        return True


def _surely_valid_check(schema: dict[str, Any]) -> _PlainField | _PlainObject | None:
    """The jsonschema-free "surely valid" check for `schema`, when its keywords allow one."""
    if _PlainField.fits(schema):
        return _PlainField(schema)
    if _PlainObject.fits(schema):
        return _PlainObject(schema)
    return None


class FieldValidator:
    """Checks front matter values field by field against the schema's properties, with jsonschema.

    The same as validating the whole document, minus `required` and
    `additionalProperties` (lint words those itself), but cheaper across a
    knowledge base, where severities, statuses, tags and authors repeat:
    jsonschema's per-call cost was a third of lint's time. So each (field,
    value) is validated once per run, and a list field's items one by one
    (`items` applies to each item alone), so that `[dns, cache]` and
    `[cache, db]` share the work for `cache`.
    """

    MAX_MEMO = 50_000

    def __init__(self, config: KBConfig):
        self.config = config
        self.schema = front_matter_schema(config)
        properties = self.schema["properties"]
        self._whole: list[str] = []
        # A list's own schema (`items` aside) and its items' schema, checked apart.
        self._split: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        # Containers whose schema, `items` aside, says only what type they are.
        self._type_only: set[str] = set()
        for key, sub in properties.items():
            items = sub.get("items")
            if isinstance(items, dict) and not _ITEMS_TOGETHER & set(sub):
                container = {k: v for k, v in sub.items() if k != "items"}
                self._split[key] = (container, items)
                if set(container) <= {"type", "description"}:
                    self._type_only.add(key)
            else:
                self._whole.append(key)
        self._memo: dict[tuple, list[SchemaProblem]] = {}
        self._plain = {key: check for key in self._whole
                       if (check := _surely_valid_check(properties[key])) is not None}
        # A list of plain items (tags, authors, services; approvals) in a container that says only its type.
        self._plain_lists: dict[str, tuple[_PlainField, _PlainField | _PlainObject]] = {}
        for key in self._type_only:
            container, items = self._split[key]
            item_check = _surely_valid_check(items)
            if item_check is not None:
                self._plain_lists[key] = (_PlainField(container), item_check)
        self._validators: dict[tuple[str, str], Any] | None = None

    def _jsonschema(self, key: str, part: str):
        """jsonschema's validator for one property ("whole") or its list's "container" or "item" schema;
        jsonschema is imported on the first value the plain checks cannot vouch for."""
        if self._validators is None:
            full = validator(self.config, self.schema)
            properties = self.schema["properties"]
            self._validators = {(name, "whole"): full.evolve(schema=properties[name]) for name in self._whole}
            for name, (container, items) in self._split.items():
                self._validators[(name, "container")] = full.evolve(schema=container)
                self._validators[(name, "item")] = full.evolve(schema=items)
        return self._validators[(key, part)]

    def problems(self, meta: dict[str, Any]) -> list[SchemaProblem]:
        found: list[SchemaProblem] = []
        for key, value in meta.items():
            plain = self._plain.get(key)
            if plain is not None and plain.valid(value):
                continue
            plain_list = self._plain_lists.get(key)
            if plain_list is not None and isinstance(value, list) and plain_list[0].valid(value) \
                    and all(plain_list[1].valid(item) for item in value):
                continue
            if key in self._split:
                memo_key = (key, "type", type(value).__name__) if key in self._type_only else None
                found.extend(self._check(key, "container", memo_key, value, (key,)))
                if isinstance(value, list):
                    for index, item in enumerate(value):
                        found.extend(self._check(key, "item", (key, "item", _freeze(item)), item, (key, index)))
            elif key in self.schema["properties"]:
                found.extend(self._check(key, "whole", (key, _freeze(value)), value, (key,)))
        return found

    def _check(self, key: str, part: str, memo_key: tuple | None, value: Any, where: tuple) -> list[SchemaProblem]:
        if memo_key is not None and None in memo_key:
            memo_key = None  # a mapping: not memoised
        cached = self._memo.get(memo_key) if memo_key is not None else None
        if cached is None:
            # Paths are kept relative to the value, so one memo entry serves every position of an item.
            cached = [SchemaProblem(e.validator, tuple(e.absolute_path), e.instance, e.validator_value, e.schema)
                      for e in self._jsonschema(key, part).iter_errors(value)]
            if memo_key is not None:
                if len(self._memo) >= self.MAX_MEMO:
                    self._memo.clear()
                self._memo[memo_key] = cached
        return [problem._replace(path=(*where, *problem.path)) for problem in cached] if cached else cached
