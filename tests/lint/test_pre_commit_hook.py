"""The published pre-commit hook, run by the real pre-commit against this repository.

`pre-commit try-repo` clones a hook repository, builds the hook's virtual
environment (pip-installing this package) and runs it on the given files.
The hook repository here is a git snapshot of this working tree, so the test
checks the hook as it is now, committed or not. Slow (one pip install), so
there is exactly one such test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, write
from lint_helpers import CLEAN, CLEAN_NAME

SNAPSHOT = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "tooling"]


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def hook_repository(folder: Path) -> Path:
    folder.mkdir()
    for name in SNAPSHOT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, folder / name)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "snapshot")
    return folder


def test_pre_commit_hook_fails_on_a_bad_postmortem_and_passes_on_a_good_one(tmp_path):
    hooks = hook_repository(tmp_path / "hooks")
    project = tmp_path / "kb"
    good = write(project / "postmortems" / CLEAN_NAME, CLEAN)
    bad = write(project / "postmortems" / "2024-02-01-bad.md", CLEAN.replace("severity: SEV2", "severity: SEV9"))
    git(project, "init", "-q")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("POSTMORTEM_KB_ROOT", None)

    def try_repo(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "postmortem-lint", "--color", "never",
             "--files", path.relative_to(project).as_posix()],
            cwd=project, env=env, capture_output=True, text=True, timeout=900,
        )

    failing = try_repo(bad)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "postmortems/2024-02-01-bad.md:4:1: error severity-value" in failing.stdout
    passing = try_repo(good)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "postmortem lint" in passing.stdout and "Passed" in passing.stdout
