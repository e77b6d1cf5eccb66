"""`postmortem timeline import`: merge an incident's raw record into its timeline."""

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

SOURCES = ("slack", "pagerduty", "statuspage", "opsgenie", "csv")


@click.group()
def timeline() -> None:
    """Work on a postmortem's timeline.

    \b
    Examples:
      postmortem timeline import 2024-03-05-checkout-errors --from slack export/incidents/2024-03-05.json
      postmortem timeline import 2024-03-05-checkout-errors --from pagerduty log_entries.json --dry-run
    """


def _bound(value: str | None, zone, end_of_day: bool, option: str):
    """A --since/--until value: a date (the whole day) or a date-time; no offset means the postmortem's zone."""
    import datetime as dt

    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(f"{option} {value!r} is not a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:MM[+01:00])", EXIT_USAGE)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def read_export(source: str, path: Path, zone, users: Path | None, pinned_only: bool):
    from postmortem_kb.importers import csv_rows, opsgenie, pagerduty, slack, statuspage

    if source == "slack":
        return slack.read_slack(path, users=users, pinned_only=pinned_only)
    if source == "pagerduty":
        return pagerduty.read_pagerduty(path)
    if source == "statuspage":
        return statuspage.read_statuspage(path)
    if source == "opsgenie":
        return opsgenie.read_opsgenie(path)
    return csv_rows.read_csv(path, zone)


@timeline.command(name="import")
@click.argument("pm_id", metavar="ID")
@click.argument("export", metavar="FILE", type=click.Path(exists=True, path_type=Path))
@click.option("--from", "source", type=click.Choice(SOURCES), required=True, help="The kind of export FILE is.")
@click.option("--since", help="Only events at or after this date (YYYY-MM-DD) or date-time.")
@click.option("--until", help="Only events at or before this date (the whole day) or date-time.")
@click.option("--dry-run", is_flag=True, help="Show the rows that would be added; change nothing.")
@click.option("--users", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Slack: the export's users.json, to name people (default: found beside FILE).")
@click.option("--pinned-only", is_flag=True, help="Slack: only messages with a pin (or a pushpin reaction).")
@click.option("--wait", "lock_timeout", type=click.FloatRange(min=0), default=30, show_default=True,
              help="Seconds to wait for another import into the same postmortem to finish.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def import_timeline(ctx, pm_id, export, source, since, until, dry_run, users, pinned_only, lock_timeout,
                    output_format) -> None:
    """Merge events from an export into the timeline of postmortem ID.

    ID is the postmortem's file name without .md. FILE is a Slack channel
    export (one day's JSON file, or the channel's folder), a PagerDuty log
    entries response, a Statuspage incidents response, an Opsgenie alert
    log, or a CSV with a time column. Rows are merged into the timeline in
    time order, written as YYYY-MM-DD HH:MM in the postmortem's zone; rows
    already there are skipped, so running it twice adds nothing. The file is
    replaced atomically and nothing else in it changes. Two imports into one
    postmortem at once take turns (a lock beside the file), and both land.

    Exit 0 on success (also when nothing was new), 1 when the export or the
    postmortem cannot be used (the postmortem is then untouched), 2 on a
    usage error.

    \b
    Examples:
      postmortem timeline import 2024-03-05-checkout-errors --from slack slack-export/incidents/2024-03-05.json
      postmortem timeline import 2024-03-05-checkout-errors --from slack slack-export/incidents --pinned-only
      postmortem timeline import 2024-03-05-checkout-errors --from pagerduty log_entries.json --since 2024-03-05
      postmortem timeline import 2024-03-05-checkout-errors --from csv events.csv --dry-run
    """
    import datetime as dt
    import json

    from postmortem_kb.importers import ImportFailure
    from postmortem_kb.importers.timeline_merge import find_postmortem, merge_timeline
    from postmortem_kb.kb import display_path, load_one
    from postmortem_kb.zones import zone_from_text

    config = kb_config(ctx)
    try:
        path = find_postmortem(config, pm_id)
        known = load_one(path, config).timeline_zone.value
        zone_of_postmortem = zone_from_text(known) if known else None
        # Times an export gives without an offset are in the postmortem's
        # zone; with none known, in UTC (the rows then say so).
        zone = zone_of_postmortem.tz if zone_of_postmortem is not None else dt.timezone.utc
        start, end = _bound(since, zone, False, "--since"), _bound(until, zone, True, "--until")
        if start and end and start > end:
            fail(f"--since {since} is after --until {until}", EXIT_USAGE)
        try:
            data = read_export(source, export, zone, users, pinned_only)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as exc:
            # An export whose values have types its tool never writes.
            raise ImportFailure(f"{export}: this {source} export has a value of an unexpected shape "
                                f"({type(exc).__name__}: {exc}); nothing written") from None
        result = merge_timeline(config, pm_id, data.rows, since=start, until=end, dry_run=dry_run,
                                lock_timeout=lock_timeout)
    except ImportFailure as exc:
        fail(str(exc), EXIT_PROBLEM)

    shown = display_path(result.path)
    if output_format == "json":
        click.echo(json.dumps({
            "postmortem": shown,
            "dry_run": dry_run,
            "written": result.written,
            "added": [{"time": t, "event": text} for t, text in result.added],
            "already_there": result.duplicates,
            "outside_window": result.outside_window,
            "notes": data.notes,
        }, indent=2, ensure_ascii=False))
        sys.exit(EXIT_OK)
    for time_cell, text in result.added:
        click.echo(f"+ | {time_cell} | {text} |")
    extra = [f"{result.duplicates} already there"] if result.duplicates else []
    if result.outside_window:
        extra.append(f"{result.outside_window} outside --since/--until")
    extra += data.notes
    verb = "would add" if dry_run else "added"
    click.echo(f"{shown}: {verb} {len(result.added)} row(s)" + (f" ({'; '.join(extra)})" if extra else ""))
    sys.exit(EXIT_OK)
