"""The benchmark corpus: deterministic, realistic, and survivable by lint."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from generate_corpus import generate  # noqa: E402


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    first = generate(tmp_path / "a", 30, seed=3, broken_ratio=0.1)
    second = generate(tmp_path / "b", 30, seed=3, broken_ratio=0.1)
    third = generate(tmp_path / "c", 30, seed=4, broken_ratio=0.1)
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second))
    assert [p.name for p in first] != [p.name for p in third]


def test_clean_corpus_is_realistic_and_lints_without_errors(tmp_path):
    paths = generate(tmp_path / "postmortems", 40, seed=7, broken_ratio=0.0)
    sizes = [p.stat().st_size for p in paths]
    assert 4_000 < sum(sizes) / len(sizes) < 10_000
    (tmp_path / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "postmortem_kb", "--root", str(tmp_path), "lint", "--format", "json"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    findings = json.loads(result.stdout)
    assert result.returncode == 0, [f for f in findings if f["severity"] == "error"][:5]
    # Old corpora have open items past due: warnings, as in real life.
    assert {f["rule"] for f in findings} <= {"action-overdue"}


def test_broken_files_give_findings_never_a_traceback(tmp_path):
    generate(tmp_path / "postmortems", 80, seed=11, broken_ratio=0.5)
    result = subprocess.run([sys.executable, "-m", "postmortem_kb", "--root", str(tmp_path), "lint", "--format", "json"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    rules = {f["rule"] for f in json.loads(result.stdout)}
    assert {"load-yaml", "load-encoding", "front-matter-type", "section-required"} <= rules
