"""`postmortem lint`: check postmortems against the knowledge base's contract."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from postmortem_kb.commands.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    fail,
    kb_config,
)


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    # https://no-color.org: any non-empty NO_COLOR turns colour off.
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True,
              help="text: path:line:col lines; json: a list of findings; github: annotations for a pull request; "
                   "sarif: SARIF 2.1.0 for code scanning.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text format (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to lint with (default: the cores available to this process).")
@click.option("--no-cache", is_flag=True,
              help="Parse every file, and neither read nor write .postmortem-cache/ (which keeps findings of "
                   "unchanged files, keyed by their content, the config, the tool version and the day).")
@click.pass_context
def lint(ctx, paths, output_format, color, jobs, no_cache) -> None:
    """Check postmortems against the knowledge base's contract.

    With no PATH, lints every file in the knowledge base's postmortems/; a
    PATH may be a file or a folder. The rules, their ids and how to switch
    one off (in postmortem-kb.yml, or in the file with
    `<!-- postmortem-lint disable RULE -->`) are in docs/lint-rules.md.

    Exit 0 when there are no errors (warnings allowed), 1 when there are,
    2 on a usage or config error. The summary line goes to stderr with
    --format json and sarif, so stdout stays one document.

    A second run over unchanged files answers from the cache in
    .postmortem-cache/ at the knowledge base's root: a file whose bytes
    changed is always linted afresh.

    \b
    Examples:
      postmortem lint
      postmortem lint postmortems/2017-12-10-kv-store-latency.md
      postmortem lint --format json > findings.json
      postmortem lint --format github          # in a GitHub Actions step
      postmortem lint --format sarif > postmortem-lint.sarif
      postmortem lint --jobs 1 --no-cache      # one process, parse everything
    """
    from postmortem_kb import __version__
    from postmortem_kb.config import ConfigError
    from postmortem_kb.lint import formats
    from postmortem_kb.lint.engine import available_cores, lint_paths
    from postmortem_kb.lint.registry import RULES
    from postmortem_kb.model import ERROR

    config = kb_config(ctx, use_cache=not no_cache)
    try:
        report = lint_paths(list(paths), config, jobs=jobs or available_cores(), use_cache=not no_cache)
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    findings = report.findings
    if report.cache_refused:
        click.echo(f"warning: {report.cache_refused}", err=True)
    if output_format == "json":
        click.echo(formats.format_json(findings))
        click.echo(formats.summary_line(findings, report.files), err=True)
    elif output_format == "sarif":
        click.echo(formats.format_sarif(findings, RULES, __version__))
        click.echo(formats.summary_line(findings, report.files), err=True)
    elif output_format == "github":
        click.echo(formats.format_github(findings, report.files))
    else:
        use_color = _use_color(color)
        click.echo(formats.format_text(findings, report.files, color=use_color), color=use_color)
    sys.exit(EXIT_PROBLEM if any(f.severity == ERROR for f in findings) else EXIT_OK)
