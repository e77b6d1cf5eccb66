"""Lint's content-hash cache and --jobs: reused only while nothing a finding depends on has changed."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, write
from lint_helpers import CLEAN, CLEAN_NAME, by_rule
from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.lint.cache import CACHE_FILE, CACHE_FOLDER
from postmortem_kb.lint.engine import lint_paths

sys.path.insert(0, str(REPO / "bench"))
from generate_corpus import generate  # noqa: E402

TODAY = dt.date(2025, 6, 1)
OTHER = "2024-02-02-other.md"


def run(root: Path, today: dt.date = TODAY, **options):
    options.setdefault("use_cache", True)
    return lint_paths([], load_config(root), today, **options)


def as_dicts(report) -> list[dict]:
    return [f.as_dict() for f in report.findings]


@pytest.fixture
def two_files(kb):
    write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    write(kb / "postmortems" / OTHER, CLEAN.replace("Cache stampede", "Other incident"))
    return kb


def test_a_second_run_answers_every_unchanged_file_from_the_cache(two_files):
    first = run(two_files)
    assert first.cached == 0
    assert (two_files / CACHE_FOLDER / CACHE_FILE).is_file()
    second = run(two_files)
    assert second.cached == 2 and as_dicts(second) == as_dicts(first)


def test_a_changed_file_is_linted_again_and_its_new_finding_reported(two_files):
    run(two_files)
    path = two_files / "postmortems" / CLEAN_NAME
    path.write_text(CLEAN.replace("severity: SEV2", "severity: SEV9"), encoding="utf-8")
    report = run(two_files)
    assert report.cached == 1, "only the other file is still the same"
    assert [f["line"] for f in by_rule(as_dicts(report), "severity-value")] == [4]
    # A change that keeps the file's length and most of its bytes is still a change.
    path.write_text(CLEAN.replace("severity: SEV2", "severity: SEV8"), encoding="utf-8")
    assert "SEV8" in by_rule(as_dicts(run(two_files)), "severity-value")[0]["message"]


def test_a_config_change_invalidates_every_entry(two_files):
    run(two_files)
    (two_files / "postmortem-kb.yml").write_text("rules:\n  front-matter-recommended: off\n  blame-language: error\n",
                                                 encoding="utf-8")
    path = two_files / "postmortems" / OTHER
    path.write_text(CLEAN.replace("Flushing the whole cache", "Human error: flushing the whole cache"), encoding="utf-8")
    assert run(two_files).cached == 0
    path.write_text(CLEAN.replace("Flushing the whole cache", "Human error: flushing the whole cache"), encoding="utf-8")
    (two_files / "postmortem-kb.yml").write_text("rules:\n  blame-language: warning\n", encoding="utf-8")
    report = run(two_files)
    assert report.cached == 0
    assert [f["severity"] for f in by_rule(as_dicts(report), "blame-language")] == ["warning"]


def test_a_new_tool_version_or_a_new_day_invalidates_every_entry(two_files, monkeypatch):
    import postmortem_kb

    run(two_files)
    assert run(two_files).cached == 2
    monkeypatch.setattr(postmortem_kb, "__version__", "999.0.0")
    assert run(two_files).cached == 0
    assert run(two_files).cached == 2
    # Overdue depends on the day: yesterday's findings are not today's.
    due = CLEAN.replace("2099-02-01", "2025-06-15")
    (two_files / "postmortems" / CLEAN_NAME).write_text(due, encoding="utf-8")
    assert by_rule(as_dicts(run(two_files, today=TODAY)), "action-overdue") == []
    later = run(two_files, today=dt.date(2025, 7, 1))
    assert later.cached == 0 and len(by_rule(as_dicts(later), "action-overdue")) == 1


def test_related_ids_are_checked_against_the_files_of_this_run(two_files):
    path = two_files / "postmortems" / CLEAN_NAME
    path.write_text(CLEAN.replace("related: []", "related: [2024-02-02-other]"), encoding="utf-8")
    assert by_rule(as_dicts(run(two_files)), "related-exists") == []
    # A file that has nothing to do with it leaves the entry valid ...
    write(two_files / "postmortems" / "2024-03-03-third.md", CLEAN.replace("Cache stampede", "Third"))
    assert run(two_files).cached == 2
    # ... but the id it names going away does not.
    (two_files / "postmortems" / OTHER).unlink()
    report = run(two_files)
    assert report.cached == 1, "the third file is unchanged and names no id"
    assert len(by_rule(as_dicts(report), "related-exists")) == 1


def test_a_missing_id_is_rechecked_when_any_file_comes_or_goes(two_files):
    path = two_files / "postmortems" / CLEAN_NAME
    path.write_text(CLEAN.replace("related: []", "related: [2024-02-02-othr]"), encoding="utf-8")
    first = by_rule(as_dicts(run(two_files)), "related-exists")
    assert len(first) == 1 and "2024-02-02-other" in first[0]["message"], "did you mean"
    write(two_files / "postmortems" / "2024-02-02-othr.md", CLEAN.replace("Cache stampede", "Now it exists"))
    report = run(two_files)
    assert by_rule(as_dicts(report), "related-exists") == []


def test_collection_problems_are_reported_on_cached_runs_too(two_files):
    write(two_files / "postmortems" / "sub" / CLEAN_NAME, CLEAN)
    first = run(two_files)
    second = run(two_files)
    assert second.cached == 3
    assert len(by_rule(as_dicts(second), "duplicate-id")) == 1 and as_dicts(second) == as_dicts(first)


def payload(cache: Path) -> dict:
    """The cache's JSON document, after the line that signs it."""
    return json.loads(cache.read_bytes().partition(b"\n")[2])


def signed(cache: Path, document: dict) -> None:
    from postmortem_kb.cache_trust import sign

    text = json.dumps(document)
    cache.write_text(sign(text.encode()) + "\n" + text, encoding="utf-8")


def test_a_corrupt_or_foreign_cache_is_ignored_and_replaced(two_files, runner):
    expected = as_dicts(run(two_files, use_cache=False))
    cache = two_files / CACHE_FOLDER / CACHE_FILE
    for garbage in (b"\xff\x00 not json", b"[]", json.dumps({"identity": "x", "files": 3}).encode(),
                    b'{"identity": null, "files": {"a": {"digest": 1}}}'):
        write(cache, "")
        cache.write_bytes(garbage)
        report = run(two_files)
        assert report.cached == 0 and as_dicts(report) == expected
        assert payload(cache)["files"], "rewritten"
    # An entry of the right identity but the wrong shape is a miss, not a
    # crash, even when it is signed with this user's key.
    data = payload(cache)
    for entry in data["files"].values():
        entry["findings"] = [["not", "a", "finding"]]
    signed(cache, data)
    assert as_dicts(run(two_files)) == expected
    data = payload(cache)
    for entry in data["files"].values():
        entry["findings"] = [[1, 1, "secret", "fatal", "a severity lint never gives"]]
    signed(cache, data)
    assert as_dicts(run(two_files)) == expected
    assert list(cache.parent.glob("*.tmp")) == [], "written atomically, nothing left behind"


def test_no_cache_neither_reads_nor_writes(two_files, runner):
    result = runner.invoke(main, ["lint", "--no-cache", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert not (two_files / CACHE_FOLDER).exists()
    runner.invoke(main, ["lint"])
    assert (two_files / CACHE_FOLDER / CACHE_FILE).is_file()


def lint_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "postmortem_kb", "--root", str(root), "lint", *args],
                          cwd=root, capture_output=True, text=True, timeout=300)


def test_jobs_give_the_same_output_as_one_process(tmp_path):
    """A real forked pool over a corpus with broken files: the same findings, in the same order."""
    (tmp_path / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
    generate(tmp_path / "postmortems", 120, seed=5, broken_ratio=0.2)
    serial = lint_cli(tmp_path, "--jobs", "1", "--no-cache", "--format", "json")
    pooled = lint_cli(tmp_path, "--jobs", "3", "--no-cache", "--format", "json")
    assert serial.returncode == pooled.returncode == 1, serial.stderr
    assert "Traceback" not in pooled.stderr
    assert json.loads(serial.stdout) and pooled.stdout == serial.stdout
    text_serial = lint_cli(tmp_path, "--jobs", "1", "--no-cache", "--color", "never")
    assert lint_cli(tmp_path, "--jobs", "2", "--color", "never").stdout == text_serial.stdout
    cached = lint_cli(tmp_path, "--jobs", "2", "--color", "never")
    assert cached.stdout == text_serial.stdout, "and the same again from the cache"


def test_jobs_must_be_positive(kb, runner):
    assert runner.invoke(main, ["lint", "--jobs", "0"]).exit_code == 2
