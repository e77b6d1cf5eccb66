"""The MkDocs plugin is a thin adapter over one render path, in the build's own process."""

from __future__ import annotations

import ast
import importlib.util

from conftest import REPO

SITE = REPO / "tooling" / "postmortem_kb" / "site"


def imported(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_plugin_module_stays_under_150_lines():
    lines = (SITE / "plugin.py").read_text(encoding="utf-8").count("\n")
    assert lines < 150, f"plugin.py has {lines} lines: move the work into the site package, keep the hooks thin"


def test_pages_are_rendered_in_the_build_process_by_one_render_path():
    assert importlib.util.find_spec("postmortem_kb.site.render_process") is None
    # Pagefind's indexer is a program of its own; nothing else of the site starts a process or a thread.
    for path in SITE.glob("*.py"):
        if path.name != "search_pagefind.py":
            assert not imported(path) & {"subprocess", "multiprocessing", "threading", "pickle", "concurrent"}, path.name
