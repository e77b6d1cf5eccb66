"""The one knowledge-base config every face reads: typed, frozen, validated once.

It lives in `postmortem-kb.yml` at the knowledge base's root (beside
`mkdocs.yml`), a file of its own so that `postmortem lint` never has to load
MkDocs' config, with its Python tags, just to learn the severities. Every key
is optional: the defaults below are a working contract.

Each setting is declared once, as a field of `KBConfig`: its Python type, its
default, its JSON Schema fragment and a description. `config_schema()` builds
the file's JSON Schema (draft 2020-12) from those fields; `postmortem schema
--config` prints it and `validate_settings` validates with it (jsonschema).
What a schema cannot say (values that must come from another setting, the
shape of the source link) is checked by the small functions after it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

CONFIG_FILE = "postmortem-kb.yml"
ROOT_MARKERS = (CONFIG_FILE, "mkdocs.yml")
CACHE_FOLDER = ".postmortem-cache"
SETTINGS_CACHE = Path(CACHE_FOLDER) / "settings.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
RULE_LEVELS = ("error", "warning", "info", "off")
# (key whose values must be drawn from ..., the key that lists them)
SUBSET_KEYS = (
    ("finished_statuses", "statuses"),
    ("actions_required_statuses", "statuses"),
    ("open_action_statuses", "action_statuses"),
)

# -- JSON Schema fragments ---------------------------------------------------
# `errorMessage` words a problem for people: VS Code's JSON and YAML support
# shows it in the editor, and `validate_settings` uses the same text.
_NAME = {"type": "string", "minLength": 1}
_NAMES = {"type": "array", "items": _NAME, "errorMessage": "must be a list of strings"}
_SOME_NAMES = {**_NAMES, "minItems": 1}
_VOCABULARY = {"type": ["array", "null"], "items": _NAME,
               "errorMessage": "must be a list of strings, or null for no vocabulary"}
_FOLDER = {"type": "string", "minLength": 1, "errorMessage": "must be a folder name (a non-empty string)"}
_SECTION_ALIASES = {
    "type": "object",
    "propertyNames": {**_NAME, "errorMessage": "a section name must be a non-empty string"},
    "additionalProperties": {"type": "array", "items": {"type": "string"},
                             "errorMessage": "must be a list of alias headings"},
    "errorMessage": "must map a section name to a list of alias headings",
}
_BLAME_WORDS = {
    "type": "object",
    "propertyNames": {"type": "string", "pattern": r"\S", "errorMessage": "a phrase must be a non-empty string"},
    "additionalProperties": {"type": ["string", "null"],
                             "errorMessage": "must be a rewording hint (a string), or null to drop it"},
    "errorMessage": "must map a blaming phrase to a rewording hint (or to null to drop a default)",
}
_RULES = {
    "type": "object",
    "additionalProperties": {"enum": list(RULE_LEVELS)},
    "errorMessage": "must map rule ids to error, warning, info or off",
}
_REVIEW = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "approvals": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                      "errorMessage": "must map a severity (or `default`) to a number of approvals"},
        "approvers": {
            "oneOf": [
                {"type": "array", "items": _NAME},
                {"type": "object", "additionalProperties": {"type": "array", "items": _NAME}},
                {"const": "codeowners"},
                {"type": "null"},
            ],
            "errorMessage": "must be a list of names, a map of service to owners, `codeowners`, or null (anyone)",
        },
        "stale_draft_days": {"type": "integer", "minimum": 1, "errorMessage": "must be a number of days"},
        "closed_status": {"type": ["string", "null"],
                          "errorMessage": "must be a status name (set once every action item is done), or null"},
    },
    "errorMessage": "must be a mapping with approvals, approvers, stale_draft_days, closed_status",
}
_TICKETS = {
    "type": "object",
    "propertyNames": {"type": "string", "format": "regex", "errorMessage": "a ticket pattern must be a regex"},
    "additionalProperties": {"type": "string", "pattern": "^https?://",
                             "errorMessage": "must be an http(s) URL template with {ticket} or {1}"},
    "errorMessage": "must map a ticket regex to a URL template",
}
_ACTIONS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "slo_days": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                     "errorMessage": "must map a priority (P1, P2, ...) to a number of days"},
    },
    "errorMessage": "must be a mapping with slo_days",
}
_TERMS = {
    "type": "object",
    "propertyNames": _NAME,
    "additionalProperties": {"type": ["string", "null"]},
    "errorMessage": "must map each value to a one-line description (or null)",
}
_PUBLIC = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "internal_sections": {"type": "array", "items": _NAME,
                              "errorMessage": "must be a list of section names left out of the public version"},
    },
    "errorMessage": "must be a mapping with internal_sections",
}
_LANGUAGE = {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
             "errorMessage": "must be a language tag such as en or pt-BR"}
_DEFAULT_REVIEW = {"approvals": {"SEV1": 2, "default": 1}, "approvers": None, "stale_draft_days": 14,
                   "closed_status": "closed"}
_DEFAULT_TRIGGERS = {
    "deploy": "A code or binary release (rollout of a new version).",
    "config-change": "A configuration or feature-flag change.",
    "capacity": "Load beyond what was provisioned: traffic, storage, quotas.",
    "dependency": "A failure of an upstream service, vendor or cloud provider.",
    "hardware": "A failing machine, disk, network card or data centre facility.",
    "network": "Network or DNS faults: routing, partitions, certificates in transit.",
    "security": "An attack, a compromised credential or a vulnerability exploited.",
    "data": "Bad or unexpected data: corruption, a bad migration, malformed input.",
    "human-process": "A manual step or process gap (a runbook step, an operation by hand).",
    "certificate-expiry": "A certificate, key or credential that expired.",
    "unknown": "Not known yet.",
}
_DEFAULT_FACTORS = {
    "missing-alert": "No alert covered the symptom.",
    "noisy-alerting": "The signal was lost in noise.",
    "insufficient-testing": "Tests did not cover the case.",
    "no-staged-rollout": "The change reached everything at once.",
    "slow-rollback": "Rolling back was slow or manual.",
    "missing-runbook": "No runbook, or an outdated one.",
    "unclear-ownership": "No clear owner for the system or the response.",
    "capacity-planning": "Headroom was not planned or tracked.",
    "single-point-of-failure": "One component took everything down with it.",
    "dependency-coupling": "A dependency's failure spread instead of degrading.",
    "config-drift": "Environments or copies of config diverged.",
    "knowledge-gap": "The people on hand lacked context or training.",
    "time-pressure": "Work done in a hurry or out of hours.",
    "tooling-gap": "Tools made the safe path hard.",
}
_DEFAULT_DETECTIONS = {
    "alert": "An automated alert fired.",
    "customer-report": "A customer told us.",
    "internal-report": "Someone inside the company noticed.",
    "automation": "Automation (a health check, a canary) caught it and acted.",
}
_TIMEZONE = {"type": ["string", "null"], "format": "timezone",
             "errorMessage": "must be an IANA zone name (Europe/Copenhagen) or an offset (+08:00)"}
_SOURCE_URL = {"type": ["string", "null"],
               "errorMessage": "must be a URL containing {path}, e.g. https://git.example.com/kb/-/blob/main/{path}"}

_DEFAULT_SECTION_ALIASES = {
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
}
_SYSTEM_NOT_PERSON = "describe what made the action easy to get wrong (missing guard, confusing UI, no review)"
_MISSING_REMINDER = "name the step that had no reminder, checklist or automation"
_CONDITIONS = "describe the conditions: time pressure, missing safeguards, unclear ownership"
_MISSING_SAFEGUARD = "describe which safeguard was missing"
_WHAT_WOULD_HELP = "say what would have helped, e.g. 'a check for X would have caught this'"
_FACTORS = "describe contributing factors rather than who is at fault"
_DEFAULT_BLAME_WORDS = {
    "human error": _SYSTEM_NOT_PERSON,
    "operator error": _SYSTEM_NOT_PERSON,
    "user error": "describe what in the system let the input cause harm",
    "forgot": _MISSING_REMINDER,
    "forgotten": _MISSING_REMINDER,
    "careless": _CONDITIONS,
    "carelessly": _CONDITIONS,
    "negligence": _MISSING_SAFEGUARD,
    "negligent": _MISSING_SAFEGUARD,
    "should have": _WHAT_WOULD_HELP,
    "should've": _WHAT_WOULD_HELP,
    "sloppy": "describe the gap in review or tooling",
    "lazy": "describe the incentive or pressure that shaped the choice",
    "stupid": "describe the decision and the information available at the time",
    "blame": _FACTORS,
    "fault of": _FACTORS,
    "failed to notice": "describe why the signal was hard to see (alert noise, missing dashboard)",
}


def _frozen(value: Any) -> Any:
    """Lists as tuples, mappings as read-only views, all the way down; frozen values as they are."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, tuple):
        inner = tuple(_frozen(v) for v in value)
        return value if all(a is b for a, b in zip(inner, value)) else inner
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    return value


def _thawed(value: Any) -> Any:
    """The plain JSON shape of a frozen value: tuples as lists, mappings as dicts."""
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    return value


def _setting(default: Any, schema: dict[str, Any], description: str, key: str | None = None) -> Any:
    metadata = {"schema": schema, "description": description, "key": key}
    if isinstance(default, dict):
        return field(default_factory=lambda: _frozen(default), metadata=metadata)
    return field(default=_frozen(default), metadata=metadata)


@dataclass(frozen=True)
class KBConfig:
    """The knowledge base's settings, read as attributes (`config.severities`).

    Built by `load_config` from a validated `postmortem-kb.yml`; built by
    hand (`KBConfig(root=...)`) it holds the defaults and is not validated.
    """

    root: Path
    path: Path | None = None  # the postmortem-kb.yml read, None when the defaults apply
    postmortems_folder: str = _setting(
        "postmortems", _FOLDER, "Where the postmortems live, relative to the knowledge base's root.",
        key="postmortems_dir")
    templates_folder: str = _setting(
        "templates", _FOLDER, "The team's templates (NAME.md.j2), relative to the root.", key="templates_dir")
    severities: tuple[str, ...] = _setting(
        ["SEV1", "SEV2", "SEV3", "SEV4"], _SOME_NAMES, "Allowed `severity` values, most severe first.")
    statuses: tuple[str, ...] = _setting(
        ["draft", "in-review", "published"], _SOME_NAMES, "Allowed `status` values.")
    action_statuses: tuple[str, ...] = _setting(
        ["open", "in-progress", "done", "wontfix"], _SOME_NAMES, "Allowed action-item statuses.")
    open_action_statuses: tuple[str, ...] = _setting(
        ["open", "in-progress"], _NAMES,
        "Action-item statuses that still need work (the ledger's open ones); each one of `action_statuses`.")
    required_fields: tuple[str, ...] = _setting(
        ["title", "date", "severity", "status", "authors", "tags"], _NAMES, "Front matter every postmortem has.")
    recommended_fields: tuple[str, ...] = _setting(
        ["summary", "services", "started_at", "detected_at", "resolved_at"], _NAMES,
        "Front matter lint asks for with a warning.")
    required_sections: tuple[str, ...] = _setting(
        ["Summary", "Impact", "Timeline", "Root cause", "Action items"], _NAMES,
        "Sections every postmortem has; a postmortem's template may require more.")
    recommended_sections: tuple[str, ...] = _setting(
        ["Detection", "Resolution", "Lessons learned"], _NAMES, "Sections lint asks for with a warning.")
    section_aliases: Mapping[str, tuple[str, ...]] = _setting(
        _DEFAULT_SECTION_ALIASES, _SECTION_ALIASES,
        "Other headings accepted for a section; merged over the defaults.")
    tags: tuple[str, ...] | None = _setting(None, _VOCABULARY, "The tag vocabulary; null allows any tag.")
    services: tuple[str, ...] | None = _setting(
        None, _VOCABULARY, "The service vocabulary; null allows any service.")
    # None: a time without an offset stays without one (lint says so); a
    # zone is never guessed.
    timezone: str | None = _setting(
        None, _TIMEZONE, "Zone for timeline times without an offset when neither the front matter nor the text "
        "gives one; null (the default) leaves such times without a zone, and lint says so.")
    extra_fields: tuple[str, ...] = _setting(
        [], _NAMES, "Front matter keys the team adds beyond format v1; lint does not call them unknown.")
    finished_statuses: tuple[str, ...] = _setting(
        ["in-review", "published"], _NAMES,
        "Statuses at which a postmortem must be complete (required sections filled in, no TODO left); "
        "each one of `statuses`.")
    placeholder_markers: tuple[str, ...] = _setting(
        ["TODO", "TBD", "XXX", "FIXME"], _NAMES, "Words that mark unfinished text, matched whole and in this case.")
    actions_required_statuses: tuple[str, ...] = _setting(
        ["published"], _NAMES, "Statuses at which at least one action item is required; each one of `statuses`.")
    allowed_email_domains: tuple[str, ...] = _setting(
        [], _NAMES, "Team addresses (oncall@corp.example) that are not personal data.")
    blame_words: Mapping[str, str] = _setting(
        _DEFAULT_BLAME_WORDS, _BLAME_WORDS,
        "Blaming phrase to blameless rewording hint (rule blame-language); merged over the defaults, "
        "null drops one.")
    rules: Mapping[str, str] = _setting({}, _RULES, "Rule id to error, warning or off.")
    source_url_template: str | None = _setting(
        None, _SOURCE_URL,
        "The site's Edit source link: an http(s) URL with a {path} slot (the file's repository path); "
        "null shows the path only.")
    # -- review and action items -------------------------------------------------
    review: Mapping[str, Any] = _setting(
        _DEFAULT_REVIEW, _REVIEW,
        "The review gate: approvals needed per severity (`default` for the rest), who may approve (names, a "
        "map of service to owners, or `codeowners`), when a draft is stale, and the status a postmortem may "
        "take once every action item is done.")
    tickets: Mapping[str, str] = _setting(
        {}, _TICKETS,
        "Ticket regex to URL template ({ticket} the whole ticket, {1} the first group); tickets become links.")
    actions: Mapping[str, Any] = _setting(
        {"slo_days": {"P1": 28, "P2": 56}}, _ACTIONS,
        "Action-item SLOs: days from the incident an item of a priority may stay open without a due date.")
    # -- learning across incidents and the public version ----------------------------
    triggers: Mapping[str, str | None] = _setting(
        _DEFAULT_TRIGGERS, _TERMS, "The `trigger:` vocabulary: value to one-line description.")
    contributing_factors: Mapping[str, str | None] = _setting(
        _DEFAULT_FACTORS, _TERMS, "The `contributing_factors:` vocabulary: value to one-line description.")
    detection_methods: Mapping[str, str | None] = _setting(
        _DEFAULT_DETECTIONS, _TERMS, "The `detection:` vocabulary: how the incident was noticed.")
    language: str = _setting("en", _LANGUAGE, "The default `lang:` of a postmortem.")
    public: Mapping[str, Any] = _setting(
        {"internal_sections": []}, _PUBLIC,
        "The public version: sections (by name) left out besides the parts marked <!-- internal -->.")

    def __post_init__(self) -> None:
        # A config built from lists and dicts is frozen here, so no one can change a setting under another.
        for item in _SETTING_FIELDS:
            value = getattr(self, item.name)
            frozen = _frozen(value)
            if frozen is not value:
                object.__setattr__(self, item.name, frozen)

    @classmethod
    def from_settings(cls, root: Path, settings: Mapping[str, Any], path: Path | None = None) -> KBConfig:
        """A config from settings keyed as in postmortem-kb.yml, already validated (see `validate_settings`)."""
        return cls(root=root, path=path, **{_FIELD_OF_KEY[key]: value for key, value in settings.items()})

    def as_dict(self) -> dict[str, Any]:
        """Every setting as plain JSON values, keyed as in postmortem-kb.yml."""
        return {_key(item): _thawed(getattr(self, item.name)) for item in _SETTING_FIELDS}

    @property
    def postmortems_dir(self) -> Path:
        return self.root / self.postmortems_folder

    @property
    def templates_dir(self) -> Path:
        return self.root / self.templates_folder

    def canonical_sections(self) -> list[str]:
        return list(dict.fromkeys([*self.required_sections, *self.recommended_sections, *self.section_aliases]))

    def heading_map(self) -> Mapping[str, str]:
        """Normalised heading text -> canonical section name, aliases included."""
        return self._heading_map

    @cached_property
    def _heading_map(self) -> Mapping[str, str]:
        # The loader asks once per file; built once per config (the config cannot change).
        mapping = {normalise_heading(name): name for name in self.canonical_sections()}
        for name, aliases in self.section_aliases.items():
            for alias in aliases:
                mapping.setdefault(normalise_heading(alias), name)
        return MappingProxyType(mapping)

    def rule_level(self, rule_id: str, default: str) -> str:
        return self.rules.get(rule_id, default)

    # -- frozen values (read-only mappings) need these spelled out ----------
    def __hash__(self) -> int:
        return hash((self.root, self.path, _hashable(self.as_dict())))

    def __reduce__(self):
        # Pickling (lint's worker processes) and deepcopy go through plain values.
        return (_rebuild, (self.root, self.path, self.as_dict()))


def _rebuild(root: Path, path: Path | None, settings: dict[str, Any]) -> KBConfig:
    return KBConfig.from_settings(root, settings, path)


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _key(item) -> str:
    return item.metadata.get("key") or item.name


_SETTING_FIELDS = tuple(item for item in fields(KBConfig) if "schema" in item.metadata)
_FIELD_OF_KEY = {_key(item): item.name for item in _SETTING_FIELDS}
SETTING_KEYS = tuple(_FIELD_OF_KEY)
# Every setting's default, keyed as in postmortem-kb.yml (read-only, like the config).
DEFAULTS: Mapping[str, Any] = _frozen(KBConfig(root=Path(".")).as_dict())


class ConfigError(Exception):
    """A config that cannot be used; `key` names the offending setting."""

    def __init__(self, path: Path | None, key: str, message: str):
        self.path = path
        self.key = key
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{key}: {message}")


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


# -- the schema and the one validator ---------------------------------------

def config_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of postmortem-kb.yml, built from KBConfig's fields."""
    defaults = KBConfig(root=Path(".")).as_dict()
    properties = {}
    for item in _SETTING_FIELDS:
        properties[_key(item)] = {**item.metadata["schema"], "description": item.metadata["description"],
                                  "default": defaults[_key(item)]}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "urn:postmortem-kb:config",
        "title": "postmortem-kb.yml",
        "description": "The settings of a postmortem-kb knowledge base. Every key is optional.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def is_timezone(value: object) -> bool:
    """The `timezone` format: an IANA zone or an offset (other types are the `type` keyword's business)."""
    from postmortem_kb.zones import zone_from_setting

    return not isinstance(value, str) or zone_from_setting(value) is not None


_VALIDATOR = None


def _validator():
    global _VALIDATOR
    if _VALIDATOR is None:
        from jsonschema import Draft202012Validator, FormatChecker

        checker = FormatChecker([])
        checker.checks("timezone")(is_timezone)
        _VALIDATOR = Draft202012Validator(config_schema(), format_checker=checker)
    return _VALIDATOR


def validate_settings(data: object, path: Path | None = None) -> dict[str, Any]:
    """Settings as written (the YAML's mapping) -> every setting, validated, defaults filled in.

    The one validator: the config file and anything else claiming to be
    settings go through here. Raises ConfigError naming the first key (in
    the file's order) that is wrong.
    """
    if not isinstance(data, dict):
        raise ConfigError(path, "(top level)", "must be a mapping of settings")
    data = {str(key): value for key, value in data.items()}
    rules = data.get("rules")
    if isinstance(rules, dict):
        # YAML 1.1 reads a bare `off` as false; that is what the author meant.
        data["rules"] = {str(rule): "off" if level is False else level for rule, level in rules.items()}
    for name in ("section_aliases", "blame_words"):
        if isinstance(data.get(name), dict):
            data[name] = {str(key): value for key, value in data[name].items()}
    order = list(data)
    errors = list(_validator().iter_errors(data))
    if errors:
        first = min(errors, key=lambda error: _position(error, order))
        raise _config_error(first, data, path)
    defaults = KBConfig(root=Path(".")).as_dict()  # fresh copies: the result is the caller's to keep
    settings = {key: data.get(key, default) for key, default in defaults.items()}
    settings["section_aliases"] = {**defaults["section_aliases"], **settings["section_aliases"]}
    # Nested settings keep the defaults of the keys a team leaves out.
    for name in ("review", "actions", "public"):
        settings[name] = {**defaults[name], **settings[name]}
    words = defaults["blame_words"]
    for phrase, hint in data.get("blame_words", {}).items():
        if hint is None:
            words.pop(phrase, None)
        else:
            words[phrase] = hint
    settings["blame_words"] = words
    _check_subsets(settings, path)
    _check_source_url_template(settings["source_url_template"], path)
    return settings


def _unknown_keys(data: dict[str, Any]) -> list[str]:
    return [key for key in data if key not in _FIELD_OF_KEY]


def _position(error, order: list[str]) -> tuple[int, str]:
    if not error.absolute_path and error.validator == "additionalProperties":
        return order.index(_unknown_keys(error.instance)[0]), ""
    head = error.absolute_path[0] if error.absolute_path else None
    return (order.index(head) if head in order else -1), repr(list(error.absolute_path))


def _schema_at(schema: dict[str, Any], where: list[Any]) -> dict[str, Any]:
    node = schema
    for part in where:
        if part in node.get("properties", {}):
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        elif isinstance(node.get("items"), dict):
            node = node["items"]
        else:
            return {}
    return node


def _config_error(error, data: dict[str, Any], path: Path | None) -> ConfigError:
    """A jsonschema error worded for people: the setting's key, what it must be."""
    if not error.absolute_path and error.validator == "additionalProperties":
        import difflib

        key = _unknown_keys(data)[0]
        close = difflib.get_close_matches(key, SETTING_KEYS, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        return ConfigError(path, key, f"unknown setting; known settings: {', '.join(SETTING_KEYS)}{hint}")
    where = list(error.absolute_path)
    # An item of a list is reported as the list's problem: `extra_fields: [1]` -> extra_fields.
    in_list = bool(where) and isinstance(where[-1], int)
    while where and isinstance(where[-1], int):
        where.pop()
    label = ".".join(str(part) for part in where) or "(top level)"
    node = _schema_at(_validator().schema, where)
    if "propertyNames" in error.relative_schema_path:
        name = str(error.instance)
        label = f"{label}.{name if name.strip() else repr(name)}"
        message = error.schema.get("errorMessage", error.message)
    elif error.validator == "enum":
        message = f"must be one of {', '.join(map(str, error.validator_value))}"
    elif error.validator == "minItems":
        message = "must list at least one value"
    elif error.validator == "minLength":
        message = "must not list an empty string" if in_list else "must not be empty"
    else:
        message = node.get("errorMessage", error.message)
    scalar = error.instance is None or isinstance(error.instance, (str, int, float, bool))
    if not in_list and scalar and error.validator in ("enum", "type", "format") and len(repr(error.instance)) <= 60:
        message += f", not {error.instance!r}"
    return ConfigError(path, label, message)


def _check_subsets(settings: dict[str, Any], path: Path | None) -> None:
    """Settings that name values of another setting must name real ones."""
    for key, source in SUBSET_KEYS:
        stray = [v for v in settings[key] if v not in settings[source]]
        if stray:
            raise ConfigError(path, key,
                              f"{', '.join(map(repr, stray))} not in `{source}` ({', '.join(settings[source])})")


def _check_source_url_template(value: str | None, path: Path | None) -> None:
    """An http(s) URL with a {path} slot: it becomes a link on every postmortem page."""
    from urllib.parse import urlsplit

    if value is None:
        return
    key = "source_url_template"
    if "{path}" not in value:
        raise ConfigError(path, key, _SOURCE_URL["errorMessage"])
    try:
        example = value.format(path="postmortems/x.md")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(path, key, f"only {{path}} may appear in braces ({exc}); "
                                     "write {{ and }} for literal braces") from exc
    if urlsplit(example).scheme not in ("http", "https"):
        raise ConfigError(path, key, "must start with https:// or http://")


# -- reading the file --------------------------------------------------------

def load_config(root: Path, *, use_cache: bool = True) -> KBConfig:
    """The knowledge base's config: postmortem-kb.yml at `root`, validated, or the defaults without one.

    `use_cache=False` neither reads nor writes the settings cache (`--no-cache`).
    """
    path = root / CONFIG_FILE
    if not path.is_file():
        return KBConfig(root=root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, "(file)", f"cannot read: {exc}") from exc
    cache = SettingsCache.open(root) if use_cache else None
    if cache is not None:
        remembered = cache.read(raw)
        if remembered is not None:
            (settings,) = remembered
            return KBConfig(root=root) if settings is None else KBConfig.from_settings(root, settings, path)
    settings = _settings_in_file(raw, path)
    if cache is not None:
        cache.write(raw, settings)
    return KBConfig(root=root) if settings is None else KBConfig.from_settings(root, settings, path)


def _settings_in_file(raw: bytes, path: Path) -> dict[str, Any] | None:
    """The file's validated settings; None for a file without any (comments only)."""
    import yaml  # here, not at the top: with the settings remembered, start-up needs no PyYAML

    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, "(file)", f"cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ConfigError(path, where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if data is None:
        return None
    return validate_settings(data, path)


# -- the settings cache ------------------------------------------------------
# Validating needs PyYAML and jsonschema, whose imports cost `postmortem new`
# three times its whole start-up. So the validated settings of a config file
# are remembered in .postmortem-cache/settings.json, and a later start reads
# them back without either. The cache folder sits in the repository, where
# anyone who can commit, or fill a CI cache, can write it; so an entry is
# only believed when:
# - it is keyed by the config file's bytes and everything else that decides
#   the result (this module's source, the zone module's, Python's version);
# - it is signed with this user's key (`cache_trust`, as lint's cache is):
#   an entry nobody signed with it, or one changed after signing, is ignored
#   and the file validated again; so every setting read back went through
#   `validate_settings`, here, for these very bytes;
# - the cache folder is not tracked by git (then it is refused, with a warning).
# A config with a problem is never remembered: it is read, and reported, every time.

_CACHE_FORMAT = "postmortem-kb settings cache 2"
_warned_roots: set[Path] = set()


def cache_folder_refused(root: Path) -> str | None:
    """Why `root`'s .postmortem-cache/ must not be used (git tracks it), or None."""
    # Asking git costs a process start, a tenth of `postmortem new`'s
    # start-up; the index's bytes hold every tracked path, so a folder they
    # do not mention is not tracked and git need not be asked.
    if not _git_index_mentions(root, f"{CACHE_FOLDER}/".encode()):
        return None
    from postmortem_kb.cache_trust import tracked_by_git, tracked_message

    folder = root / CACHE_FOLDER
    return tracked_message(folder) if tracked_by_git(folder) else None


def _git_index_mentions(root: Path, name: bytes) -> bool:
    """Could git's index list `name` under `root`? (A split index keeps paths in a shared file: searched too.)"""
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            git_dir = dot_git
            break
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            try:
                text = dot_git.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return True
            git_dir = (folder / text.partition("gitdir:")[2].strip()).resolve()
            break
    else:
        return False
    try:
        if name in (git_dir / "index").read_bytes():
            return True
        return any(name in shared.read_bytes() for shared in git_dir.glob("sharedindex.*"))
    except FileNotFoundError:
        return False
    except OSError:
        return True


class SettingsCache:
    """The remembered settings of one knowledge base (see the comment above)."""

    def __init__(self, root: Path):
        self.file = root / SETTINGS_CACHE

    @classmethod
    def open(cls, root: Path) -> SettingsCache | None:
        """The cache of `root`, or None (with a warning) when git tracks the cache folder."""
        refused = cache_folder_refused(root)
        if refused:
            if root not in _warned_roots:
                _warned_roots.add(root)
                import logging

                logging.getLogger("postmortem_kb").warning("warning: %s", refused)
            return None
        return cls(root)

    @staticmethod
    def entry_key(raw: bytes) -> str:
        """Everything the validated settings depend on: the file's bytes and the code that validates them."""
        import hashlib
        import sys

        digest = hashlib.blake2b(_CACHE_FORMAT.encode(), digest_size=32)
        digest.update(sys.version.encode())
        here = Path(__file__)
        for source in (here, here.with_name("zones.py")):
            digest.update(source.read_bytes())
        digest.update(b"\0config\0" + raw)
        return digest.hexdigest()

    def read(self, raw: bytes) -> tuple[dict[str, Any] | None] | None:
        """(the settings, or None for a file without any) remembered for these bytes; None on a miss."""
        import json

        from postmortem_kb.cache_trust import verify

        try:
            mac, _, payload = self.file.read_bytes().partition(b"\n")
            if not verify(payload, mac.decode("ascii", "replace")):
                return None  # not written by this user: believe none of it
            entry = json.loads(payload)
            key, settings = entry["key"], entry["settings"]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if key != self.entry_key(raw):
            return None
        if settings is not None and (not isinstance(settings, dict) or set(settings) != set(SETTING_KEYS)):
            return None  # written by a version with other settings
        return (settings,)

    def write(self, raw: bytes, settings: dict[str, Any] | None) -> None:
        import json

        from postmortem_kb.atomic import replace
        from postmortem_kb.cache_trust import sign

        payload = json.dumps({"key": self.entry_key(raw), "settings": settings}, sort_keys=True, ensure_ascii=True)
        mac = sign(payload.encode("ascii"))
        if mac is None:
            return  # no key to sign with: nothing cached, slower but never wrong
        try:
            replace(self.file, mac + "\n" + payload)
        except OSError:
            pass  # a read-only checkout works without it
