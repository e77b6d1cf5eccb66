"""The repository's GitHub Actions workflow: actionlint-clean, lints with annotations, uploads the site.

Its schema check and the GitLab example's live in tests/lint/test_ci_files.py.
"""

from __future__ import annotations

import re

import pytest
import yaml
from ci_checks import actionlint
from tool_envs import REPO

WORKFLOW = REPO / ".github" / "workflows" / "postmortems.yml"
CI_DOC = REPO / "docs" / "ci.md"


def test_workflow_lints_with_annotations_then_builds_and_uploads_the_site():
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    assert any(step.get("run") == "postmortem lint --format github" for step in jobs["lint"]["steps"])
    site_steps = jobs["site"]["steps"]
    build = next(i for i, step in enumerate(site_steps) if "mkdocs build --strict --site-dir site" in step.get("run", ""))
    upload = next(i for i, step in enumerate(site_steps) if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert build < upload, "the site is uploaded after it is built"
    assert site_steps[upload]["uses"] == "actions/upload-artifact@v4"
    assert site_steps[upload]["with"]["path"].rstrip("/") == "site"
    assert site_steps[upload]["with"]["if-no-files-found"] == "error"


def test_gitlab_example_has_a_lint_job_and_a_pages_job():
    block = re.search(r"```yaml\n# \.gitlab-ci\.yml\n(.*?)```", CI_DOC.read_text(encoding="utf-8"), re.DOTALL)
    config = yaml.safe_load(block.group(1))
    assert config["stages"] == ["lint", "build"]
    assert config["postmortem-lint"]["stage"] == "lint" and config["pages"]["stage"] == "build"
    assert config["pages"]["artifacts"]["paths"] == ["public"], "GitLab Pages publishes public/"


@pytest.mark.slow
def test_actionlint_finds_nothing_in_the_workflow_and_catches_a_broken_copy(tmp_path):
    assert actionlint(WORKFLOW) == []
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.os }}", 1)
                      .replace("python-version: \"3.12\"", "python-version: ${{ github.evnt }}", 1), encoding="utf-8")
    findings = actionlint(broken)
    assert {f["kind"] for f in findings} >= {"expression"}, findings
    assert all(f["file"] == str(broken) and f["line"] > 0 for f in findings)
