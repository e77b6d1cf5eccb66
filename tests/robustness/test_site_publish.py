"""`make site` keeps the previous site/ when the build fails or is killed.

The repository's own Makefile runs in a throw-away knowledge base, with
the test's interpreter folder as BIN and a stamp file that is already up
to date, so nothing is installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from robustness.reliability_cases import BY_ID, MAKE, covers
from robustness.robust_helpers import REPO, cli_env, snapshot, wait_for

from conftest import VALID_POSTMORTEM, write

BIN = Path(sys.executable).parent


@pytest.fixture
def make_kb(kb):
    if shutil.which("make") is None or not (BIN / "mkdocs").is_file():
        pytest.skip("needs `make` and mkdocs installed beside the test interpreter")
    shutil.copy(REPO / "Makefile", kb / "Makefile")
    shutil.copy(REPO / "pyproject.toml", kb / "pyproject.toml")
    (kb / ".stamp").touch()  # newer than pyproject.toml: make installs nothing
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    return kb


def make_command(kb: Path) -> list[str]:
    return ["make", "--no-print-directory", "-C", str(kb), "site", f"BIN={BIN}", "STAMP=.stamp"]


def make_site(kb: Path) -> subprocess.CompletedProcess:
    return subprocess.run(make_command(kb), capture_output=True, text=True, env=cli_env(), timeout=300)


def published(kb: Path) -> dict[str, bytes]:
    return snapshot(kb / "site", skip=())


def leftovers(kb: Path) -> list[str]:
    return sorted(name for name in ("site.new", "site.old") if (kb / name).exists())


@covers("site-build-fails")
def test_a_failed_build_leaves_the_previous_site(make_kb):
    kb = make_kb
    first = make_site(kb)
    assert first.returncode == 0, first.stderr
    before = published(kb)
    assert "postmortems/2024-01-09-cache-stampede/index.html" in before

    write(kb / "postmortems/2024-02-02-broken.md", "---\ntitle: [oops\n---\n## Summary\n")
    result = make_site(kb)
    case = BY_ID["site-build-fails"]
    assert result.returncode == case.exit_code(MAKE), result.stderr
    assert case.matches(result.stderr) and "postmortems/2024-02-02-broken.md:2" in result.stderr, result.stderr
    assert published(kb) == before


@covers("site-build-killed")
def test_a_build_killed_midway_leaves_the_previous_site(make_kb):
    kb = make_kb
    assert make_site(kb).returncode == 0
    before = published(kb)

    write(kb / "postmortems/2024-03-05-second.md", VALID_POSTMORTEM.replace("Cache stampede", "Second outage"))
    process = subprocess.Popen(make_command(kb), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=cli_env(), start_new_session=True)
    try:
        # mkdocs creates site.new/ once it starts writing pages: kill make and mkdocs then.
        assert wait_for(lambda: (kb / "site.new").exists() or process.poll() is not None, timeout=120)
        assert process.poll() is None, "the build finished before it could be killed"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert published(kb) == before

    # The next run builds the new site and cleans up after the killed one.
    assert make_site(kb).returncode == 0
    assert "postmortems/2024-03-05-second/index.html" in published(kb)
    assert leftovers(kb) == []


def test_a_run_killed_between_the_two_moves_is_repaired_by_the_next_run(make_kb):
    kb = make_kb
    assert make_site(kb).returncode == 0
    before = published(kb)
    # What a kill right after `mv site site.old` leaves: no site/, the previous one in site.old/.
    (kb / "site").rename(kb / "site.old")
    write(kb / "site.new/index.html", "half a build")
    write(kb / "postmortems/2024-02-02-broken.md", "---\ntitle: [oops\n---\n")
    assert make_site(kb).returncode != 0
    assert published(kb) == before
