"""Zensical and ProperDocs build the knowledge base, each in an environment of its own.

The plain MkDocs build of `generate` output (with our package made
unimportable) is tested in tests/site/test_generate.py; these tests hold
docs/other-generators.md to what it says of the two other builders.
"""

from __future__ import annotations

import os
import subprocess
import sysconfig
from pathlib import Path

import pytest
from conftest import VALID_POSTMORTEM
from site_helpers import external_fetches, javascript_fetch_triggers
from site_samples import SAMPLES, make_kb
from tool_envs import PROPERDOCS, REPO, ZENSICAL, postmortem, python_tool, tool_env

PAGES = ("postmortems/2024-01-09-cache-stampede/index.html", "tags/server-infra/index.html",
         "services/sessions/index.html", "actions/index.html", "metrics/index.html")


def generated(tmp_path: Path) -> Path:
    kb = make_kb(tmp_path / "kb", SAMPLES)
    out = tmp_path / "site-src"
    result = postmortem("generate", "--out", str(out), cwd=kb)
    assert result.returncode == 0, result.stderr
    return out


def assert_complete_offline_site(site: Path) -> None:
    for page in PAGES:
        assert (site / page).is_file(), page
    assert "zanzibar" in (site / PAGES[0]).read_text(encoding="utf-8")
    assert "assets/postmortem-kb.css" in (site / PAGES[0]).read_text(encoding="utf-8")
    assert external_fetches(site) == [] and javascript_fetch_triggers(site) == []


@pytest.fixture(scope="module")
def zensical() -> Path:
    return python_tool("zensical", [ZENSICAL]) / "bin" / "zensical"


@pytest.mark.slow
def test_zensical_builds_the_generated_site(zensical, tmp_path):
    out = generated(tmp_path)
    build = subprocess.run([str(zensical), "build", "--strict", "-f", "mkdocs.yml"], cwd=out, capture_output=True,
                           text=True, env=tool_env(), timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    assert_complete_offline_site(out / "site")


@pytest.mark.slow
def test_zensical_ignores_our_plugin_so_the_knowledge_base_needs_generate(zensical, tmp_path):
    kb = make_kb(tmp_path / "kb", {"2024-01-09-cache-stampede.md": VALID_POSTMORTEM})
    build = subprocess.run([str(zensical), "build", "-f", "mkdocs.yml"], cwd=kb, capture_output=True, text=True,
                           env=tool_env(), timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    assert (kb / "site/index.html").is_file()
    assert not (kb / "site/postmortems").exists(), "Zensical now runs MkDocs plugins: update docs/other-generators.md"


@pytest.fixture(scope="module")
def properdocs() -> tuple[Path, dict]:
    """ProperDocs, seeing this project's packages (mkdocs-material, our plugin) as a team's environment would."""
    home = python_tool("properdocs", [PROPERDOCS])
    env = tool_env()
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tooling"), sysconfig.get_paths()["purelib"]])
    return home / "bin" / "properdocs", env


@pytest.mark.slow
def test_properdocs_runs_our_plugin_on_the_knowledge_base_as_it_is(properdocs, tmp_path):
    binary, env = properdocs
    kb = make_kb(tmp_path / "kb", SAMPLES)
    build = subprocess.run([str(binary), "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(tmp_path / "site")],
                           cwd=kb, capture_output=True, text=True, env=env, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    assert_complete_offline_site(tmp_path / "site")


@pytest.mark.slow
def test_properdocs_builds_the_generated_site(properdocs, tmp_path):
    binary, env = properdocs
    out = generated(tmp_path)
    build = subprocess.run([str(binary), "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(tmp_path / "site")],
                           cwd=out, capture_output=True, text=True, env=env, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    assert_complete_offline_site(tmp_path / "site")
