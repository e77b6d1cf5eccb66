"""`postmortem new`: scaffold a postmortem from a template."""

from __future__ import annotations

import click

from postmortem_kb.commands.common import EXIT_USAGE, fail, kb_config


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


@click.command()
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
