"""Timeline times as people write them, and the moments they stand for.

Reading is in two steps. `leading_time`, `parse_time_cell` and `day_marker`
say what a piece of text writes (a date, a time of day, a zone) without
context. `TimeResolver` then walks a timeline's rows in order: a full date
sets the current date, a time of day continues it (crossing midnight when
it falls more than twelve hours behind the row above), and the zone is the
row's own or the timeline's, applied with daylight saving on the row's date.
A time that cannot be read is an error with what to write instead; no zone
is ever guessed (without one, moments are naive wall-clock times).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from postmortem_kb.zones import (
    ABBREVIATION_PATTERN,
    Zone,
    abbreviation_note,
    zone_from_text,
)

# -- the pieces of a written time ------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MONTH_NUMBER = {name[:3].lower(): n for n, name in enumerate(_MONTHS, 1)}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _title_and_upper(forms: set[str]) -> str:
    # Lower case is left out on purpose: "may", "march", "sun" begin ordinary sentences.
    written = forms | {form.upper() for form in forms}
    return "|".join(sorted(written, key=len, reverse=True))


_MONTH = r"(?:" + _title_and_upper({f for name in _MONTHS for f in (name, name[:3])} | {"Sept"}) + r")\.?(?![A-Za-z])"
_WEEKDAY = r"(?:" + _title_and_upper(
    {f for name in _WEEKDAYS for f in (name, name[:3])} | {"Tues", "Thur", "Thurs"}) + r")\.?(?![A-Za-z])"
_ORDINAL = r"(?:st|nd|rd|th)?"
# A year that is not the start of a time of day ("Jan 14 2024" but not "Jan 14 20:24").
_YEAR = r"\d{4}(?![\d:.]\d)"

_DATE = rf"""
    (?:
        (?P<iy>\d{{4}})(?P<isep>[-/.])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}})(?!\d)
      | (?P<ua>\d{{1,2}})(?P<usep>[-/.])(?P<ub>\d{{1,2}})(?P=usep)(?P<uy>\d{{4}})(?!\d)
      | (?P<mn>{_MONTH})[ \t]+(?P<md>\d{{1,2}}){_ORDINAL}(?!\d)(?:,?[ \t]+(?P<my>{_YEAR}))?
      | (?P<dd>\d{{1,2}}){_ORDINAL}[ \t]+(?:of[ \t]+)?(?P<dn>{_MONTH})(?:,?[ \t]+(?P<dy>{_YEAR}))?
    )
"""
_AMPM = r"[AaPp]\.?[ \t]?[Mm]\.?(?![A-Za-z])"
# Zones written right after a time: "10:05Z", "10:05 UTC", "10:05 UTC+2", "10:05 +0200", "1 PM PST",
# "10:05 Pacific Time".
_ZONE_AFTER = (
    r"(?:Z(?![A-Za-z\-])"
    r"|(?:UTC|GMT)(?:[ \t]?[+\-\u2212][ \t]?\d{1,2}(?::?\d{2})?(?!\d))?(?![A-Za-z])"
    r"|\+\d{2}:?\d{2}(?!\d)"
    r"|" + ABBREVIATION_PATTERN +
    r"|(?:US[ \t]+)?(?:Pacific|Mountain|Central|Eastern)[ \t]+(?:(?:Standard|Daylight)[ \t]+)?Time(?![A-Za-z])"
    r")"
)
_CLOCK = rf"""
    (?:
        # 12-hour: "1:30 PM", "1:30pm", "1 PM", "3am", "11:12 a.m.", "10.18 pm"
        (?P<th>\d{{1,2}})(?:[:.](?P<tm>\d{{2}})(?::(?P<ts>\d{{2}})(?:[.,]\d+)?)?)?[ \t]?(?P<ampm>{_AMPM})
        # 24-hour: "17:00", "13:06:45", "10:05:00.123+01:00"
      | (?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?::(?P<s>\d{{2}})(?:[.,]\d+)?(?P<soff>[+\-]\d{{2}}:?\d{{2}}(?!\d|:\d))?)?(?!\d)
        # "13h05"
      | (?P<hh>\d{{1,2}})h(?P<hm>\d{{2}})(?!\d)
        # "10.18" only where nothing else can be meant: before a zone or "Uhr" (German), or alone
      | (?P<dh>\d{{1,2}})\.(?P<dm>\d{{2}})(?=[ \t]*\(?{_ZONE_AFTER}|[ \t]?Uhr(?![A-Za-z])|[\s*_`\])~]*$)
        # military: "1430Z", "1430 UTC", "1430hrs"
      | (?P<mh>[01]\d|2[0-3])(?P<mm>[0-5]\d)(?=[ \t]?(?:Z|UTC|GMT|hrs?|h)(?![A-Za-z]))
    )
    (?:[ \t]?(?:hrs?|h|Uhr)(?![A-Za-z]))?
"""
_RANGE_END = rf"""
    (?:\d{{4}}-\d{{2}}-\d{{2}}[ T])?
    (?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[ \t]?{_AMPM})?|\d{{1,2}}[ \t]?{_AMPM}|\d{{1,2}}:[?xX]{{2}})
"""
_APPROX_BEFORE = r"(?:~|\u2248|[Cc]a\.|[Cc]irca|[Aa]pprox(?:imately|\.)?|[Rr]oughly|[Aa]bout)"
_SEPARATOR = r"(?:->|=>|\u2192|[:\-\u2013\u2014|,]|\.(?=\s))"

# Prose timelines open a line with a word before the time: "At 09:12 the gateway...", "Around 9:45 PM we...",
# "On Feb 26 at 10:05, ...". Such a line counts only when a clock follows ("On 2 occasions" is no time).
_LEAD_WORDS = (r"(?:[Aa]t|[Aa]round|By|From|On|Until|Shortly[ \t]+(?:after|before)|Just[ \t]+(?:after|before)"
               r"|Starting[ \t]+at)")

_LEADING = re.compile(
    rf"""
    (?P<open>[ \t*_`\[(]*)
    (?:(?P<lead>{_LEAD_WORDS})[ \t]+)?
    (?:(?P<approx>{_APPROX_BEFORE})[ \t]*)?
    (?P<core>
        (?:(?P<wday>{_WEEKDAY}),?[ \t]+)?
        (?:(?P<date>{_DATE})(?:T|[ \t]*,?[ \t]*(?:(?:at|@)[ \t]+)?)?)?
        (?P<clock>{_CLOCK})?
        (?(clock)
            (?:[ \t]*\(?[ \t]*(?P<zone>{_ZONE_AFTER})\)?)?
            (?:[ \t]*(?:-|\u2013|\u2014|to|until|till|through|\u2192)[ \t]*{_RANGE_END}
               (?:[ \t]*\(?[ \t]*(?P<zone2>{_ZONE_AFTER})\)?)?)?
        )
        (?P<approx_after>[ \t]*(?:~|ish(?![A-Za-z])|\(approx(?:\.|imately)?\)))?
    )
    (?P<close>[ \t]*{_SEPARATOR}?[ \t]*[*_`\])]*)
    (?P<sep>[ \t]*{_SEPARATOR}?[ \t]*)
    """,
    re.VERBOSE,
)
_NUMBER_WORDS_LIST = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NUMBER_WORDS = "|".join(_NUMBER_WORDS_LIST)
# A heading or line that names a day and nothing else: "2024-02-26", "Monday, 26 February", "Day 2 (Tuesday)".
_DAY = re.compile(
    rf"""
    [\s*_#]*
    (?:(?:Day|DAY|day)[ \t]*(?:(?P<n>\d{{1,3}})(?!\d)|(?P<word>(?i:{_NUMBER_WORDS}))(?![A-Za-z]))
       [ \t]*[-\u2013\u2014:,]?[ \t]*)?
    (?:{_WEEKDAY},?[ \t]*)?
    (?P<date>{_DATE})?
    (?:[ \t]*[-\u2013\u2014,:]?[ \t]*\((?P<paren>[^()]*)\))?
    (?:[ \t]*[-\u2013\u2014,]?[ \t]*{_WEEKDAY})?
    [\s*_.:]*
    """,
    re.VERBOSE,
)
# What a time cell may hold after its time: closing marks and "approximately".
_CELL_TAIL = re.compile(r"[\s*_`~?.,;:()\[\]\-]*(?:approx(?:\.|imately)?|ish)?[\s*_`~?.,;:()\[\]\-]*")
# A time of day left as a template's placeholder or marked unknown: "HH:mm", "--:--", "??:??", "14:??".
_PLACEHOLDER_CLOCK = re.compile(r"[ \t]*(?:[-?xX]{1,2}:[-?xX]{2}|[Hh]{1,2}:[Mm]{2}|\d{1,2}:[-?xX]{2})(?![\w?])")
_AFTER_TIME = re.compile(rf"[ \t]*{_SEPARATOR}?[ \t]*[*_`\])]*[ \t]*{_SEPARATOR}?[ \t]*")
_UNSURE = re.compile(r"approx|ish|[~?]", re.IGNORECASE)
_CLOCK_IN_TEXT = re.compile(r"\d:\d\d|\d\s?[AaPp]\.?[Mm]\b")
# First characters a leading time can start with: digits, wrapping marks, "~", and the
# capitals of month and weekday names and of "approx."/"ca.".
_STARTS = frozenset("0123456789*_`[(~\u2248 \tJFMASONDTWcaCBU")


@dataclass(frozen=True)
class TimeText:
    """What a time written at the start of a text says, before date carrying and zones.

    `raw` is the time as written, without the emphasis, brackets and separator
    around it ("1:30 PM" from "**1:30 PM** - text"); `end` is the index in the
    input just past the time, its closing marks and the separator after it,
    so `text[end:]` is the event. At least one of `date`, `month_day` and
    `clock` is set, unless `problem` says why the written time cannot be
    used ("2024-02-30", "13:30 PM", "25:61"); a date whose time is a
    placeholder ("2022-06-02 HH:mm", "2024-03-13 14:??") keeps its `date`
    beside the `problem`, so the rows below still continue that day.
    """

    raw: str
    end: int
    date: dt.date | None = None
    month_day: tuple[int, int] | None = None
    clock: dt.time | None = None
    zone: str | None = None  # as written: "Z", "UTC", "PST", "+02:00", "UTC+2"
    approximate: bool = False  # "~10:18", "10:45~", "approx. 10:18"
    problem: str | None = None


@dataclass(frozen=True)
class DayMarker:
    """A heading or line that names a day without a time: "2024-02-26", "Monday, 26 February", "Day 2"."""

    date: dt.date | None = None
    month_day: tuple[int, int] | None = None
    day_number: int | None = None
    problem: str | None = None


def leading_time(text: str) -> TimeText | None:
    """The time at the very start of a line, list item, cell or heading, or None when it starts otherwise.

    Prose that merely starts with a number ("5 pods crashed", "2 hours
    later", "1.14 upgrade", "404 errors") is not a time; a range
    ("10:05-10:20") gives its start.
    """
    if not text or text[0] not in _STARTS:
        return None
    match = _LEADING.match(text)
    if match is None or not (match.group("date") or match.group("clock")):
        return None
    if match.group("lead") and not match.group("clock"):
        return None
    if match.group("date") and not match.group("clock"):
        unknown = _unknown_clock(match, text)
        if unknown is not None:
            return unknown
        if _needs_separator(match, text):
            return None
    return _time_text(match, text)


@functools.lru_cache(maxsize=8192)
def parse_time_cell(text: str) -> TimeText | None:
    """The time a table cell (or heading) holds, when the whole of it is a time; None otherwise.

    "14:??" and "HH:mm" are None: the caller reports the cell as unreadable.
    Kept per text (the answer is immutable): a clock such as "14:05" recurs
    across a knowledge base's timelines, and its pattern is the costliest step.
    """
    if not text or text[0] not in _STARTS:
        return None
    match = _LEADING.match(text)
    if match is None or not (match.group("date") or match.group("clock")):
        return None
    if match.group("date") and not match.group("clock"):
        unknown = _unknown_clock(match, text)
        if unknown is not None:
            return unknown if _CELL_TAIL.match(text, unknown.end).end() == len(text) else None
    tail = _CELL_TAIL.match(text, match.end("core"))
    if tail.end() != len(text):
        return None
    stamp = _time_text(match, text)
    # "10:45 (approx.)", "10:05?", "2019-12-03 ~" say the time is not exact.
    approximate = stamp.approximate or bool(_UNSURE.search(text, match.end("core")))
    return TimeText(stamp.raw, len(text), stamp.date, stamp.month_day, stamp.clock, stamp.zone, approximate,
                    stamp.problem)


def day_marker(text: str) -> DayMarker | None:
    """The day a heading or line names when it names a day and no time, else None.

    "2024-02-26", "Feb 26, 2024", "Monday, 26 February", "Day 2",
    "Day 2 (Tuesday)", "**Day 1: Feb 26**".
    """
    if not text:
        return None
    match = _DAY.fullmatch(text)
    if match is None or not (match.group("n") or match.group("word") or match.group("date")):
        return None
    paren = match.group("paren")
    if paren and _CLOCK_IN_TEXT.search(paren):
        return None
    date, month_day, problem = _read_date(match)
    if match.group("n") is not None:
        number = int(match.group("n"))
    elif match.group("word") is not None:
        number = _NUMBER_WORDS_LIST.index(match.group("word").lower())
    else:
        number = None
    return DayMarker(date, month_day, number, problem)


def _unknown_clock(match: re.Match[str], text: str) -> TimeText | None:
    """A date followed by a placeholder for its time ("2022-06-02 HH:mm"): a problem that keeps the date."""
    placeholder = _PLACEHOLDER_CLOCK.match(text, match.end("date"))
    if placeholder is None:
        return None
    date, month_day, problem = _read_date(match)
    raw = text[match.start("core"):placeholder.end()].strip()
    problem = problem or (f"'{raw}' leaves the time of day unknown ('{placeholder.group().strip()}'); "
                          "write the time, or only the date when it is not known")
    return TimeText(raw, _AFTER_TIME.match(text, placeholder.end()).end(), date, month_day, None, None, False,
                    problem)


def _needs_separator(match: re.Match[str], text: str) -> bool:
    """A month and day with nothing after them ("May 5 pods ...") is prose; "May 5:" or "**May 5**" is a day."""
    if match.group("iy") or match.group("uy") or match.group("my") or match.group("dy"):
        return False
    if match.end() >= len(text.rstrip()):
        return False
    return not (match.group("close").strip() or match.group("sep").strip())


def _time_text(match: re.Match[str], text: str) -> TimeText:
    raw = match.group("core").strip()
    if raw.endswith(")") and raw.count(")") > raw.count("("):
        raw = raw[:-1].rstrip()  # "(10:18 UTC)": the bracket closes the wrapping, not the zone
    date, month_day, problem = _read_date(match)
    clock = None
    if match.group("clock"):
        clock, clock_problem = _read_clock(match, raw)
        problem = problem or clock_problem
    zone = match.group("zone") or match.group("soff") or match.group("zone2")
    approximate = bool(match.group("approx") or (match.group("approx_after") or "").strip())
    end = _text_start(match)
    if problem:
        return TimeText(raw, end, None, None, None, zone, approximate, problem)
    return TimeText(raw, end, date, month_day, clock, zone, approximate)


_EMPHASIS = frozenset("*_`")
_BEFORE_MARKS = re.compile(rf"[ \t]*{_SEPARATOR}?[ \t]*")


def _text_start(match: re.Match[str]) -> int:
    """Where the text after the time starts: past the marks that close the time's own emphasis.

    In "**14:54** Outage" the `**` after the time closes it; in
    "14:54 **Outage begins** ..." they open the text's emphasis and stay.
    """
    if _EMPHASIS.intersection(match.group("open")) or not _EMPHASIS.intersection(match.group("close")):
        return match.end()
    return match.start("close") + _BEFORE_MARKS.match(match.group("close")).end()


def _read_date(match: re.Match[str]) -> tuple[dt.date | None, tuple[int, int] | None, str | None]:
    group = match.group
    if group("iy"):
        return _full_date(int(group("iy")), int(group("im")), int(group("id")), match)
    if group("uy"):
        first, second, year = int(group("ua")), int(group("ub")), int(group("uy"))
        # 02/26/2024 and 02-26-2024 are US (month first); 26.02.2024, and any
        # first number over 12, are day first.
        if group("usep") == "." or (first > 12 >= second):
            first, second = second, first
        return _full_date(year, first, second, match)
    if group("mn"):
        month, day, year = _MONTH_NUMBER[group("mn")[:3].lower()], int(group("md")), group("my")
    elif group("dn"):
        month, day, year = _MONTH_NUMBER[group("dn")[:3].lower()], int(group("dd")), group("dy")
    else:
        return None, None, None
    if year:
        return _full_date(int(year), month, day, match)
    try:
        dt.date(2000, month, day)  # a leap year: Feb 29 is a day, its year is checked later
    except ValueError:
        return None, None, f"'{_written_date(match)}' is not a day of the calendar"
    return None, (month, day), None


def _full_date(year: int, month: int, day: int, match: re.Match[str]):
    try:
        return dt.date(year, month, day), None, None
    except ValueError:
        return None, None, f"'{_written_date(match)}' is not a date of the calendar; write it as YYYY-MM-DD"


def _written_date(match: re.Match[str]) -> str:
    return match.group("date").strip()


def _read_clock(match: re.Match[str], raw: str) -> tuple[dt.time | None, str | None]:
    group = match.group
    if group("ampm"):
        hour, minute, second = int(group("th")), int(group("tm") or 0), int(group("ts") or 0)
        after_noon = group("ampm")[0] in "Pp"
        if hour > 12 or (hour == 0 and after_noon):
            return None, (f"'{raw}' gives a 24-hour hour with AM/PM; write {hour:02d}:{minute:02d} "
                          "or a 12-hour time such as 1:30 PM")
        hour = hour % 12 + (12 if after_noon else 0)
    elif group("h"):
        hour, minute, second = int(group("h")), int(group("m")), int(group("s") or 0)
    elif group("hh"):
        hour, minute, second = int(group("hh")), int(group("hm")), 0
    elif group("dh"):
        hour, minute, second = int(group("dh")), int(group("dm")), 0
    else:
        hour, minute, second = int(group("mh")), int(group("mm")), 0
    if hour == 24 and minute == 0 and second == 0:
        return None, f"'{raw}' is the end of the day; write 00:00 with the next day's date"
    if hour > 23 or minute > 59 or second > 59:
        return None, f"'{raw}' is not a valid time of day; write HH:MM (00:00 to 23:59)"
    return dt.time(hour, minute, second), None


# -- resolving rows in order -------------------------------------------------------

EXPECTED = ("write a time such as '2024-02-26 10:05', '10:05', '1:30 PM' or 'Jan 14, 10:18 AM' "
            "(a time of day continues the date of the row above)")
# A time of day this much earlier than the row above is read as the next day.
MIDNIGHT_GAP = dt.timedelta(hours=12)
_MIDNIGHT_GAP_SECONDS = MIDNIGHT_GAP.total_seconds()
# A month and day without a year takes the year that puts it nearest the current date.
_HALF_YEAR = dt.timedelta(days=183)


@dataclass(frozen=True)
class Resolved:
    """A row's moment.

    `at` is aware when a zone is known (the row's own, else the timeline's,
    with the offset in force on the row's date) and naive when none is;
    None when the row has an `error` or gives a day without a time (then
    `day` is that day). `crossed_midnight` marks a time of day read as the
    day after the row above.
    """

    at: dt.datetime | None
    error: str | None = None
    crossed_midnight: bool = False
    notes: tuple[str, ...] = ()
    day: dt.date | None = None
    zone: Zone | None = None


class TimeResolver:
    """Resolves a timeline's rows in order, carrying the date down and across midnight."""

    def __init__(self, start_date: dt.date | None, zone: Zone | None):
        self.start_date = start_date
        self.zone = zone
        self.current_date = start_date
        self._last_clock: dt.time | None = None
        # "Day 1" is the start date, unless the timeline counts from "Day 0".
        self._first_day_number = 1

    def new_block(self) -> None:
        """A new timeline section: its first time does not continue the clock of the last one."""
        self._last_clock = None

    def day(self, marker: DayMarker) -> str | None:
        """A day heading or line sets the current date; returns a problem to report, if any."""
        if marker.problem:
            return marker.problem
        self._last_clock = None
        if marker.date is not None:
            self.current_date = marker.date
            return None
        if marker.month_day is not None:
            month, number = marker.month_day
            day, problem = self._with_year(marker.month_day, f"{_MONTHS[month - 1][:3]} {number}")
            if day is not None:
                self.current_date = day
            return problem
        if marker.day_number is not None:
            if marker.day_number == 0:
                self._first_day_number = 0
            if self.start_date is None:
                self.current_date = None
                return (f"'Day {marker.day_number}' counts from the incident's date, and there is none; "
                        "set `date:` in the front matter or give the day's date")
            self.current_date = self.start_date + dt.timedelta(days=marker.day_number - self._first_day_number)
        return None

    def resolve(self, stamp: TimeText | None, raw: str) -> Resolved:
        if stamp is None:
            written = " ".join(raw.split())
            if not written.strip("*_`"):
                return Resolved(None, "the time cell is empty; " + EXPECTED)
            return Resolved(None, f"'{written}' is not a time; " + EXPECTED)
        if stamp.problem:
            if stamp.date is not None:
                # "2022-06-02 HH:mm": the time is unknown, the day still holds for the rows below.
                if stamp.date != self.current_date:
                    self._last_clock = None
                self.current_date = stamp.date
            return Resolved(None, stamp.problem, day=stamp.date)
        notes: list[str] = []
        crossed = False
        if stamp.date is not None:
            day = stamp.date
        elif stamp.month_day is not None:
            day, problem = self._with_year(stamp.month_day, stamp.raw)
            if day is None:
                return Resolved(None, problem)
        else:
            day = self.current_date
            if day is None:
                return Resolved(None, f"'{' '.join(raw.split())}' is a time of day with no date to continue; "
                                      "give the row a "
                                      "full date (2024-02-26 10:05), put a day heading above it, or set `date:` "
                                      "in the front matter")
            if stamp.clock is not None and self._last_clock is not None and _behind(stamp.clock, self._last_clock):
                day += dt.timedelta(days=1)
                crossed = True
                notes.append(f"{stamp.clock.strftime('%H:%M')} after {self._last_clock.strftime('%H:%M')} "
                             f"is read as the next day, {day.isoformat()}")
        if day != self.current_date:
            self._last_clock = None
        self.current_date = day
        if stamp.clock is None:
            return Resolved(None, None, crossed, tuple(notes), day)
        self._last_clock = stamp.clock
        zone = self.zone
        if stamp.zone:
            own = zone_from_text(stamp.zone)
            if own is None:
                notes.append(f"'{stamp.zone}' is not a zone known here; read in the timeline's zone")
            else:
                zone = own
                note = abbreviation_note(own, day)
                if note:
                    notes.append(note)
        if zone is None:
            return Resolved(dt.datetime.combine(day, stamp.clock), None, crossed, tuple(notes), day)
        at = zone.at(day, stamp.clock)
        moved = _past_missing_hour(at)
        if moved is not None:
            notes.append(f"{at.strftime('%H:%M')} does not exist in {zone.name} on {day.isoformat()} (the clocks "
                         f"went forward); read as {moved.strftime('%H:%M %Z')}")
            at = moved
        return Resolved(at, None, crossed, tuple(notes), day, zone)

    def _with_year(self, month_day: tuple[int, int], written: str) -> tuple[dt.date | None, str | None]:
        base = self.current_date or self.start_date
        month, number = month_day
        if base is None:
            return None, (f"'{written}' has no year and there is no date to take it from; write the year "
                          "('Jan 14, 2024') or set `date:` in the front matter")
        for year in (base.year, base.year + 1, base.year - 1):
            try:
                day = dt.date(year, month, number)
            except ValueError:
                continue
            if abs(day - base) <= _HALF_YEAR:
                return day, None
        return None, f"'{written}' is not a day of the calendar near {base.isoformat()}; write its full date"


def _behind(clock: dt.time, previous: dt.time) -> bool:
    """Whether `clock` is more than twelve hours earlier in the day than `previous`."""
    back = (previous.hour - clock.hour) * 3600 + (previous.minute - clock.minute) * 60 + previous.second - clock.second
    return back > _MIDNIGHT_GAP_SECONDS


def _past_missing_hour(at: dt.datetime) -> dt.datetime | None:
    """The same instant on the wall clock, when `at` names a time the clocks skipped that day; else None."""
    if isinstance(at.tzinfo, dt.timezone) or not _changes_offset(at.tzinfo, at.date()):
        return None
    back = at.astimezone(dt.timezone.utc).astimezone(at.tzinfo)
    return None if back.replace(tzinfo=None) == at.replace(tzinfo=None) else back


@functools.lru_cache(maxsize=4096)
def _changes_offset(zone: dt.tzinfo, day: dt.date) -> bool:
    """Whether the zone's clocks change on `day`: only then can a time of it be one they skipped.

    Converting every row there and back cost more than the rest of its reading.
    """
    midnight = dt.datetime.combine(day, dt.time(), zone)
    return midnight.utcoffset() != (midnight + dt.timedelta(days=1)).utcoffset()
