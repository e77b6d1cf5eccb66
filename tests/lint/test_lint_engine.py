"""The lint command end to end: exit codes, config, rule levels, collection problems."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

from conftest import REPO, VALID_POSTMORTEM, write
from lint_helpers import CLEAN, CLEAN_NAME, by_rule, line_of, lint_json, lint_text
from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.lint import engine
from postmortem_kb.lint.cache import CACHE_FILE, CACHE_FOLDER
from postmortem_kb.lint.engine import Linter
from postmortem_kb.loader import load_postmortem

sys.path.insert(0, str(REPO / "bench"))
from generate_corpus import generate  # noqa: E402


def test_clean_postmortem_has_no_findings(kb):
    assert lint_text(kb, CLEAN) == (0, [])


def test_shared_valid_postmortem_has_no_errors(kb):
    code, findings = lint_text(kb, VALID_POSTMORTEM, "2024-01-09-cache.md")
    assert code == 0 and findings and {f["severity"] for f in findings} == {"warning"}


def test_each_finding_is_located_and_typed(kb):
    text = CLEAN.replace("severity: SEV2", "severity: SEV9").replace("status: published\n", "")
    text = text.replace("| 10:04 |", "| soon |").replace("## Impact", "## Effects")
    code, findings = lint_text(kb, text)
    assert code == 1
    assert all(set(f) == {"path", "line", "column", "rule", "severity", "message"} for f in findings)
    rules = {f["rule"]: f for f in findings}
    assert rules["severity-value"]["line"] == 4 and "SEV9" in rules["severity-value"]["message"]
    assert "`status`" in rules["front-matter-required"]["message"]
    assert "Impact" in rules["section-required"]["message"]
    assert rules["timeline-time"]["line"] == line_of(text, "| soon |") and "'soon'" in rules["timeline-time"]["message"]
    assert {f["path"] for f in findings} == {f"postmortems/{CLEAN_NAME}"}


def test_aliases_satisfy_required_sections(kb):
    text = CLEAN.replace("## Root cause", "## Contributing Factors:").replace("## Action items", "## Follow-ups")
    assert lint_text(kb, text) == (0, [])


def test_text_format_exit_codes_and_summary(kb, runner):
    path = write(kb / "postmortems" / CLEAN_NAME, CLEAN.replace("SEV2", "SEV0"))
    result = runner.invoke(main, ["lint", str(path)])
    assert result.exit_code == 1
    assert f"postmortems/{CLEAN_NAME}:4:1: error severity-value" in result.output
    assert "1 error, 0 warnings in 1 file" in result.output
    assert runner.invoke(main, ["lint", "does-not-exist.md"]).exit_code == 2
    assert runner.invoke(main, ["lint", "--format", "xml"]).exit_code == 2


def test_warnings_alone_exit_zero(kb):
    code, findings = lint_text(kb, CLEAN.replace("2099-02-01", "2020-02-01"))
    assert code == 0 and [f["rule"] for f in findings] == ["action-overdue"]


def test_config_error_exits_2_naming_the_key(kb, runner):
    write(kb / "postmortem-kb.yml", "severities: SEV1\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2 and "severities" in result.output
    write(kb / "postmortem-kb.yml", "rules:\n  no-such-rule: off\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2 and "rules.no-such-rule" in result.output
    write(kb / "postmortem-kb.yml", "rules:\n  secrets: off\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2 and "rules.secrets" in result.output and "did you mean `secret`" in result.output


def test_rule_can_be_turned_off_or_downgraded(kb):
    bad = CLEAN.replace("SEV2", "SEV0")
    code, findings = lint_text(kb, bad, config="rules:\n  severity-value: warning\n")
    assert code == 0 and [(f["rule"], f["severity"]) for f in findings] == [("severity-value", "warning")]
    # A bare `off` is YAML's false; it still means off.
    assert lint_text(kb, bad, config="rules:\n  severity-value: off\n") == (0, [])


def test_default_config_works_without_a_file(kb):
    assert not (kb / "postmortem-kb.yml").exists()
    assert lint_text(kb, CLEAN)[0] == 0


def test_folder_argument_and_duplicate_ids(kb, tmp_path):
    write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    write(kb / "postmortems" / "2024" / CLEAN_NAME, CLEAN)
    code, findings = lint_json("postmortems")
    assert code == 1
    assert [f["path"] for f in by_rule(findings, "duplicate-id")] == [f"postmortems/{CLEAN_NAME}"]


def test_files_that_cannot_load_are_reported_not_dropped(kb):
    write(kb / "postmortems/2024-01-01-yaml.md", "---\ntitle: [unclosed\n---\n## Summary\n")
    (kb / "postmortems/2024-01-02-bytes.md").write_bytes(b"---\ntitle: x\n---\n\xff\xfe\n")
    code, findings = lint_json()
    assert code == 1
    rules = {(Path(f["path"]).name, f["rule"]) for f in findings}
    assert rules == {("2024-01-01-yaml.md", "load-yaml"), ("2024-01-02-bytes.md", "load-encoding")}


# -- batches ----------------------------------------------------------------


def _knowledge_base_of_many_shapes(root: Path) -> Path:
    """More files than three batches: generated ones (a quarter broken) and the cases whose
    findings depend on more than the file itself: ids asked about, another file read,
    inline suppressions, a secret."""
    folder = root / "postmortems"
    folder.mkdir(parents=True)
    (root / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
    generate(folder, 44, seed=11, broken_ratio=0.25)
    original = CLEAN_NAME.removesuffix(".md")
    write(folder / CLEAN_NAME, CLEAN)
    write(folder / "2024-02-02-related.md", CLEAN.replace("Cache stampede", "Related").replace(
        "related: []", f"related: [{original}, 2024-02-02-nowhere]"))
    write(folder / "2024-02-03-secret.md", CLEAN.replace("Cache stampede", "Secret").replace(
        "Logins were slow for 30 minutes.", "Logins were slow; the key AKIAIOSFODNN7EXAMPLE leaked."))
    write(folder / "2024-02-04-suppressed.md", CLEAN.replace("Cache stampede", "Suppressed").replace(
        "Logins were slow for 30 minutes.", "The operator forgot the flag.").replace(
        "## Summary", "<!-- postmortem-lint disable blame-language -->\n<!-- postmortem-lint disable no-such-rule -->"
                      "\n<!-- postmortem-lint disable placeholder-text -->\n\n## Summary"))
    write(folder / "2024-01-09-cache-stampede-de.md", CLEAN.replace(
        "Cache stampede on the session store", "Cache-Ansturm").replace(
        "related: []", f"related: []\nlang: de\ntranslation_of: {original}"))
    copy = root.parent / (root.name + "-copy")
    shutil.copytree(root, copy)
    return copy


def _cache_files(root: Path) -> dict:
    payload = (root / CACHE_FOLDER / CACHE_FILE).read_text(encoding="utf-8").split("\n", 1)[1]
    entries = json.loads(payload)["files"]
    for entry in entries.values():  # the files an entry read, named apart from where the copy lives
        entry["files"] = {Path(path).name: digest for path, digest in entry["files"].items()}
    return entries


def test_batches_give_every_file_the_findings_and_cache_entry_it_gets_alone(tmp_path, monkeypatch):
    """Rules run across a batch of files, but each file's findings, the ids it asked about
    and the files it read stay its own: the same as linting one file at a time."""
    root = tmp_path / "kb"
    copy = _knowledge_base_of_many_shapes(root)
    today = dt.date(2025, 6, 1)
    batched = engine.lint_paths([], load_config(root), today, use_cache=True)
    size = engine.BATCH_FILES
    monkeypatch.setattr(engine, "BATCH_FILES", 1)
    alone = engine.lint_paths([], load_config(copy), today, use_cache=True)

    assert batched.files > 3 * size and len(batched.findings) > 50
    relative = [(Path(f.path).name, f.line, f.column, f.rule, f.message) for f in batched.findings]
    assert relative == [(Path(f.path).name, f.line, f.column, f.rule, f.message) for f in alone.findings]
    rules = {rule for _, _, _, rule, _ in relative}
    assert {"secret", "related-exists", "translation-stale", "bad-suppression", "unused-suppression",
            "load-encoding", "front-matter-type"} <= rules
    assert not [f for f in relative if f[0] == "2024-02-04-suppressed.md" and f[3] == "blame-language"]
    entries, alone_entries = _cache_files(root), _cache_files(copy)
    assert entries == alone_entries
    assert entries["postmortems/2024-02-02-related.md"]["asked"] == {
        CLEAN_NAME.removesuffix(".md"): True, "2024-02-02-nowhere": False}
    assert entries["postmortems/2024-01-09-cache-stampede-de.md"]["files"], "the translation read its original"
    assert not any(entry.get("files") for key, entry in entries.items() if "-de.md" not in key)


def test_a_batch_checks_each_postmortem_with_its_own_facts(kb):
    blaming = CLEAN.replace("Logins were slow for 30 minutes.", "The operator forgot the flag.")
    paths = [write(kb / "postmortems" / name, text) for name, text in (
        ("2024-01-01-a.md", CLEAN), ("2024-01-02-b.md", blaming), ("2024-01-03-c.md", CLEAN))]
    config = load_config(kb)
    linter = Linter(config, {p.stem for p in paths})
    pms = [load_postmortem(p, config) for p in paths]
    batch = linter.lint_batch([(pm, str(p)) for pm, p in zip(pms, paths)])
    assert batch == [Linter(config, {p.stem for p in paths}).lint(pm, str(p)) for pm, p in zip(pms, paths)]
    assert [bool(by_rule([f.as_dict() for f in found], "blame-language")) for found in batch] == [False, True, False]
    assert all(f.path == str(p) for found, p in zip(batch, paths) for f in found)
