"""atomic.py: exclusive create, replace keeping the mode, stale temp files, the slow-write hook."""

from __future__ import annotations

import os
import stat
import time

import pytest

from postmortem_kb import atomic


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_new_writes_once_and_never_over_an_existing_file(tmp_path):
    target = tmp_path / "sub" / "2024-01-09-x.md"
    atomic.create_new(target, "first\n")
    with pytest.raises(FileExistsError):
        atomic.create_new(target, "second\n")
    assert target.read_text() == "first\n"
    assert [p.name for p in target.parent.iterdir()] == ["2024-01-09-x.md"]


def test_new_files_get_the_umask_mode_not_the_temp_files_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic.create_new(tmp_path / "a.md", "x")
        atomic.replace(tmp_path / "b.md", "x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.md") == 0o644 and mode(tmp_path / "b.md") == 0o644


def test_replace_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("old")
    target.chmod(0o600)
    atomic.replace(target, b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o600


def test_stale_temp_files_of_the_target_go_and_others_stay(tmp_path):
    target = tmp_path / "a.md"
    old_ours, fresh_ours = tmp_path / ".a.md.x1.tmp", tmp_path / ".a.md.x2.tmp"
    old_other, not_temp = tmp_path / ".b.md.x3.tmp", tmp_path / ".a.md.lock"
    long_ago = time.time() - atomic.STALE_TEMP_SECONDS - 1
    for path in (old_ours, fresh_ours, old_other, not_temp):
        path.write_text("half")
    for path in (old_ours, old_other, not_temp):
        os.utime(path, (long_ago, long_ago))
    atomic.replace(target, "new")  # without clean_stale: a bulk writer does not list the folder
    assert old_ours.exists()
    atomic.replace(target, "new", clean_stale=True)
    assert not old_ours.exists() and fresh_ours.exists() and old_other.exists() and not_temp.exists()
    old_ours.write_text("half")
    os.utime(old_ours, (long_ago, long_ago))
    with pytest.raises(FileExistsError):
        atomic.create_new(target, "again")  # create_new always cleans up first
    assert not old_ours.exists()


def test_the_slow_write_hook_still_writes_everything(tmp_path, monkeypatch):
    monkeypatch.setenv(atomic.SLOW_WRITE_ENV, "0.01")
    atomic.replace(tmp_path / "a.md", "0123456789" * 100)
    assert (tmp_path / "a.md").read_text() == "0123456789" * 100


def test_a_failed_write_leaves_no_temp_file(tmp_path, monkeypatch):
    def refuse(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", refuse)
    with pytest.raises(OSError):
        atomic.replace(tmp_path / "a.md", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_the_folder_should_be_is_not_a_taken_name(tmp_path):
    (tmp_path / "postmortems").write_text("a file")
    with pytest.raises(NotADirectoryError):
        atomic.create_new(tmp_path / "postmortems" / "a.md", "x")
