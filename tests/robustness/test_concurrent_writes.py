"""Two writers at once, as real processes released together by a start gate."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from robustness.reliability_cases import BY_ID, NEW, TIMELINE, covers
from robustness.robust_helpers import PYTHON, cli_env, postmortem, snapshot, start_together, wait_for

from conftest import VALID_POSTMORTEM, write
from postmortem_kb.config import load_config
from postmortem_kb.loader import load_postmortem

PM_ID = "2024-01-09-cache-stampede"
ROUNDS = 4


@covers("two-new-same-title")
def test_two_new_with_one_title_at_once_make_one_file_and_one_clear_error(kb, tmp_path):
    case = BY_ID["two-new-same-title"]
    for round_ in range(ROUNDS):
        title = f"Racing title {round_}"
        args = ["new", title, "--no-input", "--date", "2024-03-05", "--severity", "SEV2", "--author", "lee"]
        first, second = start_together(kb, tmp_path / f"gate-{round_}", args, args)
        codes = sorted([first.returncode, second.returncode])
        assert " and ".join(map(str, codes)) == case.exit_code(NEW), (first.stderr, second.stderr)
        loser = first if first.returncode else second
        assert case.matches(loser.stderr) and "Traceback" not in loser.stderr, loser.stderr
        created = sorted(p.name for p in (kb / "postmortems").iterdir() if f"racing-title-{round_}" in p.name)
        assert created == [f"2024-03-05-racing-title-{round_}.md"]
        pm = load_postmortem(kb / "postmortems" / created[0], load_config(kb))
        assert not pm.failed and pm.title == title and pm.section("Lessons learned") is not None
    # Neither left a temporary file behind.
    assert sorted(p.name for p in (kb / "postmortems").iterdir()) == [
        f"2024-03-05-racing-title-{n}.md" for n in range(ROUNDS)]


def csv_export(path, hour: int, label: str, count: int):
    rows = "".join(f"2024-01-09 {hour:02d}:{minute:02d},{label} event {minute}\n" for minute in range(count))
    return write(path, "time,event\n" + rows)


@covers("two-timeline-imports")
def test_two_timeline_imports_at_once_both_land_every_row_once(kb, tmp_path):
    case = BY_ID["two-timeline-imports"]
    pm_file = write(kb / f"postmortems/{PM_ID}.md", VALID_POSTMORTEM)
    config = load_config(kb)
    original = [(e.raw_time, e.text) for e in load_postmortem(pm_file, config).timeline]
    for round_ in range(ROUNDS):
        ours = csv_export(tmp_path / f"a-{round_}.csv", 10, f"A{round_}", 20)
        theirs = csv_export(tmp_path / f"b-{round_}.csv", 11, f"B{round_}", 20)
        results = start_together(kb, tmp_path / f"gate-{round_}",
                                 ["timeline", "import", PM_ID, "--from", "csv", str(ours)],
                                 ["timeline", "import", PM_ID, "--from", "csv", str(theirs)])
        assert " and ".join(str(r.returncode) for r in results) == case.exit_code(TIMELINE), results
        for result in results:
            assert "added 20 row(s)" in result.stdout
        pm = load_postmortem(pm_file, config)
        texts = [e.text for e in pm.timeline]
        for label in (f"A{round_}", f"B{round_}"):
            for minute in range(20):
                assert texts.count(f"{label} event {minute}") == 1, (label, minute)
        assert len(texts) == len(original) + 40 * (round_ + 1)
        times = [e.time for e in pm.timeline]
        assert None not in times and times == sorted(times)
    # The original rows are still there, as they were, and no lock or temp file is left.
    kept = {text for _, text in original}
    assert [(e.raw_time, e.text) for e in load_postmortem(pm_file, config).timeline if e.text in kept] == original
    assert sorted(p.name for p in (kb / "postmortems").iterdir()) == [f"{PM_ID}.md"]


# Holds the postmortem's lock until its stdin closes.
HOLD_LOCK = """
import sys
from pathlib import Path
from postmortem_kb.locking import exclusive_lock
with exclusive_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


@covers("timeline-lock-held")
def test_timeline_import_waits_then_fails_clearly_when_the_lock_stays_held(kb, tmp_path):
    case = BY_ID["timeline-lock-held"]
    pm_file = write(kb / f"postmortems/{PM_ID}.md", VALID_POSTMORTEM)
    export = csv_export(tmp_path / "events.csv", 10, "late", 3)
    holder = subprocess.Popen([PYTHON, "-c", HOLD_LOCK, str(pm_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env=cli_env())
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = snapshot(kb)
        started = time.monotonic()
        result = postmortem(kb, "timeline", "import", PM_ID, "--from", "csv", str(export), "--wait", "1")
        waited = time.monotonic() - started
        assert result.returncode == case.exit_code(TIMELINE), result.stderr
        assert case.matches(result.stderr) and "Traceback" not in result.stderr, result.stderr
        assert waited >= 1
        assert snapshot(kb) == before
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    # Released: the same import now goes through, and the lock file is gone.
    result = postmortem(kb, "timeline", "import", PM_ID, "--from", "csv", str(export), "--wait", "1")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (kb / "postmortems").iterdir()) == [f"{PM_ID}.md"]


def test_a_killed_lock_holder_never_blocks_the_next_import(kb, tmp_path):
    pm_file = write(kb / f"postmortems/{PM_ID}.md", VALID_POSTMORTEM)
    holder = subprocess.Popen([PYTHON, "-c", HOLD_LOCK, str(pm_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env=cli_env())
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=30)
    # The kill left the lock file (nobody unlinked it), but no lock on it.
    assert wait_for((kb / "postmortems" / f".{PM_ID}.md.lock").exists, timeout=1)
    export = csv_export(tmp_path / "events.csv", 10, "after", 2)
    result = postmortem(kb, "timeline", "import", PM_ID, "--from", "csv", str(export), "--wait", "1")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (kb / "postmortems").iterdir()) == [f"{PM_ID}.md"]


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_the_lock_is_taken_in_turn_by_many_processes(tmp_path):
    """Eight processes each add one line under the lock, a read-modify-write with a pause: none is lost."""
    target = write(tmp_path / "counter.md", "")
    script = """
import sys, time
from pathlib import Path
from postmortem_kb.locking import exclusive_lock
path = Path(sys.argv[1])
with exclusive_lock(path):
    text = path.read_text()
    time.sleep(0.02)
    path.write_text(text + sys.argv[2] + "\\n")
"""
    processes = [subprocess.Popen([PYTHON, "-c", script, str(target), str(n)], env=cli_env()) for n in range(8)]
    assert [p.wait(timeout=60) for p in processes] == [0] * 8
    assert sorted(target.read_text().split()) == [str(n) for n in range(8)]
    assert [p.name for p in tmp_path.iterdir()] == ["counter.md"]
