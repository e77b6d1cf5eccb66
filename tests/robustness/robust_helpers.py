"""Helpers for the robustness tests: real CLI processes, start gates, file snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("POSTMORTEM_KB_ROOT", None)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def postmortem(cwd: Path, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """Run the real `postmortem` command line in `cwd`."""
    return subprocess.run([PYTHON, "-m", "postmortem_kb", *args], cwd=cwd, capture_output=True, text=True,
                          env=cli_env(**env), timeout=timeout)


def snapshot(root: Path, skip: tuple[str, ...] = ("site", ".postmortem-cache")) -> dict[str, bytes]:
    """Every file under `root` (symlinks as their target path), to compare byte for byte.

    Built output (site/) and lint's cache (.postmortem-cache/, derived from
    the files and rebuilt at will) are not the knowledge base's content.
    """
    found: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in skip:
            continue
        if path.is_symlink():
            found[relative.as_posix()] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[relative.as_posix()] = path.read_bytes()
    return found


# A `postmortem` process that loads everything it needs, says it is ready,
# then waits for the gate file before it runs: two of them started this way
# run their commands at the same moment.
GATED = """
import os, sys, time
import postmortem_kb.cli, postmortem_kb.scaffold, postmortem_kb.importers.timeline_merge
import postmortem_kb.importers.slack, postmortem_kb.importers.csv_rows, postmortem_kb.kb, jinja2
ready, gate, args = sys.argv[1], sys.argv[2], sys.argv[3:]
open(ready, "w").close()
while not os.path.exists(gate):
    time.sleep(0.0005)
sys.argv = ["postmortem", *args]
postmortem_kb.cli.main()
"""


def start_together(cwd: Path, gate_dir: Path, *commands: list[str], **env: str) -> list[subprocess.CompletedProcess]:
    """Start one process per argument list, release them at once, and wait for all."""
    gate_dir.mkdir(parents=True, exist_ok=True)
    gate = gate_dir / "go"
    gate.unlink(missing_ok=True)
    processes, ready = [], []
    for n, args in enumerate(commands):
        flag = gate_dir / f"ready-{n}"
        flag.unlink(missing_ok=True)
        ready.append(flag)
        processes.append(subprocess.Popen([PYTHON, "-c", GATED, str(flag), str(gate), *args], cwd=cwd,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                          env=cli_env(**env)))
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready):
        assert time.monotonic() < deadline, "the gated processes never became ready"
        assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
        time.sleep(0.005)
    gate.touch()
    results = []
    for process, args in zip(processes, commands):
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(args, process.returncode, out, err))
    return results


def wait_for(predicate, timeout: float = 30, interval: float = 0.002) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
