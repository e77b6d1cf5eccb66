"""Front matter rules: required fields, types, formats, values, unknown keys, file name.

Types, formats and allowed values come from one JSON Schema validation
(postmortem_kb.schema, derived from the config); each rule here picks the
schema errors of its kind and words them for the author.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.lint.suggest import describe, did_you_mean
from postmortem_kb.model import ERROR, WARNING, Postmortem
from postmortem_kb.schema import DATETIME_FIELDS, ID_PATTERN, front_matter_schema

_ID = re.compile(ID_PATTERN)
_EXPECTED = {
    "date": "a date, YYYY-MM-DD",
    "date-time": "a date-time with an offset, e.g. 2024-01-09T10:00:00+01:00",
    "timezone": "an IANA zone name (Europe/Copenhagen) or an offset (+01:00)",
}


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict)) and not value)


def _has_front_matter(pm: Postmortem) -> bool:
    return pm.body_line > 1


def _error_key(error) -> str:
    return str(error.path[0]) if error.path else ""


def _where(error) -> str:
    """`tags` or `tags` item 2, from a schema error's path."""
    parts = list(error.path)
    if len(parts) >= 2 and isinstance(parts[1], int):
        return f"`{parts[0]}` item {parts[1] + 1}"
    return f"`{'.'.join(map(str, parts))}`" if parts else "front matter"


def _expected_type(error) -> str:
    expected = error.validator_value
    names = [expected] if isinstance(expected, str) else [t for t in expected if t != "null"]
    fmt = error.schema.get("format")
    if fmt in _EXPECTED:
        return _EXPECTED[fmt]
    words = {"string": "text", "array": "a list, e.g. `[a, b]`", "object": "a mapping", "number": "a number",
             "integer": "a whole number", "boolean": "true or false"}
    return " or ".join(words.get(n, n) for n in names)


@rule("front-matter-required", ERROR, "Every required front matter field is present and not empty.")
def required_fields(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    facts = ctx.facts(pm)
    required = ctx.config.required_fields
    if not _has_front_matter(pm) and not pm.meta:
        if required:
            yield Hit(1, f"the file has no front matter; start it with a `---` block holding {', '.join(required)}")
        return
    for key in required:
        if key not in pm.meta:
            yield Hit(facts.front_matter_end, f"front matter is missing `{key}`; add `{key}:` above the closing `---`")
        elif _is_blank(pm.meta[key]):
            yield Hit(facts.key_line(key), f"front matter `{key}` is empty")


@rule("front-matter-recommended", WARNING, "Recommended front matter fields are filled in.")
def recommended_fields(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    if not _has_front_matter(pm):
        return
    facts = ctx.facts(pm)
    for key in ctx.config.recommended_fields:
        if key not in pm.meta:
            yield Hit(facts.front_matter_end, f"recommended field `{key}` is missing")
        elif _is_blank(pm.meta[key]):
            yield Hit(facts.key_line(key), f"recommended field `{key}` is empty")


@rule("front-matter-type", ERROR, "Each front matter field has the right type (text, list, date).")
def field_types(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    facts = ctx.facts(pm)
    facts.meta  # noqa: B018  (walking it is what detects a problem)
    if facts.meta_problem:
        yield Hit(1, f"front matter is too complex to check: {facts.meta_problem}; write plain values")
        return
    for error in facts.schema_errors_for("type", "minLength", "minItems"):
        line = facts.key_line(_error_key(error))
        if error.validator == "type":
            yield Hit(line, f"{_where(error)} must be {_expected_type(error)}, not {describe(error.instance)}")
        else:
            yield Hit(line, f"{_where(error)} is empty")


@rule("front-matter-format", ERROR, "Dates are YYYY-MM-DD, timestamps full date-times with an offset.")
def field_formats(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    facts = ctx.facts(pm)
    for error in facts.schema_errors_for("format"):
        key = _error_key(error)
        expected = _EXPECTED.get(error.validator_value, error.validator_value)
        fix = _with_offset(pm, ctx, error.instance) if key in DATETIME_FIELDS else None
        yield Hit(facts.key_line(key), f"`{key}: {error.instance}` is not {expected}" + (f"; {fix}" if fix else ""))
    for key in DATETIME_FIELDS:
        raw = pm.meta.get(key)
        if isinstance(raw, str) and raw.strip() and not any(_error_key(e) == key for e in facts.schema_errors_for("format")):
            # A quoted timestamp is text to YAML, so durations and metrics skip it.
            yield Hit(facts.key_line(key), f"`{key}` is quoted, so it is read as text and left out of metrics; "
                                           "remove the quotes")


def _with_offset(pm: Postmortem, ctx: LintContext, written: object) -> str | None:
    """The corrected value of a time written without an offset, in the postmortem's zone."""
    from postmortem_kb.zones import zone_from_setting

    if not isinstance(written, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(written.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return None
    zone = zone_from_setting(pm.meta.get("timezone")) or zone_from_setting(ctx.config.timezone)
    if zone is None:
        offsets = {m.utcoffset() for m in (pm.moment(k) for k in DATETIME_FIELDS) if m is not None}
        if len(offsets) == 1:
            zone = zone_from_setting(_offset_text(offsets.pop()))
    if zone is None:
        return f"add its offset, e.g. `{moment.isoformat()}+00:00` if the time is UTC"
    fixed = zone.at(moment.date(), moment.time())
    return f"write `{fixed.isoformat()}` (in {zone.name}, the knowledge base's zone)"


def _offset_text(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _enum_hits(pm: Postmortem, ctx: LintContext, key: str) -> Iterable[Hit]:
    facts = ctx.facts(pm)
    for error in facts.schema_errors_for("enum"):
        if _error_key(error) != key:
            continue
        allowed = [str(v) for v in error.validator_value]
        value = error.instance
        hint = did_you_mean(value, allowed) if isinstance(value, str) else ""
        shown = value if isinstance(value, str) else describe(value)
        yield Hit(facts.key_line(key), f"{_where(error)} is `{shown}`, not one of {', '.join(allowed)}{hint}")


@rule("severity-value", ERROR, "`severity` is one of the configured levels.")
def severity_value(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _enum_hits(pm, ctx, "severity")


@rule("status-value", ERROR, "`status` is one of the configured statuses.")
def status_value(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _enum_hits(pm, ctx, "status")


@rule("front-matter-unknown-key", WARNING, "Front matter keys are ones the schema knows (catches typos).")
def unknown_keys(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    known = ctx.once("schema-properties", lambda: list(front_matter_schema(ctx.config)["properties"]))
    facts = ctx.facts(pm)
    for key in pm.meta:
        if key not in known:
            yield Hit(facts.key_line(key), f"unknown front matter key `{key}`{did_you_mean(key, known)} "
                                           "(add it to `extra_fields` in postmortem-kb.yml if it is intended)")


def _slug_suggestion(pm: Postmortem) -> str:
    from postmortem_kb.scaffold import slugify

    date = pm.date.isoformat() if pm.date else "YYYY-MM-DD"
    title = pm.meta.get("title")
    return f"{date}-{slugify(title if isinstance(title, str) and title.strip() else pm.id)}.md"


@rule("file-name", ERROR, "The file name is `YYYY-MM-DD-slug.md` (lower case, digits, hyphens).")
def file_name(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    if _ID.match(pm.id):
        try:
            dt.date.fromisoformat(pm.id[:10])
            return
        except ValueError:
            yield Hit(1, f"file name starts with `{pm.id[:10]}`, which is not a real date; "
                         f"rename the file, e.g. to `{_slug_suggestion(pm)}`")
            return
    yield Hit(1, f"file name `{pm.path.name}` is not `YYYY-MM-DD-slug.md`; rename it, e.g. to `{_slug_suggestion(pm)}` "
                 "(the name is the postmortem's permanent URL)")


@rule("file-name-date", WARNING, "The date in the file name matches the `date` field.")
def file_name_date(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    date = pm.date
    if date is None or not _ID.match(pm.id) or pm.id[:10] == date.isoformat():
        return
    yield Hit(ctx.facts(pm).key_line("date"), f"`date: {date.isoformat()}` differs from the file name's "
                                               f"`{pm.id[:10]}`; one of them is a typo")
