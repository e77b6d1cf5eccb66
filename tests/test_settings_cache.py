"""The settings cache: start-up without PyYAML or jsonschema, and never a stale, planted or unvalidated setting."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write
from postmortem_kb.cli import main
from postmortem_kb.config import SETTINGS_CACHE, ConfigError, SettingsCache, load_config

# Built at run time so that secret scanners reading this repository do not flag the test itself.
AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"
LEAKY = f"""\
---
title: Leaked key
date: 2024-01-09
severity: SEV2
status: draft
authors: [lee]
tags: [cache]
---

## Summary

We pasted `{AWS_KEY}` into the channel.
"""


@pytest.fixture(autouse=True)
def user_cache(tmp_path, monkeypatch) -> Path:
    """This user's cache folder (where the signing key lives), away from the real one."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def entry(root: Path) -> dict:
    """The cached document: a signature line, then the JSON payload."""
    return json.loads((root / SETTINGS_CACHE).read_bytes().partition(b"\n")[2])


def plant(root: Path, settings: object, signing_key: bytes | None = None) -> None:
    """What an attacker can write: an entry under the right key (anyone can compute it), signed without our key."""
    raw = (root / "postmortem-kb.yml").read_bytes()
    payload = json.dumps({"key": SettingsCache.entry_key(raw), "settings": settings}, sort_keys=True).encode()
    mac = hmac.new(signing_key or os.urandom(32), payload, hashlib.blake2b).hexdigest()
    (root / SETTINGS_CACHE).parent.mkdir(parents=True, exist_ok=True)
    (root / SETTINGS_CACHE).write_bytes(mac.encode() + b"\n" + payload)


def test_a_valid_config_is_remembered_and_read_back_the_same(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P2]\nrules:\n  blame-language: off\n")
    first = load_config(tmp_path)
    assert (tmp_path / SETTINGS_CACHE).is_file()
    second = load_config(tmp_path)
    assert second == first and second.path == first.path == tmp_path / "postmortem-kb.yml"
    assert second.severities == ("P1", "P2") and dict(second.rules) == {"blame-language": "off"}


def test_any_change_to_the_file_is_read_afresh(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P2]\n")
    load_config(tmp_path)
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P3]\n")  # same size, other bytes
    assert load_config(tmp_path).severities == ("P1", "P3")


def test_a_bad_config_is_never_remembered(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: SEV1\n")
    for _ in range(2):
        with pytest.raises(ConfigError, match="severities"):
            load_config(tmp_path)
    assert not (tmp_path / SETTINGS_CACHE).exists()


def test_a_config_of_comments_only_gives_the_defaults_both_times(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "# defaults\n")
    first, second = load_config(tmp_path), load_config(tmp_path)
    assert first.path is None and second.path is None and first == second
    assert entry(tmp_path)["settings"] is None


@pytest.mark.parametrize("garbage", [b"\xff not json", b"[]", b'{"key": 1}', b'{"key": "x", "values": {}}',
                                     b'x\n{"key": "x", "settings": 5}', b"\n\n"])
def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(tmp_path, garbage):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1]\n")
    write(tmp_path / SETTINGS_CACHE, "")
    (tmp_path / SETTINGS_CACHE).write_bytes(garbage)
    assert load_config(tmp_path).severities == ("P1",)
    assert entry(tmp_path)["settings"]["severities"] == ["P1"]


# -- planted entries: an attacker can compute the key, never sign it -------------------

@pytest.mark.parametrize("planted", [
    {"rules": {"secret": "off"}},  # switch a rule off
    {"severities": 5},  # a value no validator would pass
    {"no_such_setting": 1, "severities": ["P1"]},  # a bogus key
    None,  # "the file has no settings": the defaults, the rules back on
])
def test_a_planted_entry_is_ignored(tmp_path, planted):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P2]\n")
    everything = {**load_config(tmp_path).as_dict(), **(planted or {})}
    plant(tmp_path, everything if planted is not None else None)
    config = load_config(tmp_path)
    assert config.severities == ("P1", "P2") and dict(config.rules) == {}
    assert config.path == tmp_path / "postmortem-kb.yml"


def test_an_entry_changed_after_signing_is_ignored(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P2]\n")
    load_config(tmp_path)
    signed = (tmp_path / SETTINGS_CACHE).read_bytes()
    assert b'"rules": {}' in signed
    (tmp_path / SETTINGS_CACHE).write_bytes(signed.replace(b'"rules": {}', b'"rules": {"secret": "off"}'))
    assert dict(load_config(tmp_path).rules) == {}


@pytest.mark.parametrize("no_cache", [False, True])
def test_lint_finds_the_secret_whatever_was_planted(kb, runner, no_cache):
    write(kb / "postmortem-kb.yml", "severities: [SEV1, SEV2]\n")
    write(kb / "postmortems/2024-01-09-leak.md", LEAKY)
    settings = {**load_config(kb, use_cache=False).as_dict(), "rules": {"secret": "off"}}
    plant(kb, settings)
    result = runner.invoke(main, ["lint", *(["--no-cache"] if no_cache else [])])
    assert result.exit_code == 1 and " secret " in result.output, result.output


def test_lint_does_not_trip_over_a_planted_wrong_type(kb, runner):
    write(kb / "postmortem-kb.yml", "severities: [SEV1, SEV2]\n")
    write(kb / "postmortems/2024-01-09-leak.md", LEAKY.replace(AWS_KEY, "a key"))
    plant(kb, {**load_config(kb, use_cache=False).as_dict(), "severities": 5})
    result = runner.invoke(main, ["lint"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


# -- no cache means no cache --------------------------------------------------------------

def test_use_cache_false_neither_reads_nor_writes(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P2]\n")
    assert load_config(tmp_path, use_cache=False).severities == ("P1", "P2")
    assert not (tmp_path / SETTINGS_CACHE).exists()
    # A genuine, signed entry that disagrees with the file (as if signed for these bytes by a buggy
    # older version): the cache would answer with it, no cache answers from the file.
    raw = (tmp_path / "postmortem-kb.yml").read_bytes()
    SettingsCache.open(tmp_path).write(raw, {**load_config(tmp_path, use_cache=False).as_dict(),
                                             "severities": ["FROM-CACHE"]})
    before = (tmp_path / SETTINGS_CACHE).read_bytes()
    assert load_config(tmp_path).severities == ("FROM-CACHE",), "the cache is read when asked"
    assert load_config(tmp_path, use_cache=False).severities == ("P1", "P2")
    assert (tmp_path / SETTINGS_CACHE).read_bytes() == before


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_cache_folder_tracked_by_git_is_refused_with_a_message(tmp_path, caplog):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P2]\n")
    load_config(tmp_path)  # a genuine entry
    git("init", "-q")
    git("add", "-f", str(SETTINGS_CACHE))
    document = entry(tmp_path)
    with caplog.at_level(logging.WARNING, logger="postmortem_kb"):
        config = load_config(tmp_path)
    assert config.severities == ("P1", "P2")
    assert "is tracked by git" in caplog.text and "git rm -r --cached .postmortem-cache" in caplog.text
    write(tmp_path / "postmortem-kb.yml", "severities: [P3]\n")
    assert load_config(tmp_path).severities == ("P3",)
    assert entry(tmp_path) == document, "a tracked cache is not written either"
    git("rm", "-q", "-r", "--cached", ".postmortem-cache")
    load_config(tmp_path)
    assert entry(tmp_path) != document


def test_new_starts_without_pyyaml_or_jsonschema_once_the_settings_are_remembered(tmp_path, user_cache):
    write(tmp_path / "postmortem-kb.yml", "severities: [SEV1, SEV2]\n")
    (tmp_path / "postmortems").mkdir()
    code = ("import sys\nfrom postmortem_kb.cli import main\n"
            "try:\n    main(['new', sys.argv[1], '--no-input', '--severity', 'SEV2', '--author', 'a'])\n"
            "except SystemExit:\n    pass\nprint('yaml' in sys.modules, 'jsonschema' in sys.modules)")
    env = {**os.environ, "XDG_CACHE_HOME": str(user_cache)}
    runs = [subprocess.run([sys.executable, "-c", code, f"Incident {n}"], cwd=tmp_path, capture_output=True,
                           text=True, check=True, env=env) for n in range(2)]
    assert runs[0].stdout.split()[-2:] == ["True", "True"], "the first run reads and validates the YAML"
    assert runs[1].stdout.split()[-2:] == ["False", "False"], runs[1].stdout
    assert len(list((tmp_path / "postmortems").glob("*.md"))) == 2


def test_lint_no_cache_reads_the_file_not_the_cache(kb, runner):
    write(kb / "postmortem-kb.yml", "severities: [SEV1, SEV2]\n")
    write(kb / "postmortems/2024-01-09-leak.md", LEAKY)
    # A genuine signed entry that disagrees with the file: only a cache reader would see `secret: off`.
    settings = {**load_config(kb, use_cache=False).as_dict(), "rules": {"secret": "off"}}
    SettingsCache.open(kb).write((kb / "postmortem-kb.yml").read_bytes(), settings)
    before = (kb / SETTINGS_CACHE).read_bytes()
    result = runner.invoke(main, ["lint", "--no-cache"])
    assert result.exit_code == 1 and " secret " in result.output, result.output
    assert (kb / SETTINGS_CACHE).read_bytes() == before
