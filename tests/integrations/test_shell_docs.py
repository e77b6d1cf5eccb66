"""docs/shell-completion.md: each shell's set-up, run as written, makes `postmortem` complete.

Each block runs in a throw-away HOME with this environment's `postmortem`
first on PATH. zsh and fish are tested where they are installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doc_blocks import code_blocks
from tool_envs import REPO, tool_env

PAGE = REPO / "docs" / "shell-completion.md"
BIN = Path(sys.executable).parent


def block(name: str) -> str:
    found = [b.text for b in code_blocks(PAGE) if b.directive == f"shell: {name}"]
    assert len(found) == 1, name
    return found[0]


def shell_env(home: Path) -> dict:
    env = tool_env()
    env.update(HOME=str(home), PATH=f"{BIN}:{env['PATH']}", XDG_DATA_HOME=str(home / ".local/share"))
    env.pop("XDG_CONFIG_HOME", None)
    return env


def run(shell: list[str], script: str, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*shell, script], capture_output=True, text=True, env=shell_env(home), cwd=home,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_eval_line_registers_the_completion(tmp_path):
    result = run(["bash", "-c"], block("bash") + "complete -p postmortem\n", tmp_path)
    assert result.returncode == 0 and "_postmortem_completion" in result.stdout, result.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_file_is_written_where_bash_completion_looks_and_loads(tmp_path):
    written = run(["bash", "-c"], block("bash-file"), tmp_path)
    assert written.returncode == 0, written.stderr
    script = tmp_path / ".local/share/bash-completion/completions/postmortem"
    loaded = run(["bash", "-c"], f"source {script}\ncomplete -p postmortem\n", tmp_path)
    assert loaded.returncode == 0 and "_postmortem_completion" in loaded.stdout, loaded.stderr


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_lines_register_the_completion(tmp_path):
    result = run(["zsh", "-f", "-c"], block("zsh") + "print -r -- $_comps[postmortem]\n", tmp_path)
    assert result.returncode == 0 and "_postmortem_completion" in result.stdout, result.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completion_file_completes_commands(tmp_path):
    written = run(["sh", "-c"], block("fish"), tmp_path)
    assert written.returncode == 0, written.stderr
    completed = run(["fish", "-c"], 'complete -C "postmortem li"', tmp_path)
    assert "lint" in completed.stdout.split(), completed.stdout + completed.stderr


def test_version_line_prints_the_installed_version(tmp_path):
    from postmortem_kb import __version__

    version_blocks = [b.text for b in code_blocks(PAGE) if b.text.strip() == "postmortem --version"]
    assert len(version_blocks) == 1
    result = run(["sh", "-c"], version_blocks[0], tmp_path)
    assert result.stdout.strip() == f"postmortem, version {__version__}"
