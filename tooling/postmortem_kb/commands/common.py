"""Helpers every command shares: exit codes, errors, the knowledge base's config."""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_PROBLEM) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def kb_config(ctx: click.Context, use_cache: bool = True):
    """The knowledge base's config, or exit 2 naming the bad key; `use_cache=False`: read the file itself."""
    from postmortem_kb.config import ConfigError, find_root, load_config

    root = ctx.find_root().params.get("root")
    try:
        return load_config(find_root(Path(root) if root else None), use_cache=use_cache)
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
