"""`postmortem list`, `postmortem actions` and `postmortem stats`: the knowledge base as data."""

from __future__ import annotations

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
    from postmortem_kb.queries import select
    from postmortem_kb.records import LIST_COLUMNS, postmortem_record
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

    # The site's API record, in the columns of the listing (the API adds the times and the links).
    records = [postmortem_record(pm, kb.root, kb.config) for pm in chosen]
    _emit(output_format, [{column: record[column] for column in LIST_COLUMNS} for record in records], LIST_COLUMNS,
          table)
    sys.exit(EXIT_OK)


@click.group(invoke_without_command=True)
@click.option("--open", "only_open", is_flag=True, help="Only items still open (open, in-progress, or no status).")
@click.option("--overdue", "only_overdue", is_flag=True,
              help="Only open items past their due date (without one: the incident's date + the SLO of their priority).")
@click.option("--owner", "owners", multiple=True, help="Only items of this owner; repeat for any of several.")
@click.option("--check", is_flag=True, help="Exit 1 when any open item is overdue (for a scheduled job).")
@_format_option
@click.pass_context
def actions(ctx, only_open, only_overdue, owners, check, output_format) -> None:
    """List action items across all postmortems: open first, overdue first.

    An item without a due date is due at the incident's date plus the SLO
    of its priority (`actions.slo_days` in postmortem-kb.yml, default P1 28
    days, P2 56); the DUE column marks such dates with `*`. An open item
    older than its SLO whose own due date lies later shows as `SLO breach`
    (`slo_breached` in json and csv); it is not overdue. AGE is days since
    the incident, for open items.

    With --check the command exits 1 when any of the listed open items is
    overdue, or when a postmortem could not be loaded (its items could be
    overdue too), and 0 otherwise: a scheduled job can page on it.
    `postmortem actions reconcile` compares the items with a tracker.

    \b
    Examples:
      postmortem actions --open
      postmortem actions --overdue --owner wei
      postmortem actions --check --format json
      postmortem actions reconcile --from github issues.json
    """
    if ctx.invoked_subcommand is not None:
        return
    from postmortem_kb.ledger import slo_record
    from postmortem_kb.queries import ACTION_COLUMNS, action_record, select_actions
    from postmortem_kb.tables import render_table, terminal_width

    kb, errors = _load(ctx)
    entries = select_actions(kb.loaded, kb.config, only_open, only_overdue, list(owners))

    def state(e) -> str:
        if e.is_overdue:
            return "overdue"
        if e.slo_breached:
            return "SLO breach"
        return e.item.status or "open"

    def table() -> str:
        rows = [[(e.due.isoformat() + ("*" if e.due_from_slo else "")) if e.due else "-", state(e),
                 "-" if e.age_days is None else f"{e.age_days}d", e.item.owner or "-", e.item.action,
                 e.postmortem.id] for e in entries]
        # The postmortem id gives way first: its date prefix is what tells
        # items apart at a glance, and the action text matters more.
        body = render_table(["DUE", "STATE", "AGE", "OWNER", "ACTION", "POSTMORTEM"], rows, terminal_width(),
                            {5: 16, 4: 24, 3: 10})
        overdue = sum(1 for e in entries if e.is_overdue)
        breached = sum(1 for e in entries if e.slo_breached and not e.is_overdue)
        notes = [f"{breached} beyond the SLO of its priority"] if breached else []
        if any(e.due_from_slo for e in entries):
            notes.append("* due by the SLO of its priority")
        return f"{body}\n{len(entries)} action item(s), {overdue} overdue" + "".join(f"; {n}" for n in notes)

    records = [{**action_record(e, kb.root), **slo_record(e)} for e in entries]
    columns = [*ACTION_COLUMNS, "due_effective", "due_from_slo", "slo_days", "age_days", "slo_breached"]
    _emit(output_format, records, columns, table)
    if check:
        overdue = [e for e in entries if e.is_overdue]
        if overdue:
            by_slo = sum(1 for e in overdue if e.due_from_slo)
            click.echo(f"{len(overdue)} open action item(s) are overdue"
                       + (f" ({by_slo} by the SLO of their priority)" if by_slo else ""), err=True)
        sys.exit(EXIT_PROBLEM if overdue or errors else EXIT_OK)
    sys.exit(EXIT_OK)


@actions.command(name="reconcile")
@click.option("--from", "source", type=click.Choice(["github", "jira", "csv"]), required=True,
              help="The kind of export FILE is.")
@click.argument("exports", metavar="FILE...", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--write", is_flag=True, help="Set the status (and a Closed column) of items whose ticket is closed.")
@click.option("--check", is_flag=True, help="Exit 1 when drift remains (for a scheduled job).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def reconcile(ctx, source, exports, write, check, output_format) -> None:
    """Compare action items with what the tracker says, from an export.

    FILE is what the tracker gives offline: `gh issue list --state all
    --limit 1000 --json number,title,state,url,closedAt,assignees,labels`
    (github), a Jira search response, one file a page (jira), or a CSV with
    ticket, status and closed date columns (csv). Each item whose Ticket
    cell names a ticket of that tracker is checked; drift is a ticket closed
    while the item is open, an item done while its ticket is open, a ticket
    the export does not have, or an owner who is not the ticket's assignee.

    --write sets the status of items whose ticket is closed (done, or
    wontfix for a ticket closed as not planned) and fills a Closed column
    when the table has one; it edits only those cells, atomically, and a
    second run changes nothing. The other kinds of drift are reported for
    a person to settle. Exit 0, or 1 with --check when drift remains (or an
    export or postmortem cannot be read), 2 on a usage error.

    \b
    Examples:
      gh issue list --state all --limit 1000 --json number,title,state,url,closedAt,assignees,labels > issues.json
      postmortem actions reconcile --from github issues.json
      postmortem actions reconcile --from jira search.json --write
      postmortem actions reconcile --from csv tickets.csv --check
    """
    import json

    from postmortem_kb.reconcile import ReconcileError, read_tracker, write_fixes
    from postmortem_kb.reconcile import reconcile as compare

    config = kb_config(ctx)
    try:
        tracker = read_tracker(source, list(exports))
    except ReconcileError as exc:
        fail(str(exc), EXIT_PROBLEM)
    kb, errors = _load(ctx)
    report = compare(kb.loaded, tracker, config)
    written: list[str] = []
    problems: list[str] = []
    if write:
        written, problems = write_fixes(config, report)
        if written:
            kb, errors = _load(ctx)
            report = compare(kb.loaded, tracker, config)
    if output_format == "json":
        click.echo(json.dumps({**report.as_dict(), "written": written, "problems": problems}, indent=2,
                              ensure_ascii=False))
    else:
        for line in report.lines():
            click.echo(line)
        for path in written:
            click.echo(f"wrote {path}")
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(report.summary())
    if check and (report.drift or errors or problems):
        sys.exit(EXIT_PROBLEM)
    sys.exit(EXIT_PROBLEM if problems else EXIT_OK)


@click.command()
@click.option("--by", type=click.Choice(["all", "year", "quarter", "month", "severity", "service", "tag", "trigger",
                                         "factor", "detection"]),
              default="month", show_default=True, help="How to group the postmortems (`all`: one group).")
@filter_options
@_format_option
@click.pass_context
def stats(ctx, by, tags, services, severities, statuses, since, until, output_format) -> None:
    """Count postmortems, with the median and 90th percentile of their times, grouped.

    Time to detect runs from started_at to detected_at, to mitigate to
    mitigated_at, to resolve to resolved_at. Each cell is `median / p90 (n)`:
    n postmortems had both times. Medians, not means: one long outage does
    not move a median. A postmortem with several tags, services or
    contributing factors counts in each group; one with none counts under
    "(none)". json and csv add the ids behind each group.

    \b
    Examples:
      postmortem stats
      postmortem stats --by all
      postmortem stats --by quarter --since 2024-01-01
      postmortem stats --by severity --format json
      postmortem stats --by trigger --format csv > triggers.csv
    """
    from postmortem_kb.metrics import format_duration
    from postmortem_kb.queries import (
        STATS_COLUMNS,
        STATS_DURATIONS,
        select,
        stats_record,
    )
    from postmortem_kb.queries import stats as compute_stats
    from postmortem_kb.tables import render_table, terminal_width

    filters = _filters(tags, services, severities, statuses, since, until)
    kb, _ = _load(ctx)
    chosen = select(kb.loaded, filters)
    groups = compute_stats(chosen, by, kb.config)

    def cell(summary) -> str:
        if not summary.n:
            return "- (0)"
        return f"{format_duration(summary.median)} / {format_duration(summary.p90)} ({summary.n})"

    def table() -> str:
        rows = [[g.key, g.count, *[cell(g.summary(name)) for _, name in STATS_DURATIONS]] for g in groups]
        body = render_table([by.upper(), "COUNT", "TO DETECT", "TO MITIGATE", "TO RESOLVE"], rows,
                            terminal_width(), {0: 12})
        return f"{body}\n{len(chosen)} postmortem(s); each time: median / 90th percentile (n with both times)"

    _emit(output_format, [stats_record(g) for g in groups], STATS_COLUMNS, table)
    sys.exit(EXIT_OK)

