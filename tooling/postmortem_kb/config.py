"""The one knowledge-base config every face reads.

It lives in `postmortem-kb.yml` at the knowledge base's root (beside
`mkdocs.yml`), a file of its own so that `postmortem lint` never has to load
MkDocs' config, with its Python tags, just to learn the severities. Every key
is optional: the defaults below are a working contract.
"""

from __future__ import annotations

import copy
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = "postmortem-kb.yml"
ROOT_MARKERS = (CONFIG_FILE, "mkdocs.yml")

DEFAULTS: dict[str, Any] = {
    "postmortems_dir": "postmortems",
    "templates_dir": "templates",
    "severities": ["SEV1", "SEV2", "SEV3", "SEV4"],
    "statuses": ["draft", "in-review", "published"],
    "action_statuses": ["open", "in-progress", "done", "wontfix"],
    # Action-item statuses that still need work (the ledger's "open").
    "open_action_statuses": ["open", "in-progress"],
    "required_fields": ["title", "date", "severity", "status", "authors", "tags"],
    "recommended_fields": ["summary", "services", "started_at", "detected_at", "resolved_at"],
    "required_sections": ["Summary", "Impact", "Timeline", "Root cause", "Action items"],
    "recommended_sections": ["Detection", "Resolution", "Lessons learned"],
    "section_aliases": {
        "Root cause": ["Root causes", "Contributing factors", "Contributing factor"],
        "Action items": ["Corrective actions", "Follow-ups", "Follow ups", "Action item"],
        "Lessons learned": ["Lessons learnt", "Learnings", "Takeaways"],
        "Timeline": ["Timeline of events", "Incident timeline"],
        "Summary": ["Overview", "Executive summary"],
        "Impact": ["Customer impact", "User impact"],
        # The security template's sections (NIST SP 800-61 phases); listing
        # them here is what lets lint recognise them as required sections.
        "Detection and analysis": ["Detection & analysis", "Identification"],
        "Containment": [],
        "Eradication": [],
        "Recovery": [],
        "Indicators of compromise": ["Indicators of compromise (IOCs)", "IOCs", "IoCs"],
    },
    # None means "any value"; a list turns on the vocabulary check.
    "tags": None,
    "services": None,
    # Used for a timeline time without an offset when the front matter has
    # neither `timezone:` nor an offset on `started_at`.
    "timezone": "UTC",
    # Front matter keys a team adds beyond format v1; lint does not call them unknown.
    "extra_fields": [],
    # Statuses at which a postmortem must be finished: required sections
    # filled in, no template hints, TODO or TBD left. Drafts may be unfinished.
    "finished_statuses": ["in-review", "published"],
    "placeholder_markers": ["TODO", "TBD", "XXX", "FIXME"],
    # Statuses at which a postmortem must list at least one action item.
    "actions_required_statuses": ["published"],
    # Team addresses (oncall@corp.example) are not personal data.
    "allowed_email_domains": [],
    # Blaming phrase -> blameless rewording hint (rule blame-language). A
    # team's own mapping is merged over these; map a phrase to null to drop it.
    "blame_words": {
        "human error": "describe what made the action easy to get wrong (missing guard, confusing UI, no review)",
        "operator error": "describe what made the action easy to get wrong (missing guard, confusing UI, no review)",
        "user error": "describe what in the system let the input cause harm",
        "forgot": "name the step that had no reminder, checklist or automation",
        "forgotten": "name the step that had no reminder, checklist or automation",
        "careless": "describe the conditions: time pressure, missing safeguards, unclear ownership",
        "carelessly": "describe the conditions: time pressure, missing safeguards, unclear ownership",
        "negligence": "describe which safeguard was missing",
        "negligent": "describe which safeguard was missing",
        "should have": "say what would have helped, e.g. 'a check for X would have caught this'",
        "should've": "say what would have helped, e.g. 'a check for X would have caught this'",
        "sloppy": "describe the gap in review or tooling",
        "lazy": "describe the incentive or pressure that shaped the choice",
        "stupid": "describe the decision and the information available at the time",
        "blame": "describe contributing factors rather than who is at fault",
        "fault of": "describe contributing factors rather than who is at fault",
        "failed to notice": "describe why the signal was hard to see (alert noise, missing dashboard)",
    },
    # rule id -> "error" | "warning" | "off"
    "rules": {},
    # The site's "Edit source" link, e.g.
    # "https://git.example.com/team/kb/-/blob/main/{path}"; {path} is the
    # file's repository path (postmortems/<id>.md). None: show the path only.
    "source_url_template": None,
}

LIST_KEYS = (
    "severities",
    "statuses",
    "action_statuses",
    "open_action_statuses",
    "required_fields",
    "recommended_fields",
    "required_sections",
    "recommended_sections",
    "extra_fields",
    "finished_statuses",
    "placeholder_markers",
    "actions_required_statuses",
    "allowed_email_domains",
)
RULE_LEVELS = ("error", "warning", "off")
# (key whose values must be drawn from ..., the key that lists them)
SUBSET_KEYS = (
    ("finished_statuses", "statuses"),
    ("actions_required_statuses", "statuses"),
    ("open_action_statuses", "action_statuses"),
)


class ConfigError(Exception):
    """A config that cannot be used; `key` names the offending setting."""

    def __init__(self, path: Path | None, key: str, message: str):
        self.path = path
        self.key = key
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{key}: {message}")


@dataclass
class KBConfig:
    root: Path
    values: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULTS))
    path: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def __getattr__(self, key: str) -> Any:
        # Attribute access to settings (config.severities): the typed config's
        # spelling, available while call sites move over to it.
        values = self.__dict__.get("values")
        if values is not None and key in values:
            return values[key]
        raise AttributeError(key)

    @property
    def postmortems_dir(self) -> Path:
        return self.root / self.values["postmortems_dir"]

    @property
    def templates_dir(self) -> Path:
        return self.root / self.values["templates_dir"]

    def canonical_sections(self) -> list[str]:
        names: list[str] = []
        for name in [*self["required_sections"], *self["recommended_sections"], *self["section_aliases"]]:
            if name not in names:
                names.append(name)
        return names

    def heading_map(self) -> dict[str, str]:
        """Normalised heading text -> canonical section name, aliases included."""
        # The loader asks once per file; building the map normalises some 40
        # headings, so it is built once per distinct set of these settings.
        key = (tuple(self["required_sections"]), tuple(self["recommended_sections"]),
               tuple((name, tuple(aliases)) for name, aliases in self["section_aliases"].items()))
        return dict(_heading_map(key))

    def rule_level(self, rule_id: str, default: str) -> str:
        return self["rules"].get(rule_id, default)


@functools.lru_cache(maxsize=16)
def _heading_map(key: tuple) -> dict[str, str]:
    required, recommended, aliases = key
    mapping: dict[str, str] = {}
    for name in dict.fromkeys([*required, *recommended, *(name for name, _ in aliases)]):
        mapping[normalise_heading(name)] = name
    for name, names in aliases:
        for alias in names:
            mapping.setdefault(normalise_heading(alias), name)
    return mapping


def normalise_heading(text: str) -> str:
    """Headings match case-insensitively, ignoring a trailing colon and emphasis."""
    text = text.strip().strip("*_`").strip()
    text = text.rstrip(":").strip()
    return " ".join(text.lower().split())


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` holding a KB marker, else `start`."""
    env_root = os.environ.get("POSTMORTEM_KB_ROOT")
    if env_root:
        return Path(env_root).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / marker).is_file() for marker in ROOT_MARKERS):
            return folder
    return here


def load_config(root: Path) -> KBConfig:
    path = root / CONFIG_FILE
    config = KBConfig(root=root)
    if not path.is_file():
        return config
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "(file)", f"cannot read: {exc}") from exc
    remembered = _remembered_settings(root, raw)
    if remembered is not None:
        if remembered["read"]:
            config.path, config.values = path, remembered["values"]
        return config
    import yaml  # here, not at the top: with the settings remembered, start-up needs no PyYAML

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ConfigError(path, where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if data is None:
        _remember_settings(root, raw, None)
        return config
    if not isinstance(data, dict):
        raise ConfigError(path, "(top level)", "must be a mapping of settings")
    config.path = path
    config.values = merge_config(data, path)
    _remember_settings(root, raw, config.values)
    return config


# The merged settings of a valid postmortem-kb.yml are kept beside lint's
# cache, keyed by the file's bytes and this module's source, so that a
# command starting up (`postmortem new`) need not import and run PyYAML: a
# sixth of its start-up. A config with a problem is never kept: it is read,
# and reported, every time. An unreadable or foreign cache is ignored.
SETTINGS_CACHE = Path(".postmortem-cache") / "settings.json"


def _settings_key(raw: bytes) -> str:
    import hashlib

    digest = hashlib.blake2b(raw, digest_size=16)
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _remembered_settings(root: Path, raw: bytes) -> dict[str, Any] | None:
    import json

    try:
        data = json.loads((root / SETTINGS_CACHE).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != _settings_key(raw) or not isinstance(data.get("values"), dict):
        return None
    if set(data["values"]) != set(DEFAULTS):
        return None
    return {"read": bool(data.get("read")), "values": data["values"]}


def _remember_settings(root: Path, raw: bytes, values: dict[str, Any] | None) -> None:
    import json

    from postmortem_kb.atomic import replace

    document = {"key": _settings_key(raw), "read": values is not None, "values": values or copy.deepcopy(DEFAULTS)}
    try:
        replace(root / SETTINGS_CACHE, json.dumps(document, sort_keys=True))
    except (OSError, TypeError, ValueError):
        pass  # a read-only checkout works without it


def merge_config(data: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    values = copy.deepcopy(DEFAULTS)
    for key, value in data.items():
        if key not in DEFAULTS:
            raise ConfigError(path, str(key), f"unknown setting; known settings: {', '.join(DEFAULTS)}")
        values[key] = validate_setting(key, value, path)
    check_consistency(values, path)
    return values


def check_consistency(values: dict[str, Any], path: Path | None) -> None:
    """Settings that name values of another setting must name real ones."""
    for key in ("severities", "statuses", "action_statuses"):
        if not values[key]:
            raise ConfigError(path, key, "must list at least one value")
    for key, source in SUBSET_KEYS:
        stray = [v for v in values[key] if v not in values[source]]
        if stray:
            raise ConfigError(path, key, f"{', '.join(map(repr, stray))} not in `{source}` ({', '.join(values[source])})")


def validate_setting(key: str, value: Any, path: Path | None) -> Any:
    if key in LIST_KEYS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(path, key, "must be a list of strings")
        return value
    if key in ("tags", "services"):
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise ConfigError(path, key, "must be a list of strings, or null for no vocabulary")
        return value
    if key == "section_aliases":
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(a, str) for a in v)
            for k, v in value.items()
        ):
            raise ConfigError(path, key, "must map a section name to a list of alias headings")
        merged = copy.deepcopy(DEFAULTS["section_aliases"])
        merged.update(value)
        return merged
    if key == "rules":
        if not isinstance(value, dict):
            raise ConfigError(path, key, "must map rule ids to error, warning or off")
        levels = {}
        for rule_id, level in value.items():
            # YAML 1.1 reads a bare `off` as false; that is what the author meant.
            if level is False:
                level = "off"
            if level not in RULE_LEVELS:
                raise ConfigError(path, f"rules.{rule_id}", f"must be one of {', '.join(RULE_LEVELS)}, not {level!r}")
            levels[str(rule_id)] = level
        return levels
    if key == "blame_words":
        if not isinstance(value, dict):
            raise ConfigError(path, key, "must map a blaming phrase to a rewording hint (or to null to drop a default)")
        merged = copy.deepcopy(DEFAULTS["blame_words"])
        for phrase, hint in value.items():
            if not isinstance(phrase, str) or not phrase.strip():
                raise ConfigError(path, f"{key}.{phrase}", "a phrase must be a non-empty string")
            if hint is None:
                merged.pop(phrase, None)
            elif isinstance(hint, str):
                merged[phrase] = hint
            else:
                raise ConfigError(path, f"{key}.{phrase}", "must be a rewording hint (a string), or null to drop it")
        return merged
    if key == "source_url_template":
        return _validate_source_url_template(value, path)
    if key == "timezone":
        from postmortem_kb.times import parse_timezone

        if not isinstance(value, str) or parse_timezone(value) is None:
            raise ConfigError(path, key, "must be an IANA zone name (Europe/Copenhagen) or an offset (+08:00)")
        return value
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, key, "must be a non-empty string")
    return value


def _validate_source_url_template(value: Any, path: Path | None) -> str | None:
    """An http(s) URL with a {path} slot: it becomes a link on every postmortem page."""
    from urllib.parse import urlsplit

    if value is None:
        return None
    key = "source_url_template"
    if not isinstance(value, str) or "{path}" not in value:
        raise ConfigError(path, key, "must be a URL containing {path}, e.g. https://git.example.com/kb/-/blob/main/{path}")
    try:
        example = value.format(path="postmortems/x.md")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(path, key, f"only {{path}} may appear in braces ({exc}); write {{{{ and }}}} for literal braces") from exc
    if urlsplit(example).scheme not in ("http", "https"):
        raise ConfigError(path, key, "must start with https:// or http://")
    return value
