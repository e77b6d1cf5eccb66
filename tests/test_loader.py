import datetime as dt
from pathlib import Path

from conftest import REPO, VALID_POSTMORTEM, write
from postmortem_kb.config import KBConfig
from postmortem_kb.loader import load_postmortem, read_bodies
from postmortem_kb.records import model_record

CONFIG = KBConfig(root=Path("."))


def load(tmp_path: Path, text: str, name: str = "2024-01-09-cache.md"):
    return load_postmortem(write(tmp_path / name, text), CONFIG)


def test_front_matter_sections_timeline_and_actions(tmp_path):
    pm = load(tmp_path, VALID_POSTMORTEM)
    assert not pm.failed and pm.diagnostics == []
    assert pm.id == "2024-01-09-cache"
    assert pm.meta["severity"] == "SEV2" and pm.tags == ["server-infra", "cache"]
    assert pm.meta_lines["severity"] == 4
    headings = [(s.heading, s.level, s.line, s.canonical) for s in pm.sections]
    assert headings[0] == ("Summary", 2, 17, "Summary")
    assert ("Root cause", 2, 33, "Root cause") in headings
    plus1 = dt.timezone(dt.timedelta(hours=1))
    assert [e.time for e in pm.timeline] == [
        dt.datetime(2024, 1, 9, 10, 0, tzinfo=plus1),
        dt.datetime(2024, 1, 9, 10, 4, tzinfo=plus1),
        dt.datetime(2024, 1, 9, 10, 30, tzinfo=plus1),
    ]
    assert pm.timeline[1].line == 30 and pm.timeline[1].text == "Latency alert fires"
    [item] = pm.actions
    assert (item.action, item.owner, item.due, item.status, item.ticket, item.line) == (
        "Guard the flush command", "lee", "2024-02-01", "open", "OPS-1", 41
    )


def test_bullet_timeline_and_aliases(tmp_path):
    pm = load(tmp_path, """\
        ---
        title: t
        date: 2024-03-05
        timezone: "+02:00"
        ---
        ## Timeline
        - All times local.
        - 14:02 Deploy starts
        - **14:06** - Alert pages on-call
        ## Contributing factors:
        Things.
        ## Follow-ups
        - [ ] Add a canary
        - [x] Roll back
        """)
    assert [(e.raw_time, e.text) for e in pm.timeline] == [("14:02", "Deploy starts"), ("14:06", "Alert pages on-call")]
    assert pm.timeline[0].time == dt.datetime(2024, 3, 5, 14, 2, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert pm.section("Root cause").heading == "Contributing factors:"
    assert [(a.action, a.status) for a in pm.actions] == [("Add a canary", "open"), ("Roll back", "done")]


def test_broken_yaml_is_a_diagnostic_with_line(tmp_path):
    pm = load(tmp_path, "---\ntitle: ok\ntags: [a, b\nseverity: SEV1\n---\n## Summary\n")
    assert pm.failed
    [diag] = pm.diagnostics
    assert diag.rule == "load-yaml" and diag.path.endswith("2024-01-09-cache.md")
    assert diag.line in (3, 4, 5) and "not valid YAML" in diag.message


def test_non_utf8_bytes_are_a_diagnostic_with_line(tmp_path):
    path = tmp_path / "2024-01-01-latin1.md"
    path.write_bytes(b"---\ntitle: ok\n---\n## Summary\ncaf\xe9\n")
    pm = load_postmortem(path, CONFIG)
    assert pm.failed
    [diag] = pm.diagnostics
    assert (diag.rule, diag.line) == ("load-encoding", 5)
    assert "UTF-8" in diag.message


def test_unclosed_and_non_mapping_front_matter(tmp_path):
    assert load(tmp_path, "---\ntitle: x\n## Summary\n").diagnostics[0].rule == "load-front-matter"
    pm = load(tmp_path, "---\n- a\n- b\n---\nbody\n", "2024-01-01-list.md")
    assert pm.failed and "mapping" in pm.diagnostics[0].message


def test_bom_and_crlf_are_read(tmp_path):
    path = tmp_path / "2024-01-01-crlf.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: Windows\r\n---\r\n## Summary\r\nText\r\n")
    pm = load_postmortem(path, CONFIG)
    assert not pm.failed and pm.title == "Windows" and pm.sections[0].line == 4


def test_missing_file_is_a_diagnostic(tmp_path):
    pm = load_postmortem(tmp_path / "nope.md", CONFIG)
    assert pm.failed and pm.diagnostics[0].rule == "load-read"


def test_an_action_table_without_a_status_column_takes_the_status_marked_in_another_cell(tmp_path):
    pm = load(tmp_path, """\
        ---
        title: t
        date: 2015-10-21
        ---
        ## Action Items

        | Action Item | Type | Owner | Bug |
        |---|---|---|---|
        | Update the playbook | mitigate | jennifer | n/a **DONE** |
        | Balance load between clusters | prevent | martin | Bug 5554823 **TODO** |
        | Test cascading failure | process | docbrown | [in progress] |
        | Fix the descriptor leak | prevent | agoogler | Bug 5554825 |
        """)
    assert [(a.action, a.owner, a.ticket, a.status) for a in pm.actions] == [
        ("Update the playbook", "jennifer", "n/a", "done"),
        ("Balance load between clusters", "martin", "Bug 5554823", "open"),
        ("Test cascading failure", "docbrown", "", "in-progress"),
        ("Fix the descriptor leak", "agoogler", "Bug 5554825", ""),
    ]


def test_reading_bodies_together_builds_the_same_models_as_one_at_a_time(tmp_path):
    """`read_bodies` runs each step across the files; no file's model may pick up another's."""
    config = KBConfig(root=tmp_path)
    sources = sorted((REPO / "tests/fixtures/importers/understanding").glob("*.md"))
    paths = [write(tmp_path / "postmortems" / "2024-01-01-valid.md", VALID_POSTMORTEM)]
    paths += [write(tmp_path / "postmortems" / p.name, p.read_text(encoding="utf-8")) for p in sources]
    alone = [model_record(load_postmortem(p, config)) for p in paths]
    together = [load_postmortem(p, config, parse_body=False) for p in paths]
    assert all(not pm.sections and not pm.timeline for pm in together)
    read_bodies(together, config)
    assert [model_record(pm) for pm in together] == alone
    assert sum(len(record["timeline"]) for record in alone) > 20 and len({str(r["timeline"]) for r in alone}) > 3
