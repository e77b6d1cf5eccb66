"""`postmortem lint`: check postmortems against the knowledge base's contract."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postmortem_kb.commands.common import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, fail, kb_config


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def lint(ctx, paths, output_format) -> None:
    """Check postmortems against the knowledge base's contract.

    With no PATH, lints every file in the knowledge base's postmortems/.
    Exit 0 when there are no errors, 1 when there are, 2 on a usage or
    config error.

    \b
    Examples:
      postmortem lint
      postmortem lint postmortems/2017-12-10-kv-store-latency.md
      postmortem lint --format json > findings.json
    """
    from postmortem_kb.config import ConfigError
    from postmortem_kb.lint.engine import lint_paths
    from postmortem_kb.lint.formats import format_json, format_text
    from postmortem_kb.model import ERROR

    config = kb_config(ctx)
    try:
        report = lint_paths(list(paths), config)
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    if output_format == "json":
        click.echo(format_json(report.findings))
    else:
        click.echo(format_text(report.findings, report.files))
    sys.exit(EXIT_PROBLEM if any(f.severity == ERROR for f in report.findings) else EXIT_OK)
