"""`postmortem list`, `postmortem actions` and `postmortem stats`: the knowledge base as data."""

from __future__ import annotations

import sys

import click

from postmortem_kb.commands.common import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, fail, kb_config

FORMATS = click.Choice(["table", "json", "csv"])
DATE = click.DateTime(formats=["%Y-%m-%d"])


def filter_options(command):
    """The filters `list` and `stats` share."""
    options = [
        click.option("--tag", "tags", multiple=True, help="Only postmortems with this tag; repeat for any of several."),
        click.option("--service", "services", multiple=True, help="Only postmortems about this service; repeatable."),
        click.option("--severity", "severities", multiple=True, help="Only this severity; repeatable."),
        click.option("--status", "statuses", multiple=True, help="Only this status (draft, in-review, published); repeatable."),
        click.option("--since", type=DATE, help="Only incidents on or after this date (YYYY-MM-DD)."),
        click.option("--until", type=DATE, help="Only incidents on or before this date (YYYY-MM-DD)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(tags, services, severities, statuses, since, until):
    from postmortem_kb.queries import Filters

    if since and until and since > until:
        fail(f"--since {since.date()} is after --until {until.date()}", EXIT_USAGE)
    return Filters(list(tags), list(services), list(severities), list(statuses),
                   since.date() if since else None, until.date() if until else None)


def _load(ctx):
    """The knowledge base; files that could not be loaded are named on stderr, never dropped silently."""
    from postmortem_kb.kb import load_knowledge_base

    kb = load_knowledge_base(config=kb_config(ctx))
    errors = kb.load_errors()
    for error in errors:
        click.echo(f"warning: {error.path}:{error.line}: {error.message} (not counted here)", err=True)
    return kb, errors


def _emit(output_format: str, records: list[dict], columns: list[str], table) -> None:
    import json

    from postmortem_kb.tables import render_csv

    if output_format == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif output_format == "csv":
        rows = [[_csv_value(record[c]) for c in columns] for record in records]
        click.echo(render_csv(columns, rows), nl=False)
    else:
        click.echo(table())


def _csv_value(value) -> object:
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _format_option(command):
    return click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
                        help="table for people, json or csv for scripts.")(command)


@click.command(name="list")
@filter_options
@_format_option
@click.pass_context
def list_postmortems(ctx, tags, services, severities, statuses, since, until, output_format) -> None:
    """List postmortems, newest first, with filters.

    Repeating a filter accepts any of its values; different filters must all
    match. A file that cannot be loaded is named on stderr.

    \b
    Examples:
      postmortem list
      postmortem list --tag server-infra --severity SEV1 --severity SEV2
      postmortem list --since 2024-01-01 --status published --format json
      postmortem list --service checkout --format csv > checkout.csv
    """
    from postmortem_kb.queries import LIST_COLUMNS, postmortem_record, select
    from postmortem_kb.tables import render_table, terminal_width

    filters = _filters(tags, services, severities, statuses, since, until)
    kb, _ = _load(ctx)
    chosen = select(kb.loaded, filters)

    def table() -> str:
        # The id repeats the date and the title's words, and would not fit
        # 80 columns beside them; json and csv carry it, with the path.
        rows = [[pm.date.isoformat() if pm.date else "-", pm.severity or "-", pm.status or "-", pm.title]
                for pm in chosen]
        body = render_table(["DATE", "SEV", "STATUS", "TITLE"], rows, terminal_width(), {3: 20})
        return f"{body}\n{len(chosen)} postmortem(s)"

    _emit(output_format, [postmortem_record(pm, kb.root) for pm in chosen], LIST_COLUMNS, table)
    sys.exit(EXIT_OK)


@click.command()
@click.option("--open", "only_open", is_flag=True, help="Only items still open (open, in-progress, or no status).")
@click.option("--overdue", "only_overdue", is_flag=True, help="Only open items whose due date has passed.")
@click.option("--owner", "owners", multiple=True, help="Only items of this owner; repeat for any of several.")
@click.option("--check", is_flag=True, help="Exit 1 when any open item is overdue (for a scheduled job).")
@_format_option
@click.pass_context
def actions(ctx, only_open, only_overdue, owners, check, output_format) -> None:
    """List action items across all postmortems: open first, overdue first.

    With --check the command exits 1 when any of the listed open items is
    overdue, or when a postmortem could not be loaded (its items could be
    overdue too), and 0 otherwise: a scheduled job can page on it.

    \b
    Examples:
      postmortem actions --open
      postmortem actions --overdue --owner wei
      postmortem actions --check --format json
    """
    from postmortem_kb.queries import ACTION_COLUMNS, action_record, select_actions
    from postmortem_kb.tables import render_table, terminal_width

    kb, errors = _load(ctx)
    entries = select_actions(kb.loaded, kb.config, only_open, only_overdue, list(owners))

    def table() -> str:
        rows = [[e.item.due or "-", "overdue" if e.is_overdue else (e.item.status or "open"), e.item.owner or "-",
                 e.item.action, e.postmortem.id] for e in entries]
        # The postmortem id gives way first: its date prefix is what tells
        # items apart at a glance, and the action text matters more.
        body = render_table(["DUE", "STATE", "OWNER", "ACTION", "POSTMORTEM"], rows, terminal_width(),
                            {4: 16, 3: 24, 2: 10})
        overdue = sum(1 for e in entries if e.is_overdue)
        return f"{body}\n{len(entries)} action item(s), {overdue} overdue"

    _emit(output_format, [action_record(e, kb.root) for e in entries], ACTION_COLUMNS, table)
    if check:
        overdue = [e for e in entries if e.is_overdue]
        if overdue:
            click.echo(f"{len(overdue)} open action item(s) are overdue", err=True)
        sys.exit(EXIT_PROBLEM if overdue or errors else EXIT_OK)
    sys.exit(EXIT_OK)


@click.command()
@click.option("--by", type=click.Choice(["month", "quarter", "severity", "service", "tag"]), default="month",
              show_default=True, help="How to group the postmortems.")
@filter_options
@_format_option
@click.pass_context
def stats(ctx, by, tags, services, severities, statuses, since, until, output_format) -> None:
    """Count postmortems and their mean time to detect and to resolve, grouped.

    Times come from started_at, detected_at and resolved_at; a mean is over
    the postmortems that have both of its times, and that number is shown in
    brackets. A postmortem with several tags or services counts in each
    group; one with none counts under "(none)".

    \b
    Examples:
      postmortem stats
      postmortem stats --by quarter --since 2024-01-01
      postmortem stats --by service --severity SEV1 --format csv
    """
    from postmortem_kb.metrics import format_duration
    from postmortem_kb.queries import STATS_COLUMNS, select, stats as compute_stats, stats_record
    from postmortem_kb.tables import render_table, terminal_width

    filters = _filters(tags, services, severities, statuses, since, until)
    kb, _ = _load(ctx)
    chosen = select(kb.loaded, filters)
    groups = compute_stats(chosen, by)

    def table() -> str:
        rows = [[g.key, g.count, f"{format_duration(g.mean_time_to_detect)} ({g.detect_samples})",
                 f"{format_duration(g.mean_time_to_resolve)} ({g.resolve_samples})"] for g in groups]
        body = render_table([by.upper(), "COUNT", "MEAN TIME TO DETECT", "MEAN TIME TO RESOLVE"], rows,
                            terminal_width(), {0: 16})
        return f"{body}\n{len(chosen)} postmortem(s); (n) = how many had the times for that mean"

    _emit(output_format, [stats_record(g) for g in groups], STATS_COLUMNS, table)
    sys.exit(EXIT_OK)

