"""docs/editors.md: the VS Code setup is valid, points at `postmortem schema`'s file, and really validates.

The slow test installs remark and the plugin from npm and runs the page's
own `.remarkrc.json` (the file the VS Code extension reads) over a good and a
bad postmortem.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import jsonschema
import pytest
from conftest import VALID_POSTMORTEM, write
from doc_blocks import code_blocks, named_files
from tool_envs import REMARK_NPM, REPO, npm_tool, postmortem, tool_env

PAGE = REPO / "docs" / "editors.md"


def schema_path_in_docs() -> str:
    commands = [block.text for block in code_blocks(PAGE) if block.language == "sh"]
    written = [m.group(1) for text in commands for m in re.finditer(r"postmortem schema > (\S+)", text)]
    assert len(written) == 1, written
    return written[0]


def test_every_snippet_is_valid_json_and_the_remark_config_uses_the_schema_file_the_docs_write():
    files = {name: json.loads(text) for name, text in named_files(PAGE).items()}
    assert set(files) == {".remarkrc.json", "package.json", ".vscode/extensions.json", ".vscode/settings.json"}
    plugins = files[".remarkrc.json"]["plugins"]
    assert plugins[0] == "remark-frontmatter"
    name, options = plugins[1]
    assert name == "remark-lint-frontmatter-schema"
    assert options["schemas"] == {f"./{schema_path_in_docs()}": ["./postmortems/*.md"]}
    assert files[".vscode/extensions.json"]["recommendations"] == ["unifiedjs.vscode-remark"]
    pinned = {f"{package}@{version}" for package, version in files["package.json"]["devDependencies"].items()}
    assert pinned == set(REMARK_NPM), "the page and the test install the same versions"


def test_the_schema_the_docs_write_is_a_valid_json_schema(kb):
    result = postmortem("schema", cwd=kb)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["severity"]["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]


@pytest.mark.slow
def test_the_documented_setup_flags_bad_front_matter_where_it_is_written(kb):
    home = npm_tool("remark", REMARK_NPM)
    for name, text in named_files(PAGE).items():
        write(kb / name, text)
    os.symlink(home / "node_modules", kb / "node_modules")
    schema = postmortem("schema", cwd=kb)
    write(kb / schema_path_in_docs(), schema.stdout)
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    write(kb / "postmortems/2024-02-02-bad.md", VALID_POSTMORTEM.replace("date: 2024-01-09", "date: 2024-13-45")
          .replace("severity: SEV2", "severity: SEV9"))

    remark = [shutil.which("node"), str(home / "node_modules" / "remark-cli" / "cli.js"), "--quiet", "--frail",
              "--no-color", "postmortems/"]
    result = subprocess.run(remark, cwd=kb, capture_output=True, text=True, env=tool_env(), timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 1, report
    assert "postmortems/2024-02-02-bad.md" in report and "2024-01-09-cache-stampede" not in report
    assert re.search(r"^3:7-3:17\s+warning\s+Must match format \"date\"", report, re.M), report
    assert re.search(r"^4:11-4:15\s+warning\s+Must be equal to one of the allowed values", report, re.M), report
    assert "malformed" not in report and "unknown format" not in report

    (kb / "postmortems/2024-02-02-bad.md").unlink()
    clean = subprocess.run(remark, cwd=kb, capture_output=True, text=True, env=tool_env(), timeout=300)
    assert clean.returncode == 0, clean.stdout + clean.stderr
