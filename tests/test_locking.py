"""locking.py: one holder at a time, a timeout that says so, no lock file left behind."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from postmortem_kb.locking import LockTimeout, exclusive_lock, lock_path_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")


def test_the_lock_file_is_a_dot_file_beside_the_target_and_is_removed(tmp_path):
    target = tmp_path / "2024-01-09-x.md"
    with exclusive_lock(target) as lock:
        assert lock == lock_path_for(target) == tmp_path / ".2024-01-09-x.md.lock" and lock.exists()
    assert not lock.exists()


def test_a_second_holder_waits_and_times_out_with_the_lock_named(tmp_path):
    target = tmp_path / "x.md"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; from postmortem_kb.locking import exclusive_lock\n"
        "with exclusive_lock(Path(sys.argv[1])):\n    print('locked', flush=True); sys.stdin.read()"),
        str(target)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(LockTimeout) as caught:
            with exclusive_lock(target, timeout=0.3):
                pass
        assert 0.3 <= time.monotonic() - started < 5
        assert caught.value.lock_path == lock_path_for(target) and "0.3 s" in str(caught.value)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with exclusive_lock(target, timeout=1):
        pass


def test_holders_follow_one_another_even_as_lock_files_come_and_go(tmp_path):
    """Threads stand in for processes here: flock locks belong to open files, not to processes."""
    target = tmp_path / "x.md"
    inside, overlaps = [0], []

    def work():
        for _ in range(20):
            with exclusive_lock(target, timeout=30):
                inside[0] += 1
                overlaps.append(inside[0])
                time.sleep(0.001)
                inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(overlaps) == 80 and max(overlaps) == 1
    assert list(tmp_path.iterdir()) == []
