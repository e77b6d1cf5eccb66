"""A write that cannot happen (no folder, no lock file) is a clear error, and changes nothing."""

from __future__ import annotations

from robustness.robust_helpers import postmortem, snapshot

from conftest import VALID_POSTMORTEM, write


def test_new_into_a_postmortems_folder_that_is_a_file_says_so(kb):
    write(kb / "postmortem-kb.yml", "postmortems_dir: notes.txt\n")
    write(kb / "notes.txt", "not a folder")
    before = snapshot(kb)
    result = postmortem(kb, "new", "Some outage", "--no-input", "--date", "2024-03-05")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "notes.txt: Not a directory); nothing was written" in result.stderr
    assert "already exists" not in result.stderr
    assert snapshot(kb) == before


def test_timeline_import_that_cannot_take_its_lock_writes_nothing(kb, tmp_path):
    target = write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    (kb / "postmortems/.2024-01-09-cache-stampede.md.lock").mkdir()  # something else holds the name
    export = write(tmp_path / "events.csv", "time,event\n2024-01-09 10:10,One more\n")
    result = postmortem(kb, "timeline", "import", "2024-01-09-cache-stampede", "--from", "csv", str(export))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "cannot write beside the postmortem" in result.stderr and "nothing written" in result.stderr
    assert target.read_text(encoding="utf-8") == VALID_POSTMORTEM
