"""Writers killed with SIGKILL at random moments leave the old file or the new one, never a part.

Each command runs as a real process. POSTMORTEM_KB_TEST_SLOW_WRITE (atomic.py)
pauses it halfway through writing its temporary file, which widens the
moment a random kill can land mid-write; the "mid-write" tests wait for
the half-written temporary file to appear and kill the process right then.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from robustness.reliability_cases import covers
from robustness.robust_helpers import PYTHON, cli_env, postmortem, wait_for

from conftest import VALID_POSTMORTEM, write
from postmortem_kb.markdown_text import md_text
from postmortem_kb.atomic import SLOW_WRITE_ENV, STALE_TEMP_SECONDS
from postmortem_kb.config import load_config
from postmortem_kb.kb import load_knowledge_base, postmortem_files
from postmortem_kb.loader import load_postmortem

ROUNDS = 8
PM_ID = "2024-01-09-cache-stampede"
# A seed per run, printed with any failure, so a failing schedule can be replayed.
SEED = int(os.environ.get("ROBUSTNESS_SEED") or random.SystemRandom().randrange(1 << 30))

NEW_ARGS = ["new", "Killed while writing", "--no-input", "--date", "2024-03-05", "--severity", "SEV2",
            "--author", "lee", "--tag", "cache"]
NEW_TARGET = "postmortems/2024-03-05-killed-while-writing.md"
POST = """\
# Search outage

All times in UTC.

## What happened

The index rebuild ran out of disk; searches failed for 40 minutes.

## Timeline

- 2022-11-03 09:00 Rebuild starts
- 09:40 Disk full alert

## Follow-ups

- Add a disk check before the rebuild
"""
IMPORT_TARGET = "postmortems/2022-11-03-search-outage.md"


def start(kb: Path, args: list[str], pause: float) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-m", "postmortem_kb", *args], cwd=kb, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=cli_env(**{SLOW_WRITE_ENV: str(pause)}))


def temp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def finished_bytes(tmp_path: Path, kb: Path, args: list[str], target: str) -> tuple[bytes, float]:
    """What the command writes when nobody kills it, and how long it takes, in a copy of the knowledge base."""
    copy = tmp_path / "reference"
    shutil.copytree(kb, copy, symlinks=True)
    started = time.monotonic()
    result = postmortem(copy, *args)
    assert result.returncode == 0, result.stderr
    return (copy / target).read_bytes(), time.monotonic() - started


def kill_at_random(kb: Path, args: list[str], target: Path, reset, allowed: dict[bytes | None, str],
                   rng: random.Random, lifetime: float) -> Counter:
    """Run `args` ROUNDS times, each killed after a random delay; the target must be in `allowed` after each.

    The delays spread over the second half of an unkilled run's `lifetime`
    (the first is Python starting up) and the pause of the slowed write.
    """
    outcomes: Counter = Counter()
    for round_ in range(ROUNDS):
        reset()
        delay = rng.uniform(0.5 * lifetime, lifetime + 0.1)
        process = start(kb, args, pause=0.05)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            pass
        process.kill()
        _, err = process.communicate(timeout=30)
        state = target.read_bytes() if target.exists() else None
        assert state in allowed, (
            f"seed {SEED}, round {round_}: killed after {delay:.3f} s, the target is "
            f"{'missing' if state is None else f'{len(state)} bytes'}: neither old nor complete. {err!r}")
        outcomes[allowed[state]] += 1
    return outcomes


def kill_mid_write(kb: Path, args: list[str], folder: Path, expected_size: int) -> Path:
    """Start `args`, wait until its temporary file is half written, kill it; return the temp file."""
    before = set(temp_files(folder))
    process = start(kb, args, pause=30)
    try:
        def half_written():
            fresh = [p for p in temp_files(folder) if p not in before]
            return fresh and fresh[0].stat().st_size >= expected_size // 2
        assert wait_for(half_written, timeout=60), process.stderr
    finally:
        process.kill()
        process.communicate(timeout=30)
    [temp] = [p for p in temp_files(folder) if p not in before]
    assert temp.name.startswith(".") and 0 < temp.stat().st_size < expected_size
    return temp


def assert_ignored(kb: Path, temp: Path) -> None:
    """A leftover temp file is no postmortem to any face."""
    assert temp not in postmortem_files(kb / "postmortems")
    kb_model = load_knowledge_base(kb)
    assert all(pm.path != temp for pm in kb_model.postmortems) and not kb_model.load_errors()


@covers("killed-new")
def test_new_killed_at_random_moments_leaves_no_file_or_the_complete_one(kb, tmp_path):
    target = kb / NEW_TARGET
    complete, lifetime = finished_bytes(tmp_path, kb, NEW_ARGS, NEW_TARGET)
    outcomes = kill_at_random(kb, NEW_ARGS, target, lambda: target.unlink(missing_ok=True),
                              {None: "absent", complete: "complete"}, random.Random(SEED), lifetime)
    assert sum(outcomes.values()) == ROUNDS, outcomes

    target.unlink(missing_ok=True)
    temp = kill_mid_write(kb, NEW_ARGS, kb / "postmortems", len(complete))
    assert not target.exists()
    assert_ignored(kb, temp)
    # The next run is not hindered by the leftover, and writes the whole file.
    assert postmortem(kb, *NEW_ARGS).returncode == 0
    assert target.read_bytes() == complete


@covers("killed-import")
def test_import_killed_at_random_moments_leaves_no_file_or_the_complete_one(kb, tmp_path):
    source = write(tmp_path / "old-blog" / "2022-11-03-search-outage.md", POST)
    args = ["import", str(source)]
    target = kb / IMPORT_TARGET
    complete, lifetime = finished_bytes(tmp_path, kb, args, IMPORT_TARGET)
    assert b"Add a disk check before the rebuild" in complete
    outcomes = kill_at_random(kb, args, target, lambda: target.unlink(missing_ok=True),
                              {None: "absent", complete: "complete"}, random.Random(SEED + 1), lifetime)
    assert sum(outcomes.values()) == ROUNDS, outcomes

    target.unlink(missing_ok=True)
    temp = kill_mid_write(kb, args, kb / "postmortems", len(complete))
    assert not target.exists()
    assert_ignored(kb, temp)


@covers("killed-timeline-import")
def test_timeline_import_killed_at_random_moments_leaves_the_old_file_or_the_new_one(kb, tmp_path):
    old = VALID_POSTMORTEM.encode()
    target = kb / f"postmortems/{PM_ID}.md"
    target.write_bytes(old)
    export = write(tmp_path / "events.csv", "time,event\n" + "".join(
        f"2024-01-09 10:{minute:02d},Killed-run event {minute}\n" for minute in range(10, 40)))
    args = ["timeline", "import", PM_ID, "--from", "csv", str(export)]
    complete, lifetime = finished_bytes(tmp_path, kb, args, f"postmortems/{PM_ID}.md")
    outcomes = kill_at_random(kb, args, target, lambda: target.write_bytes(old),
                              {old: "old", complete: "complete"}, random.Random(SEED + 2), lifetime)
    assert sum(outcomes.values()) == ROUNDS, outcomes

    target.write_bytes(old)
    temp = kill_mid_write(kb, args, kb / "postmortems", len(complete))
    assert target.read_bytes() == old
    assert_ignored(kb, temp)
    # The lock died with the process: the next import goes through at once.
    started = time.monotonic()
    result = postmortem(kb, *args, "--wait", "5")
    assert result.returncode == 0 and time.monotonic() - started < 5, result.stderr
    assert target.read_bytes() == complete
    pm = load_postmortem(target, load_config(kb))
    assert not pm.failed and sum(e.text.startswith(md_text("Killed-run event")) for e in pm.timeline) == 30


def test_stale_temp_files_are_removed_by_the_next_write_and_fresh_ones_kept(kb, tmp_path):
    target = write(kb / f"postmortems/{PM_ID}.md", VALID_POSTMORTEM)
    folder = kb / "postmortems"
    stale = folder / f".{PM_ID}.md.abc123.tmp"
    fresh = folder / f".{PM_ID}.md.def456.tmp"
    other = folder / ".2020-01-01-other.md.ghi789.tmp"  # another file's: not ours to judge
    for path in (stale, fresh, other):
        path.write_bytes(b"---\ntitle: half")
    long_ago = time.time() - STALE_TEMP_SECONDS - 60
    for path in (stale, other):
        os.utime(path, (long_ago, long_ago))
    export = write(tmp_path / "events.csv", "time,event\n2024-01-09 10:10,One more\n")
    result = postmortem(kb, "timeline", "import", PM_ID, "--from", "csv", str(export))
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and fresh.exists() and other.exists()
    assert "One more" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [".2024-01-09-x.md.k2j3.tmp", ".2024-01-09-x.md.lock", "2024-01-09-x.md.tmp"])
def test_the_loader_never_reads_temp_or_lock_files(kb, name):
    write(kb / "postmortems" / name, "---\ntitle: [broken\n")
    write(kb / f"postmortems/{PM_ID}.md", VALID_POSTMORTEM)
    assert [p.name for p in postmortem_files(kb / "postmortems")] == [f"{PM_ID}.md"]
    result = postmortem(kb, "lint")
    assert "in 1 file" in result.stdout and name not in result.stdout
