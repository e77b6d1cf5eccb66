"""The typed, frozen KB config and the one JSON Schema it is validated with."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from postmortem_kb.cli import main
from postmortem_kb.config import (
    DEFAULTS,
    SETTING_KEYS,
    ConfigError,
    KBConfig,
    config_schema,
    load_config,
    validate_settings,
)

CONFIG = """\
severities: [P1, P2, P3]
statuses: [wip, final]
finished_statuses: [final]
actions_required_statuses: [final]
postmortems_dir: incidents
tags: [dns, cache]
section_aliases:
  Impact: [Blast radius]
blame_words:
  cowboy: describe the missing review step
  should have: null
rules:
  secret: warning
  timeline-window: off
timezone: Europe/Copenhagen
"""


@pytest.fixture
def config(tmp_path) -> KBConfig:
    write(tmp_path / "postmortem-kb.yml", CONFIG)
    return load_config(tmp_path, use_cache=False)


def test_settings_are_typed_attributes(config, tmp_path):
    assert config.severities == ("P1", "P2", "P3") and config.tags == ("dns", "cache")
    assert config.services is None and config.timezone == "Europe/Copenhagen"
    assert config.rules == {"secret": "warning", "timeline-window": "off"}
    assert config.rule_level("secret", "error") == "warning" and config.rule_level("pii", "error") == "error"
    assert config.postmortems_dir == tmp_path / "incidents" and config.templates_dir == tmp_path / "templates"
    assert config.root == tmp_path and config.path == tmp_path / "postmortem-kb.yml"


def test_mappings_merge_over_the_defaults(config):
    assert config.section_aliases["Impact"] == ("Blast radius",)
    assert config.section_aliases["Root cause"] == DEFAULTS["section_aliases"]["Root cause"]
    assert config.blame_words["cowboy"] == "describe the missing review step"
    assert "should have" not in config.blame_words and "forgot" in config.blame_words
    assert config.heading_map()["blast radius"] == "Impact"
    assert config.heading_map()["contributing factors"] == "Root cause"


def test_the_config_cannot_be_changed(config):
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.severities = ("X",)  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.rules["secret"] = "off"  # type: ignore[index]
    with pytest.raises(TypeError):
        config.section_aliases["Impact"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        config.heading_map()["x"] = "y"  # type: ignore[index]
    with pytest.raises(AttributeError):
        config.severities.append("X")  # type: ignore[attr-defined]
    config.as_dict()["severities"].append("X")  # a copy
    assert config.severities == ("P1", "P2", "P3")


def test_a_config_built_by_hand_is_frozen_too(tmp_path):
    built = KBConfig(root=tmp_path, severities=["A"], rules={"secret": "off"})  # type: ignore[arg-type]
    assert built.severities == ("A",) and built.rules == {"secret": "off"}
    with pytest.raises(TypeError):
        built.rules["secret"] = "error"  # type: ignore[index]
    assert KBConfig(root=tmp_path).as_dict() == KBConfig(root=Path(".")).as_dict()


def test_the_defaults_are_what_an_empty_file_gives(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "{}\n")
    assert load_config(tmp_path, use_cache=False).as_dict() == KBConfig(root=tmp_path).as_dict()
    assert validate_settings({}) == KBConfig(root=tmp_path).as_dict()
    assert KBConfig.from_settings(tmp_path, validate_settings({})) == KBConfig(root=tmp_path)


def test_pickles_copies_and_hashes_by_value(config):
    # Lint's worker processes get the config by pickling.
    for twin in (pickle.loads(pickle.dumps(config)), copy.deepcopy(config), copy.copy(config)):
        assert twin == config and hash(twin) == hash(config) and twin.rules == config.rules
    other = dataclasses.replace(config, severities=("P1",))
    assert other != config and other.severities == ("P1",)


def test_as_dict_round_trips_through_json_and_the_validator(config):
    plain = json.loads(json.dumps(config.as_dict()))
    assert KBConfig.from_settings(config.root, plain, config.path) == config
    validate_settings(plain)  # what the validator gives, it accepts


# -- the schema -------------------------------------------------------------------------

def test_the_schema_is_draft_2020_12_and_covers_every_setting():
    schema = config_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema["properties"]) == list(SETTING_KEYS) == list(DEFAULTS)
    assert schema["additionalProperties"] is False
    defaults = KBConfig(root=Path(".")).as_dict()
    for key, prop in schema["properties"].items():
        assert prop["description"] and prop["default"] == defaults[key], key
    jsonschema.Draft202012Validator(schema).validate(defaults)
    with pytest.raises(TypeError):
        DEFAULTS["rules"] = {"secret": "off"}  # type: ignore[index]


def test_schema_config_prints_it_even_when_the_config_is_broken(kb, runner):
    write(kb / "postmortem-kb.yml", "severities: SEV1\n")
    result = runner.invoke(main, ["schema", "--config"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == config_schema()
    assert runner.invoke(main, ["schema"]).exit_code == 2, "the front matter schema needs a valid config"


@pytest.mark.parametrize(("text", "key", "message"), [
    ("rules:\n  secret: fatal\n", "rules.secret", "must be one of error, warning, info, off, not 'fatal'"),
    ("rules: [secret]\n", "rules", "must map rule ids to error, warning, info or off"),
    ("severities: SEV1\n", "severities", "must be a list of strings, not 'SEV1'"),
    ("severities: 5\n", "severities", "must be a list of strings, not 5"),
    ("severities: [SEV1, 2]\n", "severities", "must be a list of strings"),
    ("severities: [SEV1, '']\n", "severities", "must not list an empty string"),
    ("statuses: []\n", "statuses", "must list at least one value"),
    ("tags: dns\n", "tags", "must be a list of strings, or null for no vocabulary"),
    ("section_aliases:\n  Impact: Blast radius\n", "section_aliases.Impact", "must be a list of alias headings"),
    ("blame_words:\n  forgot: 3\n", "blame_words.forgot", "must be a rewording hint (a string), or null to drop it"),
    ("blame_words:\n  ' ': x\n", "blame_words.' '", "a phrase must be a non-empty string"),
    ("timezone: Mars/Olympus\n", "timezone", "must be an IANA zone name"),
    ("postmortems_dir: ''\n", "postmortems_dir", "must not be empty"),
    ("severites: [SEV1]\n", "severites", "unknown setting; known settings: postmortems_dir, "),
    ("severites: [SEV1]\n", "severites", "did you mean `severities`?"),
    ("finished_statuses: [shipped]\n", "finished_statuses", "'shipped' not in `statuses`"),
    ("source_url_template: https://git.example.com/{path}/{branch}\n", "source_url_template", "only {path}"),
    ("[1, 2]\n", "(top level)", "must be a mapping of settings"),
])
def test_each_problem_names_its_key(tmp_path, text, key, message):
    write(tmp_path / "postmortem-kb.yml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, use_cache=False)
    assert caught.value.key == key
    assert f"postmortem-kb.yml: {key}: " in str(caught.value) and message in str(caught.value)


def test_the_first_problem_in_the_file_is_reported(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "tags: dns\nseverities: 5\nbogus: 1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, use_cache=False)
    assert caught.value.key == "tags"


def test_a_bare_off_means_off(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "rules:\n  secret: off\n  blame-language: warning\n")
    assert load_config(tmp_path, use_cache=False).rules == {"secret": "off", "blame-language": "warning"}


# One validator: whatever a postmortem-kb.yml holds, the editor's schema and the commands agree on the
# shape, apart from what the schema cannot say (values drawn from another setting, the link's shape).
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["", " ", "SEV1", "off", "error", "UTC", "x/y"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "Impact", " "]), inner,
                                                               max_size=2),
    max_leaves=6,
)
documents = st.dictionaries(st.sampled_from([*SETTING_KEYS, "bogus"]), values, max_size=3)
SEMANTIC = ("finished_statuses", "actions_required_statuses", "open_action_statuses", "severities", "statuses",
            "action_statuses", "source_url_template")


@settings(max_examples=300, deadline=None)
@given(documents)
def test_the_schema_decides_the_shape(document):
    if set(document) & set(SEMANTIC):
        document = {k: v for k, v in document.items() if k not in SEMANTIC}
    rules = document.get("rules")
    if isinstance(rules, dict):  # YAML's bare `off` (false) is read as "off" before validating
        document["rules"] = {k: "off" if v is False else v for k, v in rules.items()}
    checker = jsonschema.Draft202012Validator(config_schema(), format_checker=jsonschema.FormatChecker([]))
    schema_says = not any(e.validator != "format" for e in checker.iter_errors(document))
    try:
        validate_settings(document)
        accepted = True
    except ConfigError as exc:
        accepted = False
        assert exc.key != "(top level)"
    if "timezone" not in document:  # the zone is a format check only this tool knows
        assert accepted == schema_says, document


def test_every_setting_reads_from_yaml_as_documented():
    text = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    settings = validate_settings(yaml.safe_load(example))
    assert settings["rules"]["timeline-window"] == "off"
