"""The front matter JSON Schema: derived from the config, printed for editors, used by lint."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import VALID_POSTMORTEM, write
from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.schema import FieldValidator, FrontMatterTooComplex, to_json_compatible, validator


def test_schema_command_prints_the_configured_contract(kb, runner):
    write(kb / "postmortem-kb.yml", "severities: [P1, P2]\ntags: [dns, cache]\nrequired_fields: [title, team]\n")
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["severity"]["enum"] == ["P1", "P2"]
    assert schema["properties"]["tags"]["items"]["enum"] == ["dns", "cache"]
    assert schema["required"] == ["title", "team"] and "team" in schema["properties"]
    assert schema["additionalProperties"] is False


def test_schema_command_exits_2_on_a_bad_config(kb, runner):
    write(kb / "postmortem-kb.yml", "statuses: draft\n")
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 2 and "statuses" in result.output


def test_a_fresh_draft_validates(kb):
    config = load_config(kb)
    meta = {"title": "x", "date": "2024-01-01", "severity": "SEV1", "status": "draft", "authors": ["a"],
            "tags": ["t"], "started_at": None, "summary": "", "related": []}
    validator(config).validate(meta)


def test_yaml_dates_become_iso_strings_and_bombs_are_refused():
    value = {"date": dt.date(2024, 1, 2), "at": dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.timezone.utc), 5: [1]}
    assert to_json_compatible(value) == {"date": "2024-01-02", "at": "2024-01-02T03:04:00+00:00", "5": [1]}
    layer: list = ["lol"] * 10
    for _ in range(8):
        layer = [layer] * 10
    with pytest.raises(FrontMatterTooComplex):
        to_json_compatible({"bomb": layer})
    loop: list = []
    loop.append(loop)
    with pytest.raises(FrontMatterTooComplex):
        to_json_compatible({"loop": loop})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30)
    | st.sampled_from(["SEV1", "SEV9", "sev1", "draft", "published", "2024-01-02", "2024-1-2", "2024-02-30",
                       "2024-01-02T03:04:00+01:00", "2024-01-02T03:04:00", "2024-01-02T03:04:00Z",
                       "2024-01-02 03:04:00+01:00", "2024-01-02T03:04:00.5+01:00", "2024-02-30T03:04:00+01:00",
                       "2024-01-02T25:04:00+01:00", "2024-01-02t03:04:00z", "UTC", "Europe/Zurich", "Mars/Olympus"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)
# Approvals, right and wrong: a key missing, one too many, a bad date, a name of the wrong type.
approval_like = st.dictionaries(st.sampled_from(["by", "date", "note"]),
                                st.sampled_from(["wei", "", "2024-01-02", "2024-02-30", "01/02/2024", 5, None]),
                                max_size=3)
json_values = json_values | st.lists(approval_like, max_size=3)
keys = st.sampled_from(["title", "date", "severity", "status", "authors", "tags", "services", "started_at",
                        "resolved_at", "summary", "related", "timezone", "template", "approvals", "imported",
                        "customer_impact"])


def whole_document_errors(config, meta) -> set[tuple[str, tuple]]:
    """(keyword, path) of each error jsonschema finds validating `meta` whole, as lint's checker reports them."""
    return {
        (e.validator, tuple(e.absolute_path))
        for e in validator(config).iter_errors(meta)
        # lint words a missing or unknown top-level key itself; inside a value (an approval) jsonschema does
        if e.validator not in ("required", "additionalProperties") or e.absolute_path
    }


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, json_values, max_size=8))
def test_field_by_field_validation_equals_whole_document_validation(meta):
    """Lint's per-field, per-item, memoised check finds exactly the property errors jsonschema finds."""
    config = load_config(Path("/nonexistent-kb"))
    whole = whole_document_errors(config, meta)
    checker = FieldValidator(config)
    for _ in range(2):  # the second pass answers from the memo
        assert {(p.validator, p.path) for p in checker.problems(meta)} == whole


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, json_values | st.lists(st.sampled_from(["dns", "cache", "db", "", 3]), max_size=3),
                       max_size=6))
def test_the_same_holds_where_the_config_lists_the_tags_a_postmortem_may_use(meta):
    folder = Path(tempfile.mkdtemp())
    (folder / "postmortem-kb.yml").write_text("tags: [dns, cache]\n", encoding="utf-8")
    config = load_config(folder)
    assert {(p.validator, p.path) for p in FieldValidator(config).problems(meta)} == whole_document_errors(config, meta)


def test_a_knowledge_base_whose_front_matter_is_all_valid_lints_without_importing_jsonschema(kb):
    post = write(kb / "postmortems/2024-03-01-db-failover.md", VALID_POSTMORTEM)
    code = ("import sys; from postmortem_kb.cli import main\n"
            "try:\n    main(['--root', sys.argv[1], 'lint', '--no-cache'])\n"
            "except SystemExit:\n    pass\n"
            "print('jsonschema' in sys.modules, file=sys.stderr)")
    clean = subprocess.run([sys.executable, "-c", code, str(kb)], capture_output=True, text=True, timeout=120)
    assert clean.stderr.strip().splitlines()[-1] == "False", clean.stderr
    post.write_text(post.read_text(encoding="utf-8").replace("severity: SEV", "severity: BAD", 1), encoding="utf-8")
    broken = subprocess.run([sys.executable, "-c", code, str(kb)], capture_output=True, text=True, timeout=120)
    assert "front-matter-type" in broken.stdout or "severity" in broken.stdout, broken.stdout
    assert broken.stderr.strip().splitlines()[-1] == "True"


def test_list_items_are_checked_one_by_one_at_their_own_positions(kb):
    write(kb / "postmortem-kb.yml", "tags: [dns, cache]\n")
    checker = FieldValidator(load_config(kb))
    first = checker.problems({"tags": ["dns", "db"], "authors": ["a", 5]})
    second = checker.problems({"tags": ["db", "cache", "db"], "services": "kv"})  # "db" answered from the memo
    assert {(p.validator, p.path, p.instance) for p in first} == {("enum", ("tags", 1), "db"),
                                                                  ("type", ("authors", 1), 5)}
    assert {(p.validator, p.path, p.instance) for p in second} == {("enum", ("tags", 0), "db"),
                                                                   ("enum", ("tags", 2), "db"),
                                                                   ("type", ("services",), "kv")}


def test_approvals_are_checked_item_by_item_with_every_fault_worded():
    checker = FieldValidator(load_config(Path("/nonexistent-kb")))
    good = {"by": "wei", "date": "2024-01-08"}
    assert checker.problems({"approvals": [good, good]}) == []
    found = checker.problems({"approvals": [good, {"by": "wei"}, {"by": "", "date": "2024-02-30"},
                                            {"by": "wei", "date": "2024-01-08", "note": "ok"}]})
    assert sorted((p.validator, p.path) for p in found) == [
        ("additionalProperties", ("approvals", 3)),
        ("format", ("approvals", 2, "date")),
        ("minLength", ("approvals", 2, "by")),
        ("required", ("approvals", 1)),
    ]
