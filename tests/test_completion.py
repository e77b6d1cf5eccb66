"""Shell completion through click, checked by asking the real entry point."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem_kb.cli import main

POSTMORTEM = Path(sys.executable).with_name("postmortem")


@pytest.mark.parametrize("shell,needle", [("bash", "complete -o nosort -F"), ("zsh", "compdef"), ("fish", "complete --no-files")])
def test_completion_script_for_each_shell(runner, shell, needle):
    result = runner.invoke(main, ["completion", shell])
    assert result.exit_code == 0 and needle in result.output and "_POSTMORTEM_COMPLETE" in result.output


def complete(words: str, cword: int) -> list[str]:
    env = dict(os.environ, _POSTMORTEM_COMPLETE="bash_complete", COMP_WORDS=words, COMP_CWORD=str(cword))
    result = subprocess.run([str(POSTMORTEM)], env=env, capture_output=True, text=True, check=True)
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_bash_completes_commands_and_choices():
    assert "lint" in complete("postmortem li", 1)
    assert {"text", "json"} <= set(complete("postmortem lint --format ", 3))


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_script_loads_in_a_real_shell(runner):
    script = runner.invoke(main, ["completion", "bash"]).output
    result = subprocess.run(["bash", "-c", script + "\ncomplete -p postmortem"], capture_output=True, text=True)
    assert result.returncode == 0 and "postmortem" in result.stdout
