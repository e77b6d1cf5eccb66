"""The `postmortem` command line: parse flags, call the core, format output.

Only click is imported at start-up; each command imports what it needs when
it runs, so `postmortem --help` and `postmortem new` stay fast.

Exit codes: 0 success; 1 the command ran and found a problem (lint errors,
a file that already exists); 2 usage or configuration error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postmortem_kb import __version__

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_PROBLEM) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def kb_config(ctx: click.Context):
    """The knowledge base's config, or exit 2 naming the bad key."""
    from postmortem_kb.config import ConfigError, find_root, load_config

    root = ctx.find_root().params.get("root")
    try:
        return load_config(find_root(Path(root) if root else None))
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="postmortem")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="POSTMORTEM_KB_ROOT",
    help="Knowledge base folder (default: the nearest folder above with postmortem-kb.yml or mkdocs.yml).",
)
def main(root: Path | None) -> None:
    """Write, lint and publish incident postmortems as markdown.

    \b
    Examples:
      postmortem new "KV store latency" --severity SEV2 --tag server-infra
      postmortem lint
      postmortem lint postmortems/2017-12-10-kv-store-latency.md --format json
    """


def _git_user_name() -> str:
    import subprocess

    try:
        result = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=2, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip()


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


@main.command()
@click.argument("title", required=False)
@click.option("--severity", help="Severity level, one of the configured ones (default SEV1..SEV4).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--service", "services", multiple=True, help="An affected service; repeat for more.")
@click.option("--author", "authors", multiple=True, help="An author; repeat for more.")
@click.option("--date", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), help="Incident date, YYYY-MM-DD (default today).")
@click.option("--template", default="default", show_default=True, help="Template name in templates/ (NAME.md.j2).")
@click.option("--no-input", is_flag=True, help="Never prompt; use the flags and defaults as given.")
@click.pass_context
def new(ctx, title, severity, tags, services, authors, date_, template, no_input) -> None:
    """Scaffold a new postmortem from a template and print its path.

    The file is postmortems/<date>-<slug>.md with status: draft. An existing
    file is never overwritten: the command exits 1 instead.

    \b
    Examples:
      postmortem new "KV store latency from mass key expiry"
      postmortem new "DNS outage" --severity SEV1 --tag dns --service resolver --no-input
      postmortem new "Leaked token" --template default --date 2024-03-05 --author wei
    """
    import datetime as dt

    from postmortem_kb.scaffold import NewPostmortem, ScaffoldError, create_postmortem

    config = kb_config(ctx)
    severities = config["severities"]
    if not title:
        if no_input:
            fail("a TITLE is required with --no-input", EXIT_USAGE)
        title = click.prompt("Title")
    if severity and severity not in severities:
        fail(f"--severity {severity!r} is not one of {', '.join(severities)}", EXIT_USAGE)
    if not no_input:
        if not severity:
            severity = click.prompt("Severity", type=click.Choice(severities), default=severities[-1])
        if not tags:
            tags = _split_list(click.prompt("Tags (comma-separated)", default="", show_default=False))
        if not services:
            services = _split_list(click.prompt("Services (comma-separated)", default="", show_default=False))
        if not authors:
            authors = _split_list(click.prompt("Authors (comma-separated)", default=_git_user_name() or ""))
        if not date_:
            date_ = click.prompt(
                "Date", type=click.DateTime(formats=["%Y-%m-%d"]), default=dt.date.today().isoformat()
            )
    request = NewPostmortem(
        title=title.strip(),
        date=(date_.date() if date_ else dt.date.today()),
        severity=severity or "",
        tags=list(tags),
        services=list(services),
        authors=list(authors),
        template=template,
    )
    try:
        path = create_postmortem(config, request)
    except ScaffoldError as exc:
        fail(str(exc))
    from postmortem_kb.kb import display_path

    click.echo(display_path(path))


@main.command()
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


if __name__ == "__main__":
    main()
