"""Helpers for the lint tests: a clean postmortem and a way to lint it for real."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import write
from postmortem_kb.cli import main

# Passes every rule with no finding at all: recommended fields and sections,
# open items due far in the future.
CLEAN = """\
---
title: Cache stampede on the session store
date: 2024-01-09
severity: SEV2
status: published
authors: [lee]
approvals:
  - {by: ana, date: 2024-01-12}
tags: [server-infra, cache]
services: [sessions]
started_at: 2024-01-09T10:00:00+01:00
detected_at: 2024-01-09T10:04:00+01:00
mitigated_at: 2024-01-09T10:30:00+01:00
resolved_at: 2024-01-09T12:00:00+01:00
summary: A cache flush sent every request to the database at once.
related: []
---

## Summary

A manual cache flush during peak traffic sent all reads to the database.

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

## Detection

The latency alert fired four minutes in.

## Resolution

The cache was warmed from a snapshot.

## Action items

| Action | Owner | Priority | Due | Status | Ticket |
|--------|-------|----------|-----|--------|--------|
| Guard the flush command | lee | P2 | 2099-02-01 | open | OPS-1 |

## Lessons learned

A destructive command needs a confirmation step.
"""
CLEAN_NAME = "2024-01-09-cache-stampede.md"


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing `needle`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def lint_json(*args: str) -> tuple[int, list[dict]]:
    """Run `postmortem lint --format json` in-process; (exit code, findings)."""
    result = CliRunner().invoke(main, ["lint", "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def lint_text(kb: Path, text: str, name: str = CLEAN_NAME, config: str | None = None) -> tuple[int, list[dict]]:
    """Write one postmortem (and optionally postmortem-kb.yml) into `kb` and lint it."""
    if config is not None:
        (kb / "postmortem-kb.yml").write_text(config, encoding="utf-8")
    write(kb / "postmortems" / name, text)
    return lint_json()


def by_rule(findings: list[dict], rule: str) -> list[dict]:
    return [f for f in findings if f["rule"] == rule]
