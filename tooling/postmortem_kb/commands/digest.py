"""`postmortem digest`: what changed lately, as markdown, JSON or a Slack message."""

from __future__ import annotations

import sys

import click

from postmortem_kb.commands.common import EXIT_OK, EXIT_USAGE, fail, kb_config


@click.command()
@click.option("--since", default="7d", show_default=True,
              help="The window: a number of days (7d) or weeks (2w) back from today, or a date (YYYY-MM-DD).")
@click.option("--format", "output_format", type=click.Choice(["markdown", "json", "slack"]), default="markdown",
              show_default=True, help="slack: Block Kit JSON for an incoming webhook.")
@click.option("--site-url", metavar="URL",
              help="The published site's address, to link each postmortem (https://postmortems.example.com).")
@click.pass_context
def digest(ctx, since, output_format, site_url) -> None:
    """Summarise new and newly published postmortems, newly overdue items and waiting reviews.

    New: incidents dated in the window. Newly published: published (or
    closed) postmortems whose last approval is in the window. Overdue: open
    action items whose due date (their own, or the incident's date plus the
    SLO of their priority) passed in the window. Reviews: what waits now
    (in review, stale drafts, published without enough approvals). It reads
    the files only, so a shallow CI checkout gives the full answer.

    The tool posts nothing: pipe the slack format to your webhook.

    \b
    Examples:
      postmortem digest
      postmortem digest --since 2w --format json
      postmortem digest --format slack --site-url https://postmortems.example.com > digest.json
      curl -X POST -H 'Content-type: application/json' --data @digest.json "$SLACK_WEBHOOK_URL"
    """
    import datetime as dt

    from postmortem_kb.digest import (
        build_digest,
        parse_since,
        render_json,
        render_markdown,
        render_slack,
    )
    from postmortem_kb.kb import load_knowledge_base

    config = kb_config(ctx)
    today = dt.date.today()
    try:
        start = parse_since(since, today)
    except ValueError:
        fail(f"--since {since!r} is not a number of days (7d), of weeks (2w) or a date (YYYY-MM-DD)", EXIT_USAGE)
    if start > today:
        fail(f"--since {since} is in the future", EXIT_USAGE)
    if site_url is not None and not site_url.startswith(("https://", "http://")):
        fail("--site-url must start with https:// or http://", EXIT_USAGE)
    kb = load_knowledge_base(config=config)
    for error in kb.load_errors():
        click.echo(f"warning: {error.path}:{error.line}: {error.message} (not counted here)", err=True)
    result = build_digest(kb.loaded, config, start, today)
    render = {"markdown": render_markdown, "json": render_json, "slack": render_slack}[output_format]
    click.echo(render(result, site_url), nl=output_format != "markdown")
    sys.exit(EXIT_OK)
