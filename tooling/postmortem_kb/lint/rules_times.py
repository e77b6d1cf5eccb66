"""Time rules: the incident's timestamps in order, and a timeline that parses and runs forward."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.model import ERROR, INFO, WARNING, Postmortem
from postmortem_kb.schema import DATETIME_FIELDS


def _show(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="minutes")


@rule("incident-time-order", ERROR, "`started_at <= detected_at <= mitigated_at <= resolved_at`.")
def incident_time_order(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    facts = ctx.facts(pm)
    previous: tuple[str, dt.datetime] | None = None
    for key in DATETIME_FIELDS:
        moment = pm.moment(key)
        if moment is None:
            continue
        if previous is not None and moment < previous[1]:
            yield Hit(facts.key_line(key), f"`{key}` ({_show(moment)}) is before `{previous[0]}` "
                                           f"({_show(previous[1])}); the order is {' <= '.join(DATETIME_FIELDS)}")
        else:
            previous = (key, moment)


@rule("timeline-time", ERROR, "Every timeline row has a time that parses.")
def timeline_times(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for event in pm.timeline:
        if event.error:
            yield Hit(event.line, f"timeline row: {event.error}")


def _comparable(a: dt.datetime, b: dt.datetime) -> bool:
    # A row with its own offset beside rows with none (no zone known): the
    # two cannot be ordered without guessing a zone, so they are not.
    return (a.tzinfo is None) == (b.tzinfo is None)


@rule("timeline-order", ERROR, "Timeline rows are in chronological order.")
def timeline_order(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    latest = None
    for event in pm.timeline:
        if event.time is None:
            continue
        if latest is not None and _comparable(event.time, latest.time) and event.time < latest.time:
            yield Hit(event.line, f"this row ({_show(event.time)}) goes back in time: it is before the row on "
                                  f"line {latest.line} ({_show(latest.time)}); order the rows by time "
                                  "(a row after midnight needs its full date)")
        else:
            latest = event


@rule("timeline-midnight", INFO, "A time of day earlier than the row above is read as the next day.")
def timeline_midnight(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for event in pm.timeline:
        if event.crossed_midnight and event.time is not None:
            yield Hit(event.line, f"read as the next day, {event.time.date().isoformat()} (the time is earlier "
                                  "than the row above); write the full date on this row to say so explicitly")


@rule("timeline-zone", WARNING, "The timeline's times have a known zone, and a stated zone fits its dates.")
def timeline_zone(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    zone = pm.timeline_zone
    line = zone.line or pm.timeline_line or 1
    for severity, message in zone.notes:
        if severity == WARNING:
            yield Hit(line, message)
    naive = [event for event in pm.timeline if event.time is not None and event.time.tzinfo is None]
    if naive:
        yield Hit(naive[0].line, f"{len(naive)} timeline time(s) have no zone, so they carry no offset and "
                                 "durations cannot use them; add `timezone:` (an IANA name such as "
                                 "Europe/Paris) to the front matter, or a line such as `All times in UTC`")


@rule("timeline-zone-abbreviation", INFO, "A zone abbreviation is read with its zone's daylight-saving rules.")
def timeline_zone_abbreviation(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    zone = pm.timeline_zone
    for severity, message in zone.notes:
        if severity == INFO:
            yield Hit(zone.line or pm.timeline_line or 1, message)


@rule("timeline-window", WARNING, "Timeline rows fall between `started_at` and `resolved_at`.")
def timeline_window(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    started, resolved = pm.moment("started_at"), pm.moment("resolved_at")
    if started is None and resolved is None:
        return
    for event in pm.timeline:
        if event.time is None or event.time.tzinfo is None:
            continue
        if started is not None and event.time < started:
            yield Hit(event.line, f"this row ({_show(event.time)}) is before `started_at` ({_show(started)}); "
                                  "check the time, or move `started_at` earlier")
        elif resolved is not None and event.time > resolved:
            yield Hit(event.line, f"this row ({_show(event.time)}) is after `resolved_at` ({_show(resolved)}); "
                                  "check the time, or move `resolved_at` later")
