"""The one knowledge-base config every face reads.

It lives in `postmortem-kb.yml` at the knowledge base's root (beside
`mkdocs.yml`), a file of its own so that `postmortem lint` never has to load
MkDocs' config, with its Python tags, just to learn the severities. Every key
is optional: the defaults below are a working contract.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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
        "Lessons learned": ["Lessons learnt"],
        "Timeline": ["Timeline of events"],
    },
    # None means "any value"; a list turns on the vocabulary check.
    "tags": None,
    "services": None,
    # Used for a timeline time without an offset when the front matter has
    # neither `timezone:` nor an offset on `started_at`.
    "timezone": "UTC",
    # rule id -> "error" | "warning" | "off"
    "rules": {},
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
)
RULE_LEVELS = ("error", "warning", "off")


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
        mapping: dict[str, str] = {}
        for name in self.canonical_sections():
            mapping[normalise_heading(name)] = name
        for name, aliases in self["section_aliases"].items():
            for alias in aliases:
                mapping.setdefault(normalise_heading(alias), name)
        return mapping

    def rule_level(self, rule_id: str, default: str) -> str:
        return self["rules"].get(rule_id, default)


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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "(file)", f"cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ConfigError(path, where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if data is None:
        return config
    if not isinstance(data, dict):
        raise ConfigError(path, "(top level)", "must be a mapping of settings")
    config.path = path
    config.values = merge_config(data, path)
    return config


def merge_config(data: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    values = copy.deepcopy(DEFAULTS)
    for key, value in data.items():
        if key not in DEFAULTS:
            raise ConfigError(path, str(key), f"unknown setting; known settings: {', '.join(DEFAULTS)}")
        values[key] = validate_setting(key, value, path)
    return values


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
        for rule_id, level in value.items():
            if level not in RULE_LEVELS:
                raise ConfigError(path, f"rules.{rule_id}", f"must be one of {', '.join(RULE_LEVELS)}, not {level!r}")
        return value
    if key == "timezone":
        from postmortem_kb.times import parse_timezone

        if not isinstance(value, str) or parse_timezone(value) is None:
            raise ConfigError(path, key, "must be an IANA zone name (Europe/Copenhagen) or an offset (+08:00)")
        return value
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, key, "must be a non-empty string")
    return value
