"""NO_COLOR (https://no-color.org): no command prints a colour code, even on a terminal.

Colour is only ever added when output goes to a terminal, so each command
runs under a real pseudo-terminal, where it would colour if it were going
to. A run without NO_COLOR shows the harness does see colour when there is
some.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import VALID_POSTMORTEM, write
from site_samples import make_kb
from tool_envs import REPO, tool_env

from postmortem_kb.cli import main

ESC = "\x1b"
FIXTURES = REPO / "tests" / "fixtures" / "importers"


def run_in_pty(args: list[str], cwd: Path, env: dict) -> tuple[int, str]:
    """Run `postmortem ARGS` with stdout and stderr on a pseudo-terminal; return its exit code and all it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "postmortem_kb", *args], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError(f"postmortem {' '.join(args)} printed nothing for 60 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal closed when the process exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", errors="replace")


def every_command(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from every_command(command, (*prefix, name))


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    root = make_kb(tmp_path_factory.mktemp("no-color") / "kb", {
        "2024-01-09-cache-stampede.md": VALID_POSTMORTEM,
        # Errors and warnings, so lint has something to colour.
        "2024-02-02-broken.md": VALID_POSTMORTEM.replace("date: 2024-01-09", "date: 2024-02-02")
                                               .replace("severity: SEV2", "severity: SEV9")
                                               .replace("| lee | P2 |", "|  | P2 |"),
    })
    write(root / "postmortem-kb.yml", "severities: [SEV1, SEV2, SEV3, SEV4]\n")
    return root


def invocations(kb: Path) -> list[list[str]]:
    """Each command doing its real work (and a few failing), as a user runs them."""
    scratch = kb.parent
    return [
        ["--version"],
        ["new", "Disk full on the build host", "--severity", "SEV3", "--tag", "ci", "--date", "2024-05-01",
         "--author", "lee", "--no-input"],
        ["new", "Disk full on the build host", "--date", "2024-05-01", "--no-input"],  # exists: exit 1
        ["lint"],
        ["lint", "--format", "github"],
        ["lint", "--format", "json"],
        ["schema"],
        ["templates"],
        ["list"],
        ["actions", "--check"],
        ["stats", "--by", "severity"],
        ["init", str(scratch / "another-kb")],
        ["completion", "zsh"],
        ["generate", "--out", str(scratch / "generated")],
        ["import", str(FIXTURES / "posts" / "2022-11-03-jekyll-post.md"), "--dry-run"],
        ["timeline", "import", "2024-01-09-cache-stampede", "--from", "csv", str(FIXTURES / "exports" / "events.csv"),
         "--dry-run"],
        ["lint", "--format", "nonsense"],  # usage error: exit 2
    ]


def test_the_terminal_harness_sees_colour_when_no_color_is_unset(kb):
    env = tool_env()
    del env["NO_COLOR"]
    code, output = run_in_pty(["lint"], kb, env)
    assert code == 1 and f"{ESC}[" in output, output


def test_no_command_colours_its_output_under_no_color(kb):
    env = tool_env()
    assert env["NO_COLOR"] == "1"
    codes = {}
    for args in invocations(kb):
        code, output = run_in_pty(args, kb, env)
        assert ESC not in output, (args, output)
        assert output.strip(), args
        codes[" ".join(args)] = code
    assert codes["lint"] == 1 and codes["lint --format nonsense"] == 2, "the failing paths were exercised too"


def test_every_command_help_and_usage_error_is_plain_under_no_color(kb):
    env = tool_env()
    names = list(every_command(main))
    assert {("lint",), ("generate",), ("completion",)} <= set(names)
    for name in names:
        for args in ([*name, "--help"], [*name, "--no-such-option"]):
            _, output = run_in_pty(args, kb, env)
            assert ESC not in output and output.strip(), (args, output)


def test_an_explicit_color_flag_still_wins_over_no_color(kb):
    # no-color.org: NO_COLOR sets the default; a command-line flag the user typed overrides it.
    code, output = run_in_pty(["lint", "--color", "always"], kb, tool_env())
    assert code == 1 and f"{ESC}[" in output
