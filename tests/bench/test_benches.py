"""Each benchmark of `make bench` runs end to end on a tiny corpus and reports its figures and verdicts.

The figures of a tiny run are mostly start-up, so the verdicts are not the
point here (exit 0 or 1 both pass); that the script measures both sides,
prints ratios and absolute figures, and never crashes is. `make bench` runs
them at full size.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BENCH = REPO / "bench"


def chromium_for(bench: str) -> str:
    """Debian's Chromium for a browser bench: skipped without it, failed without it under CI=true."""
    chromium = os.environ.get("POSTMORTEM_KB_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but no Chromium for the {bench}")
        pytest.skip(f"Chromium not found at {chromium}; install it with `apt-get install chromium`")
    return chromium


def run(script: str, *args: str, timeout: int = 600) -> str:
    result = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                            timeout=timeout, cwd=REPO)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert re.search(r"-- \S+ bench: (all budgets met|\d+ budget\(s\) missed)", result.stdout), result.stdout
    return result.stdout


def test_build_bench_compares_the_cpu_time_of_our_site_with_a_plain_build(tmp_path):
    out = run("build_bench.py", "--counts", "30")
    assert "N = 30: 30 postmortem files" in out
    assert re.search(r"baseline +cpu +[\d.]+ s +peak memory +[\d.]+ MB .* wall +[\d.]+ s", out)
    assert re.search(r"ours +cpu +[\d.]+ s", out)
    assert re.search(r"ratio ours/baseline: cpu [\d.]+x, peak memory [\d.]+x .*, wall [\d.]+x", out)
    assert "N=30 CPU time ours/baseline" in out and "N=30 peak memory ours/baseline" in out
    assert "wall time" not in out.split("-- build bench: verdicts")[1], "wall time is printed, never judged"


def test_preview_bench_times_an_edit_in_our_preview_and_in_plain_mkdocs_serve():
    out = run("preview_bench.py", "--counts", "20", "--edits", "1")
    assert "served as `make serve` does: mkdocs serve --dirty" in out
    assert re.search(r"ours +first build +[\d.]+ s; edit shown on page and new tag page: median +[\d.]+ s", out)
    assert re.search(r"plain +first build +[\d.]+ s; edit shown on page .*: median +[\d.]+ s", out)


def test_preview_bench_serves_as_the_makefile_does():
    sys.path.insert(0, str(BENCH))
    from preview_bench import serve_arguments

    arguments = serve_arguments()
    assert arguments[0] == "serve" and "--dirty" in arguments and "--dev-addr" not in arguments


def test_lint_bench_reports_cold_parallel_and_cached_runs():
    out = run("lint_bench.py", "--count", "40", "--repeat", "1")
    assert "corpus: 40 postmortems" in out and "floor (read + front matter + tokenize)" in out
    for label in ("read floor (read + front matter)", "lint --jobs 1, cold cache", "cold cache",
                  "lint again, unchanged files (cache)"):
        assert label in out, label
    assert re.search(r"ratio cold/floor: [\d.]+x CPU, paired median \(budget 1.2x\)", out)
    assert re.search(r"median of 1 paired runs \([\d.]+\); best against best [\d.]+x", out)
    assert "cached/read floor" in out and "budget 2.0x" in out


def test_startup_bench_times_help_and_new_against_import_click():
    out = run("startup_bench.py", "--runs", "2")
    assert re.search(r"python -c 'import click' +[\d.]+ ms", out)
    assert re.search(r"postmortem --help +[\d.]+ ms +[\d.]+x", out)
    assert re.search(r"postmortem new --no-input +[\d.]+ ms +[\d.]+x", out)


def test_search_bench_measures_pagefind_and_lunr_in_a_browser():
    chromium = chromium_for("search bench")
    out = run("search_bench.py", "--count", "30", "--chromium", chromium)
    assert re.search(r"pagefind +build +[\d.]+ s; index on disk +[\d.]+ MB; results +[\d.]+ s after typing", out)
    assert re.search(r"lunr +build", out) and "first search downloads" in out
    assert "lunr/pagefind:" in out


def test_browse_bench_measures_first_load_bytes_and_filter_time_in_a_browser():
    chromium = chromium_for("browse bench")
    out = run("browse_bench.py", "--count", "30", "--visits", "1", "--chromium", chromium)
    assert re.search(r"first load of /postmortems/: [\d.]+ MB", out)
    assert re.search(r"filter change, median: [\d.]+ ms", out)
    assert re.search(r"severity=SEV1: [\d.]+ ms \([\d.]+ ms script\), \d+ rows match", out)
