"""`postmortem new`: render a Jinja2 template into a new postmortem file."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import traceback
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from postmortem_kb.atomic import create_new
from postmortem_kb.config import KBConfig

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_SUFFIX = ".md.j2"
TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
MAX_SLUG = 60


class ScaffoldError(Exception):
    """A problem the author can fix; the message says which file and what to do."""


@dataclass
class NewPostmortem:
    title: str
    date: dt.date
    severity: str
    tags: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    template: str = "default"
    summary: str = ""
    # started_at, detected_at, mitigated_at, resolved_at: ISO 8601 with an offset (see `incident_time`).
    times: dict[str, str] = field(default_factory=dict)


# The incident's moments `postmortem new` asks for, in the order they happen.
INCIDENT_TIMES = ("started_at", "detected_at", "mitigated_at", "resolved_at")
_TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d{2})(:\d{2})?(Z|[+-]\d{2}:?\d{2})?$", re.I)


class TimeInputError(ValueError):
    """A time the author typed that cannot be read; the message says what to type."""


def incident_time(text: str, day: dt.date, zone_setting: str | None) -> tuple[dt.datetime, str | None]:
    """A typed time as an aware moment, and a note when the zone was taken from this machine.

    `23:41` is that time on `day`; `2025-09-14 23:41` and ISO 8601
    (`2025-09-14T23:41:00+02:00`, `...Z`) are read as written. A time
    without an offset is in the knowledge base's zone (`timezone` in
    postmortem-kb.yml); with none configured, in this machine's local zone,
    and the note says so. A time with an offset is kept as that instant,
    written in the knowledge base's zone when it has one.
    """
    from postmortem_kb.zones import zone_from_setting

    value = text.strip()
    match = _TIME_OF_DAY.match(value)
    try:
        if match:
            hours, minutes, seconds, offset = match.groups()
            clock = dt.time.fromisoformat(f"{int(hours):02d}:{minutes}{seconds or ''}{offset or ''}".replace("z", "Z"))
            moment = dt.datetime.combine(day, clock.replace(tzinfo=None), clock.tzinfo)
        else:
            moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise TimeInputError(f"{text!r} is not a time: type 23:41, {day.isoformat()} 23:41, or ISO 8601 "
                             f"({day.isoformat()}T23:41:00+02:00)") from None
    zone = zone_from_setting(zone_setting) if zone_setting else None
    if zone is not None:
        return (moment.astimezone(zone.tz) if moment.tzinfo else moment.replace(tzinfo=zone.tz)), None
    if moment.tzinfo is not None:
        return moment, None
    local = moment.astimezone()  # a naive datetime is read as this machine's local time
    offset = local.strftime("%z")
    return local, (f"no `timezone` in postmortem-kb.yml: times without an offset are read in this machine's "
                   f"local zone (UTC{offset[:3]}:{offset[3:]} on {local.date().isoformat()}); type one (23:41+02:00) "
                   "to say otherwise, or set `timezone`")


def iso_moment(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def slugify(title: str, limit: int | None = MAX_SLUG, fallback: str = "incident") -> str:
    """ASCII, lower case, hyphens; never empty, never a path: the one slug of file names and URLs.

    A title in a script that has no ASCII transliteration (Japanese, say)
    still gets a stable, usable slug from a short hash of the title,
    `<fallback>-<hash>`. `limit=None` keeps the whole text (a tag's or
    service's URL segment, `site.escape.url_slug`); a file name is cut at
    a hyphen before `limit`.
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if limit is not None and len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
        slug = slug.strip("-")
    if not slug:
        slug = f"{fallback}-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    return slug


@functools.lru_cache(maxsize=8192)  # tags and services: a few hundred values, on every page that lists them
def url_slug(value: str) -> str:
    """The permanent URL segment for a tag or service: /tags/<slug>/ (never cut; `x-<hash>` when no ASCII)."""
    return slugify(value, limit=None, fallback="x")


def template_search_path(config: KBConfig) -> list[Path]:
    return [config.templates_dir, BUILTIN_TEMPLATES]


def find_template(config: KBConfig, name: str) -> Path:
    if not TEMPLATE_NAME.match(name):
        raise ScaffoldError(
            f"template name {name!r} is not allowed: use letters, digits, '-' and '_' "
            f"(a file {TEMPLATE_SUFFIX} in {config.templates_dir})"
        )
    for folder in template_search_path(config):
        candidate = folder / f"{name}{TEMPLATE_SUFFIX}"
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            continue  # a name no file system holds (too long): no such template
    known = ", ".join(sorted(available_templates(config))) or "none"
    raise ScaffoldError(f"no template named {name!r}; available: {known}")


def available_templates(config: KBConfig) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in reversed(template_search_path(config)):  # the KB's own override built-ins
        if folder.is_dir():
            for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
                found[path.name[: -len(TEMPLATE_SUFFIX)]] = path
    return found


def _yaml_value(value: object) -> str:
    # JSON is valid YAML, and quoting every user string means a title such
    # as "DNS: down" or "yes" never changes the front matter's meaning.
    return json.dumps(value, ensure_ascii=False)


def render_template(path: Path, context: dict) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(path.parent)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["yaml"] = _yaml_value
    try:
        return env.get_template(path.name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        # An error inside an {% include %}d file names that file, not ours.
        where = exc.filename or str(path)
        raise ScaffoldError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from exc
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, path)
        raise ScaffoldError(
            f"{path}:{line}: template uses an undefined variable: {exc.message}; "
            f"available: {', '.join(sorted(context))}"
        ) from exc
    except jinja2.TemplateError as exc:
        raise ScaffoldError(f"{path}:{_template_line(exc, path)}: template error: {exc}") from exc


def _template_line(exc: BaseException, path: Path) -> str:
    # Jinja rewrites tracebacks so that template frames carry the template's
    # file name and line; the last such frame is where rendering failed.
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    return str(lines[-1]) if lines else "?"


def template_context(new: NewPostmortem) -> dict:
    """The variables every template can use (documented in docs/authoring.md)."""
    return {
        "title": new.title,
        "date": new.date.isoformat(),
        "severity": new.severity,
        "status": "draft",
        "tags": new.tags,
        "services": new.services,
        "authors": new.authors,
        "template": new.template,
        "summary": new.summary,
        **{key: new.times.get(key, "") for key in INCIDENT_TIMES},
    }


def unused_values(config: KBConfig, new: NewPostmortem) -> list[str]:
    """The values given for `new` (summary, times) that its template never writes."""
    given = [key for key in ("summary", *INCIDENT_TIMES) if (new.summary if key == "summary" else new.times.get(key))]
    if not given:
        return []
    import jinja2
    from jinja2 import meta

    path = find_template(config, new.template)
    env = jinja2.Environment()
    env.filters["yaml"] = _yaml_value
    try:
        used = meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))
    except (OSError, jinja2.TemplateError):
        return []  # rendering reports it
    return [key for key in given if key not in used]


def create_postmortem(config: KBConfig, new: NewPostmortem) -> Path:
    template = find_template(config, new.template)
    text = render_template(template, template_context(new))
    target = config.postmortems_dir / f"{new.date.isoformat()}-{slugify(new.title)}.md"
    try:
        create_new(target, text)
    except FileExistsError:
        raise ScaffoldError(
            f"{target} already exists; nothing was written. Pick another title, or edit the existing file"
        ) from None
    except OSError as exc:  # a read-only folder, a full disk
        raise ScaffoldError(f"{target}: cannot write ({exc.filename or target}: {exc.strerror or exc}); "
                            "nothing was written") from None
    return target
