"""postmortem-kb.yml's merged settings are remembered by content, so start-up skips PyYAML; never a stale or bad one."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import write
from postmortem_kb.config import SETTINGS_CACHE, ConfigError, load_config


def test_a_valid_config_is_remembered_and_read_back_the_same(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P2]\nrules:\n  blame-language: off\n")
    first = load_config(tmp_path)
    assert (tmp_path / SETTINGS_CACHE).is_file()
    second = load_config(tmp_path)
    assert second.values == first.values and second.path == first.path
    assert second["severities"] == ["P1", "P2"] and second["rules"] == {"blame-language": "off"}


def test_any_change_to_the_file_is_read_afresh(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P2]\n")
    load_config(tmp_path)
    write(tmp_path / "postmortem-kb.yml", "severities: [P1, P3]\n")  # same size, other bytes
    assert load_config(tmp_path)["severities"] == ["P1", "P3"]


def test_a_bad_config_is_never_remembered(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: SEV1\n")
    for _ in range(2):
        with pytest.raises(ConfigError, match="severities"):
            load_config(tmp_path)
    assert not (tmp_path / SETTINGS_CACHE).exists()


def test_a_config_of_comments_only_gives_the_defaults_both_times(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "# defaults\n")
    first, second = load_config(tmp_path), load_config(tmp_path)
    assert first.path is None and second.path is None and first.values == second.values


@pytest.mark.parametrize("garbage", [b"\xff not json", b"[]", b'{"key": 1}', b'{"key": "x", "values": {}}'])
def test_a_damaged_or_foreign_cache_is_ignored(tmp_path, garbage):
    write(tmp_path / "postmortem-kb.yml", "severities: [P1]\n")
    write(tmp_path / SETTINGS_CACHE, "")
    (tmp_path / SETTINGS_CACHE).write_bytes(garbage)
    assert load_config(tmp_path)["severities"] == ["P1"]
    assert json.loads((tmp_path / SETTINGS_CACHE).read_text(encoding="utf-8"))["values"]["severities"] == ["P1"]


def test_new_starts_without_pyyaml_once_the_settings_are_remembered(tmp_path):
    write(tmp_path / "postmortem-kb.yml", "severities: [SEV1, SEV2]\n")
    (tmp_path / "postmortems").mkdir()
    code = ("import sys\nfrom postmortem_kb.cli import main\n"
            "try:\n    main(['new', sys.argv[1], '--no-input', '--severity', 'SEV2', '--author', 'a'])\n"
            "except SystemExit:\n    pass\nprint('yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code, f"Incident {n}"], cwd=tmp_path, capture_output=True,
                           text=True, check=True) for n in range(2)]
    assert runs[0].stdout.split()[-1] == "True", "the first run reads the YAML"
    assert runs[1].stdout.split()[-1] == "False", runs[1].stdout
    assert len(list((tmp_path / "postmortems").glob("*.md"))) == 2
