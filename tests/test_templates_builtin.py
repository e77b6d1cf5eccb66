"""The built-in templates, team overrides, and `postmortem templates`."""

import datetime as dt
import json

import pytest

from conftest import write
from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.loader import load_postmortem
from postmortem_kb.scaffold import NewPostmortem, create_postmortem
from postmortem_kb.template_catalog import catalog, required_sections

SECURITY_SECTIONS = ["Summary", "Impact", "Timeline", "Detection and analysis", "Containment", "Eradication",
                     "Recovery", "Indicators of compromise", "Root cause", "Action items", "Lessons learned"]


@pytest.mark.parametrize("name, expected", [
    ("default", ["Summary", "Impact", "Timeline", "Root cause", "Trigger", "Detection", "Resolution", "Action items",
                 "Lessons learned"]),
    ("lite", ["Summary", "Impact", "Timeline", "Root cause", "Action items"]),
    ("security", SECURITY_SECTIONS),
])
def test_each_builtin_renders_a_postmortem_that_records_its_template(kb, name, expected):
    config = load_config(kb)
    path = create_postmortem(config, NewPostmortem(title=f"A {name} one", date=dt.date(2024, 4, 1), severity="SEV3",
                                                   template=name))
    pm = load_postmortem(path, config)
    assert not pm.failed and pm.meta["template"] == name
    assert [s.heading for s in pm.sections if s.top_level] == expected
    # Every required section is a section lint recognises in the file.
    present = {s.canonical for s in pm.sections if s.top_level}
    assert set(required_sections(config, name)) <= present


def test_default_lessons_learned_has_went_well_wrong_lucky(kb):
    config = load_config(kb)
    path = create_postmortem(config, NewPostmortem(title="t", date=dt.date(2024, 4, 1), severity="SEV3"))
    text = path.read_text()
    assert "### What went well" in text and "### What went wrong" in text and "### Where we got lucky" in text


def test_lint_requires_what_the_template_requires(kb, runner):
    for template in ("lite", "security"):
        runner.invoke(main, ["new", f"From {template}", "--template", template, "--severity", "SEV2",
                             "--date", "2024-04-01", "--no-input"])
    path = kb / "postmortems/2024-04-01-from-security.md"
    path.write_text(path.read_text().replace("## Containment", "## Notes"), encoding="utf-8")
    findings = json.loads(runner.invoke(main, ["lint", "--format", "json"]).stdout)
    missing = {(f["path"].split("/")[-1], f["message"]) for f in findings if f["rule"] == "section-required"}
    assert ("2024-04-01-from-security.md", "section `## Containment` is missing") in missing
    assert not any(name == "2024-04-01-from-lite.md" for name, _ in missing)


def test_a_team_template_overrides_and_adds(kb, runner):
    # A small template needs a small floor: the config's required sections hold for every template.
    write(kb / "postmortem-kb.yml", "required_sections: [Summary]\n")
    write(kb / "templates/default.md.j2", "{# requires: Summary -#}\n---\ntitle: {{ title | yaml }}\ndate: {{ date }}\n"
          "template: {{ template }}\n---\n\n## Summary\n\n<!-- hint: ours -->\n")
    write(kb / "templates/review.md.j2", "---\ntitle: {{ title | yaml }}\ntemplate: {{ template }}\n---\n\n## Summary\n\n## Impact\n")
    infos = {info.name: info for info in catalog(load_config(kb))}
    assert infos["default"].origin == "team, overrides built-in" and infos["default"].required == ["Summary"]
    assert infos["review"].origin == "team" and infos["review"].required == ["Summary", "Impact"]
    assert infos["lite"].origin == "built-in"
    result = runner.invoke(main, ["templates"])
    assert result.exit_code == 0, result.output
    assert "default  (team, overrides built-in: templates/default.md.j2)" in result.output
    assert "  * Summary" in result.output and "    Lessons learned" in result.output
    assert runner.invoke(main, ["new", "Mine", "--severity", "SEV4", "--date", "2024-04-02", "--no-input"]).exit_code == 0
    assert "<!-- hint: ours -->" in (kb / "postmortems/2024-04-02-mine.md").read_text()


def test_required_is_the_configs_floor_plus_the_templates_own(kb):
    write(kb / "postmortem-kb.yml", "required_sections: [Summary, impact, Customer communication]\n"
          "section_aliases:\n  Customer communication: [Customer comms]\n")
    write(kb / "templates/comms.md.j2", "{# requires: Summary, Timeline, customer comms -#}\n---\ntemplate: {{ template }}\n"
          "---\n\n## Summary\n\n## Impact\n\n## Timeline\n\n## Customer communication\n")
    config = load_config(kb)
    # Canonical names, the template's order first, each once (an alias or another case is the same section).
    assert required_sections(config, "comms") == ["Summary", "Timeline", "Customer communication", "Impact"]
    assert required_sections(config, None) == ["Summary", "Impact", "Customer communication"]
    assert required_sections(config, "no-such-template") == required_sections(config, "")
    assert required_sections(config, "security")[-3:] == ["Root cause", "Action items", "Customer communication"]


def test_a_section_added_to_the_config_is_required_of_postmortems_from_new(kb, runner):
    """The issue's case: `template: default` used to win over `required_sections`, so the addition changed nothing."""
    assert runner.invoke(main, ["new", "Before", "--severity", "SEV2", "--date", "2024-04-01", "--no-input"]).exit_code == 0
    findings = json.loads(runner.invoke(main, ["lint", "--format", "json"]).stdout)
    assert not [f for f in findings if f["rule"] == "section-required"]
    write(kb / "postmortem-kb.yml", "required_sections: [Summary, Impact, Timeline, Root cause, Action items, "
          "Customer communication]\n")
    findings = json.loads(runner.invoke(main, ["lint", "--format", "json", "--no-cache"]).stdout)
    assert [f["message"] for f in findings if f["rule"] == "section-required"] == [
        "section `## Customer communication` is missing"]
    # `postmortem templates` says which templates lack it, and how to fix that.
    result = runner.invoke(main, ["templates"])
    assert result.exit_code == 1
    assert "required section 'Customer communication' (`required_sections` in postmortem-kb.yml) has no " \
           "`## Customer communication` heading in the template" in result.output
    assert "  * Customer communication  (required, but not a heading of the template)" in result.output


def test_templates_json(kb, runner):
    data = json.loads(runner.invoke(main, ["templates", "--format", "json"]).stdout)
    security = next(t for t in data if t["name"] == "security")
    assert security["sections"] == SECURITY_SECTIONS and "Lessons learned" not in security["required"]
    assert security["problems"] == []


def test_broken_templates_are_reported_with_file_and_line(kb, runner):
    write(kb / "templates/broken.md.j2", "---\ntitle: {{ title | yaml }}\n{% if %}\n---\n")
    write(kb / "templates/undefined.md.j2", "---\ntitle: x\ntemplate: {{ template }}\n---\n\n## Summary\n\n{{ nope }}\n")
    write(kb / "templates/unknown.md.j2", "{# requires: Summary, Customer comms -#}\n---\ntemplate: {{ template }}\n---\n\n"
          "## Summary\n\n## Customer comms\n")
    result = runner.invoke(main, ["templates"])
    assert result.exit_code == 1
    assert "broken.md.j2:3: template syntax error" in result.output
    assert "undefined.md.j2:8: template uses an undefined variable: 'nope' is undefined" in result.output
    assert "required section 'Customer comms' is not a section lint knows; add it to `section_aliases`" in result.output
    # Declaring it in the config makes the template usable (with a floor it meets).
    write(kb / "postmortem-kb.yml", "required_sections: [Summary]\nsection_aliases:\n  Customer comms: []\n")
    (kb / "templates/broken.md.j2").unlink()
    (kb / "templates/undefined.md.j2").unlink()
    assert runner.invoke(main, ["templates"]).exit_code == 0
