"""The CI files the repository ships: the GitHub workflow and the GitLab example in the docs.

Both are validated against the schemas check-jsonschema vendors (from
SchemaStore; no network), then for what they must do: lint with
`--format github` and build the site.
"""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "postmortems.yml"
CI_DOC = REPO / "docs" / "ci.md"


def check_schema(builtin: str, path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", builtin, str(path)],
        capture_output=True, text=True, timeout=120,
    )


def test_workflow_is_valid_and_lints_then_builds():
    result = check_schema("vendor.github-workflows", WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    lint_steps = [step.get("run", "") for step in jobs["lint"]["steps"]]
    assert "postmortem lint --format github" in lint_steps
    assert any("mkdocs build --strict" in step.get("run", "") for step in jobs["site"]["steps"])
    assert jobs["site"]["needs"] == "lint"
    assert workflow["permissions"] == {"contents": "read"}


def test_gitlab_example_in_the_docs_is_valid(tmp_path):
    blocks = re.findall(r"```yaml\n# \.gitlab-ci\.yml\n(.*?)```", CI_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(blocks[0], encoding="utf-8")
    result = check_schema("vendor.gitlab-ci", path)
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load(blocks[0])
    assert any("postmortem lint" in line for job in config.values() if isinstance(job, dict)
               for line in job.get("script", []))


def test_pre_commit_hook_definition_is_valid():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
