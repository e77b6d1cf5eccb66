"""The pages rendered in a helper process are the pages rendered in the build's own, and failures surface."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from site_helpers import _env
from site_samples import make_kb

from conftest import REPO
from postmortem_kb.config import KBConfig
from postmortem_kb.site import render_process

sys.path.insert(0, str(REPO / "bench"))
from generate_corpus import generate  # noqa: E402


def build(root: Path, site: Path, mode: str) -> subprocess.CompletedProcess:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  - postmortems\n", f"  - postmortems:\n      on_load_error: warn\n      render_process: {mode}\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)], cwd=root,
                          capture_output=True, text=True, env=_env())


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_helper_process_and_build_process_give_the_same_site(tmp_path):
    root = make_kb(tmp_path / "kb")
    generate(root / "postmortems", 60, seed=3, broken_ratio=0.1)
    inline = build(root, tmp_path / "inline", "never")
    assert inline.returncode == 0, inline.stderr
    helper = build(root, tmp_path / "helper", "always")
    assert helper.returncode == 0, helper.stderr
    assert "could not be loaded" not in helper.stderr or "WARNING" in helper.stderr
    first, second = tree(tmp_path / "inline"), tree(tmp_path / "helper")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert len([name for name in first if name.startswith("postmortems/")]) > 60
    leftovers = [p for p in Path(render_process.tempfile.gettempdir()).glob("postmortems-render-*")
                 if p.stat().st_mtime > dt.datetime.now().timestamp() - 60]
    assert leftovers == [], "the helper's folder is removed after the build"


def test_a_failing_helper_fails_the_build_with_its_traceback(tmp_path):
    config = KBConfig(root=tmp_path)
    (tmp_path / "postmortems").mkdir()
    config.values["severities"] = None  # nothing validates a config built by hand: rendering fails
    request = render_process.RenderRequest(config, False, dt.date(2025, 1, 1), "KB", None, True)
    with pytest.raises(render_process.RenderError) as failure:
        render_process.BackgroundRender(request).manifest
    assert "Traceback" in str(failure.value) and "TypeError" in str(failure.value)


def test_the_inline_render_streams_pages_in_order(tmp_path):
    root = make_kb(tmp_path / "kb")
    from postmortem_kb.config import load_config

    request = render_process.RenderRequest(load_config(root), True, dt.date(2025, 1, 1), "KB", None, True,
                                           latest_pages=["index.md"], token="t0")
    render = render_process.InlineRender(request)
    paths = render.manifest.paths
    assert paths[0].startswith("postmortems/") and paths[-1] == "assets/postmortem-kb.css"
    assert "index.md" in render.manifest.latest and "<table" in render.manifest.latest["index.md"]
    page = render.content(paths[0])
    assert isinstance(page, render_process.DeferredPage) and "pmblockt0n0" in page.markdown
    rest = render.finish()
    assert set(rest) == set(paths[1:])
    with pytest.raises(render_process.RenderError):
        render.content("never/announced.md")
