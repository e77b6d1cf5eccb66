"""Shared fixtures: a throw-away knowledge base on disk, and the CLI runner."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]

# Registers the `long` hypothesis profile before `--hypothesis-profile=long` is read.
pytest_plugins = ["robustness.profiles"]

VALID_POSTMORTEM = """\
---
title: Cache stampede on the session store
date: 2024-01-09
severity: SEV2
status: published
authors: [lee]
approvals: [{by: ana, date: 2024-01-12}]
tags: [server-infra, cache]
services: [sessions]
started_at: 2024-01-09T10:00:00+01:00
detected_at: 2024-01-09T10:04:00+01:00
mitigated_at: 2024-01-09T10:30:00+01:00
resolved_at: 2024-01-09T12:00:00+01:00
summary: A cache flush sent every request to the database at once.
---

## Summary

A manual cache flush during peak traffic sent all reads to the database; the word zanzibar is unique to this file.

## Impact

Logins were slow for 30 minutes.

## Timeline

| Time | Event |
|------|-------|
| 2024-01-09 10:00 | Cache flushed |
| 10:04 | Latency alert fires |
| 10:30 | Cache warmed; latency normal |

## Root cause

Flushing the whole cache was a single command with no guard.

## Action items

| Action | Owner | Priority | Due | Status | Ticket |
|--------|-------|----------|-----|--------|--------|
| Guard the flush command | lee | P2 | 2024-02-01 | open | OPS-1 |
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty knowledge base (mkdocs.yml, docs/, postmortems/) as the working folder."""
    root = tmp_path / "kb"
    (root / "postmortems").mkdir(parents=True)
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    monkeypatch.chdir(root)
    monkeypatch.delenv("POSTMORTEM_KB_ROOT", raising=False)
    return root


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
