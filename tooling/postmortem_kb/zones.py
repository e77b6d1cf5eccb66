"""Time zones as postmortem authors write them.

Authors name zones by abbreviation ("All times in PDT."), by region
("Pacific", "Central European Time"), by offset ("UTC+2", "GMT-7"), by IANA
name or by city ("Zurich time"). Every name resolves to a zoneinfo zone, so
daylight saving is applied on each row's own date: "PST" in July means
America/Los_Angeles, which is on PDT (-07:00) that day. The table below only
maps names to zones; offsets always come from zoneinfo (with `tzdata` where
the system has no zone database).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@dataclass(frozen=True)
class Zone:
    """A zone times are read in.

    `name` is the IANA key ("America/Los_Angeles"), "UTC", or a fixed offset
    ("+02:00"). `abbreviation` is the name the author used when it was not one
    of those ("PST", "Pacific Time", "Zurich time"), and `daylight` says
    whether that name claims summer time (True: "PDT"), standard time
    (False: "PST") or neither (None: "PT", "Pacific").
    """

    tz: dt.tzinfo
    name: str
    abbreviation: str | None = None
    daylight: bool | None = None

    def at(self, day: dt.date, clock: dt.time) -> dt.datetime:
        """The moment `clock` on `day` in this zone, with the offset in force that day."""
        return dt.datetime.combine(day, clock, self.tz)


# Abbreviation -> (IANA zone, claims summer time?). Where an abbreviation is
# ambiguous worldwide (CST, IST), the reading most common in English-language
# engineering write-ups wins: US Central, India.
ABBREVIATIONS: dict[str, tuple[str, bool | None]] = {
    "PST": ("America/Los_Angeles", False), "PDT": ("America/Los_Angeles", True), "PT": ("America/Los_Angeles", None),
    "MST": ("America/Denver", False), "MDT": ("America/Denver", True), "MT": ("America/Denver", None),
    "CST": ("America/Chicago", False), "CDT": ("America/Chicago", True), "CT": ("America/Chicago", None),
    "EST": ("America/New_York", False), "EDT": ("America/New_York", True), "ET": ("America/New_York", None),
    "AKST": ("America/Anchorage", False), "AKDT": ("America/Anchorage", True),
    "HST": ("Pacific/Honolulu", False),
    "NST": ("America/St_Johns", False), "NDT": ("America/St_Johns", True),
    "BRT": ("America/Sao_Paulo", False),
    "WET": ("Europe/Lisbon", False), "WEST": ("Europe/Lisbon", True),
    "BST": ("Europe/London", True),
    "CET": ("Europe/Paris", False), "CEST": ("Europe/Paris", True),
    "MEZ": ("Europe/Berlin", False), "MESZ": ("Europe/Berlin", True),
    "EET": ("Europe/Athens", False), "EEST": ("Europe/Athens", True),
    "MSK": ("Europe/Moscow", False), "TRT": ("Europe/Istanbul", False),
    "SAST": ("Africa/Johannesburg", False), "EAT": ("Africa/Nairobi", False), "WAT": ("Africa/Lagos", False),
    "GST": ("Asia/Dubai", False), "PKT": ("Asia/Karachi", False), "IST": ("Asia/Kolkata", False),
    "ICT": ("Asia/Bangkok", False), "WIB": ("Asia/Jakarta", False), "SGT": ("Asia/Singapore", False),
    "MYT": ("Asia/Kuala_Lumpur", False), "HKT": ("Asia/Hong_Kong", False), "PHT": ("Asia/Manila", False),
    "JST": ("Asia/Tokyo", False), "KST": ("Asia/Seoul", False),
    "AWST": ("Australia/Perth", False), "ACST": ("Australia/Adelaide", False), "ACDT": ("Australia/Adelaide", True),
    "AEST": ("Australia/Sydney", False), "AEDT": ("Australia/Sydney", True),
    "NZST": ("Pacific/Auckland", False), "NZDT": ("Pacific/Auckland", True),
}

# Region names, lower-cased with single spaces -> (IANA zone, claims summer time?).
_REGIONS: dict[str, tuple[str, bool | None]] = {}
for _region, _key in (("pacific", "America/Los_Angeles"), ("mountain", "America/Denver"),
                      ("central", "America/Chicago"), ("eastern", "America/New_York"),
                      ("central european", "Europe/Paris"), ("eastern european", "Europe/Athens"),
                      ("western european", "Europe/Lisbon")):
    summer = "summer" if "european" in _region else "daylight"
    for _prefix in ("", "us "):
        if _prefix and "european" in _region:
            continue
        _REGIONS[f"{_prefix}{_region}"] = (_key, None)
        _REGIONS[f"{_prefix}{_region} time"] = (_key, None)
        _REGIONS[f"{_prefix}{_region} standard time"] = (_key, False)
        _REGIONS[f"{_prefix}{_region} {summer} time"] = (_key, True)
_REGIONS.update({
    "british summer time": ("Europe/London", True),
    "uk time": ("Europe/London", None),
    "india standard time": ("Asia/Kolkata", False),
    "japan standard time": ("Asia/Tokyo", False),
    "singapore time": ("Asia/Singapore", False),
    "australian eastern standard time": ("Australia/Sydney", False),
    "australian eastern daylight time": ("Australia/Sydney", True),
})
_UTC_WORDS = {"utc", "gmt", "z", "ut", "coordinated universal time", "greenwich mean time", "zulu", "zulu time",
              "universal time"}

# An offset as written after UTC/GMT or alone: "+2", "-07:00", "+0530", "−7" (a minus sign).
OFFSET = r"[+\-\u2212]\s?\d{1,2}(?::?\d{2})?"
_OFFSET_PARTS = re.compile(r"([+\-\u2212])\s?(\d{1,2})(?::?(\d{2}))?")
_PREFIXED_OFFSET = re.compile(r"(?:UTC|GMT|UT)\s?(" + OFFSET + r")", re.IGNORECASE)
_BARE_OFFSET = re.compile(r"[+\-\u2212]\d{2}:?\d{2}|[+\-\u2212]\d{1,2}")
# An IANA key: "Europe/Zurich", "America/Argentina/Buenos_Aires", "Etc/GMT+2".
_IANA = re.compile(r"[A-Za-z][A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+")
_SPACES = re.compile(r"\s+")
_WRAPPING = " \t*_`()[]{}.,;:\"'"


def _alternation(words) -> str:
    # Longest first, so "CEST" is tried before "CET" would stop short.
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# The abbreviations as written: upper case only, so that prose ("et al", "cat") is not a zone.
ABBREVIATION_PATTERN = r"(?-i:" + _alternation(ABBREVIATIONS) + r")(?![A-Za-z])"
# A region written out: "Pacific", "US Pacific Time", "Central European Summer Time".
# European first: "Central European Time" must not stop at "Central" (US Central).
REGION_PATTERN = (
    r"(?:Central|Eastern|Western)\s+European(?:\s+(?:Standard|Summer))?(?:\s+Time)?(?![A-Za-z])"
    r"|(?:US\s+)?(?:Pacific|Mountain|Central|Eastern)(?:\s+(?:Standard|Daylight))?(?:\s+Time)?(?![A-Za-z])"
    r"|British\s+Summer\s+Time|Coordinated\s+Universal\s+Time|Greenwich\s+Mean\s+Time"
)


def _fixed(offset: dt.timedelta) -> Zone:
    if not offset:
        return UTC
    return Zone(dt.timezone(offset), format_offset(offset))


def format_offset(offset: dt.timedelta) -> str:
    """+02:00, -07:00, +05:30."""
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


UTC = Zone(dt.timezone.utc, "UTC")


def parse_offset(text: str) -> dt.timedelta | None:
    """The offset in "+2", "-07:00", "+0530", "−7"; None when out of range or not an offset."""
    match = _OFFSET_PARTS.fullmatch(text.strip())
    if not match:
        return None
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        return None
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return offset if match.group(1) == "+" else -offset


@functools.lru_cache(maxsize=512)
def _zoneinfo(key: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@functools.lru_cache(maxsize=1)
def _keys_by_lower_name() -> dict[str, str]:
    # Built once, on the first zone written in an unusual case or by city.
    return {key.lower(): key for key in available_timezones()}


@functools.lru_cache(maxsize=1)
def _keys_by_city() -> dict[str, str]:
    cities: dict[str, str] = {}
    for key in sorted(available_timezones()):
        head, _, city = key.rpartition("/")
        # Region-level keys (America/..., Europe/...) win over legacy aliases (US/..., Etc/...).
        if head and head.split("/")[0] in ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia",
                                           "Europe", "Indian", "Pacific"):
            cities.setdefault(city.lower().replace("_", " "), key)
    return cities


def zone_from_setting(value: object) -> Zone | None:
    """A zone from a setting (`timezone:` in front matter or config): an IANA name, UTC/Z/GMT, or ±HH:MM.

    Stricter than `zone_from_text`: a setting is written for the tool, so
    abbreviations and prose are refused rather than guessed.
    """
    if not isinstance(value, str):
        return None
    return _zone_from_setting(value.strip())


@functools.lru_cache(maxsize=256)
def _zone_from_setting(text: str) -> Zone | None:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    if re.fullmatch(r"[+-]\d{2}:?\d{2}", text):
        offset = parse_offset(text)
        return None if offset is None else _fixed(offset)
    zone = _zoneinfo(text) if text and not text.startswith(("/", ".")) else None
    return None if zone is None else Zone(zone, text)


def zone_from_text(token: str) -> Zone | None:
    """A zone as an author names it, or None.

    "UTC", "Z", "GMT"; abbreviations ("PST", "CEST"; see ABBREVIATIONS);
    regions ("Pacific", "US Eastern Time", "Central European Summer Time");
    IANA names ("Europe/Zurich"); a city ("Zurich time", "London");
    offsets ("+02:00", "UTC+1", "UTC-7", "UTC+05:30"). "GMT+2" means two
    hours ahead of UTC as people write it, not the POSIX-inverted
    Etc/GMT+2 (which, written as that IANA name, keeps its IANA meaning).
    """
    if not isinstance(token, str):
        return None
    return _zone_from_text(token)


@functools.lru_cache(maxsize=1024)
def _zone_from_text(token: str) -> Zone | None:
    text = _SPACES.sub(" ", token.strip(_WRAPPING))
    if not text or len(text) > 60:
        return None
    lower = text.lower()
    if lower in _UTC_WORDS or lower in ("utc time", "gmt time"):
        return UTC
    upper = text.upper()
    if upper in ABBREVIATIONS:
        key, daylight = ABBREVIATIONS[upper]
        return _named(key, upper, daylight)
    if lower in _REGIONS:
        key, daylight = _REGIONS[lower]
        return _named(key, text, daylight)
    match = _PREFIXED_OFFSET.fullmatch(text)
    if match:
        offset = parse_offset(match.group(1))
        return None if offset is None else _fixed(offset)
    if _BARE_OFFSET.fullmatch(text):
        offset = parse_offset(text)
        return None if offset is None else _fixed(offset)
    if _IANA.fullmatch(text):
        key = text if _zoneinfo(text) else _keys_by_lower_name().get(lower)
        return Zone(_zoneinfo(key), key) if key else None
    return _city_zone(text)


def _named(key: str, written: str, daylight: bool | None) -> Zone | None:
    zone = _zoneinfo(key)
    return None if zone is None else Zone(zone, key, written, daylight)


def _city_zone(text: str) -> Zone | None:
    """ "Zurich time", "London", "New York time" -> the IANA zone of that city."""
    city = text[:-5] if text.lower().endswith(" time") else text
    if not re.fullmatch(r"[A-Za-z][A-Za-z .'\-]{2,30}", city):
        return None
    key = _keys_by_city().get(city.lower())
    if key is None:
        return None
    return Zone(_zoneinfo(key), key, text)


def zone_of_meta(meta: dict) -> tuple[Zone | None, str]:
    """The zone front matter gives: `timezone:` ("front matter"), else the offset of `started_at`
    ("started_at"), else (None, "none")."""
    zone = zone_from_setting(meta.get("timezone"))
    if zone is not None:
        return zone, "front matter"
    started = meta.get("started_at")
    if isinstance(started, str):
        try:
            started = dt.datetime.fromisoformat(started.strip().replace("Z", "+00:00"))
        except ValueError:
            started = None
    if isinstance(started, dt.datetime) and started.tzinfo is not None:
        offset = started.utcoffset()
        if offset is not None:
            return _fixed(offset), "started_at"
    return None, "none"


# -- statements in the text ----------------------------------------------------------

# What may name a zone in a statement. Abbreviations are upper case only; the
# rest is case-insensitive ("all times utc").
_ZONE_IN_STATEMENT = (
    r"(?:(?:UTC|GMT)\s?" + OFFSET + r"(?![\d:])"
    r"|" + REGION_PATTERN +
    r"|(?:UTC|GMT)(?![A-Za-z])"
    r"|" + ABBREVIATION_PATTERN +
    r"|[A-Z][A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+"
    r"|[+\-\u2212]\d{2}:?\d{2}(?!\d)"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s(?i:time)(?![A-Za-z])"  # a city: "Zurich time", "New York time"
    r")"
)
# An offset beside a named zone: "PST (UTC-7)", "Pacific Time, UTC-8", "CET/UTC+1", "PDT (-07:00)".
_BESIDE = (r"(?:\s*[(\[/,]\s*|\s+)(?:(?:UTC|GMT)\s?(?P<beside>" + OFFSET + r")|(?P<bare>[+\-\u2212]\d{2}:?\d{2}))"
           r"\s*[)\]]?")
# A named zone beside an offset: "UTC+1 (Zurich time)", "UTC-7 (PDT)".
_NAMED_BESIDE = r"(?:\s*[(\[/,]\s*(?P<named>" + _ZONE_IN_STATEMENT + r")\s*[)\]]?)?"

# Words between "times" and the zone that say which times are meant: "All times below", "Times in this document".
_WHICH_TIMES = (r"(?:\s+(?:below|above|here|listed|shown|given|mentioned|referenced|used|quoted|stated"
                r"|in\s+this\s+(?:document|doc|post|report|page|timeline|postmortem|section)))*")

_STATEMENT = re.compile(
    r"""
    (?=[AaTtDd])  # every form starts with "all", "time(s)", "timestamp", "timezone", "tz", "timeline" or "date"
    (?:
        # "All times in PDT", "Times are GMT+2", "All times below are EST", "(times in UTC+2)",
        # "Date and Time in CET", "All timestamps are UTC", "Timeline (all times PST)".
        \ball\s+(?:the\s+)?(?:dates?\s+(?:and|&)\s+)?(?:times?|timestamps?|hours)\b
            """ + _WHICH_TIMES + r"""
            \s*(?:(?:are|is)\s+)?(?:approximate\s+and\s+)?(?:(?:in|at|displayed\s+in|expressed\s+in|given\s+in|
                   listed\s+in|reported\s+in|shown\s+in)\s+)?(?:the\s+)?(?:[:\-\u2013]\s*)?
            (?:local\s+time\s*(?:[(\[,:\-\u2013]\s*)?)?  # "All times are local time (Europe/Amsterdam)"
        # Without "all" the zone must end the clause (see `_ENDS_CLAUSE`): "Time (UTC)", "Times: PST".
        |(?P<loose>\b(?:dates?\s+(?:and|&)\s+)?(?:times?|timestamps?)\b
            """ + _WHICH_TIMES + r"""
            \s*(?:(?:are|is)\s+(?:(?:in|displayed\s+in|expressed\s+in|given\s+in|listed\s+in|shown\s+in)\s+)?(?:the\s+)?
                 |(?:in|displayed\s+in|expressed\s+in|given\s+in|listed\s+in|shown\s+in)\s+(?:the\s+)?
                 |[:(\[]\s*
                 |\s))
        # "Time zone: CET", "Timezone is UTC", "TZ: UTC"
        |\b(?:time\s?zone|tz)\b\s*(?:is\s+|[:=\-\u2013]\s*|\s)
        # "Timeline (UTC)", "Timeline (in UTC)", "Timeline in PST", "Timeline - UTC"
        |\btimeline\b\s*(?:[(\[]\s*(?:in\s+)?|(?:is\s+)?in\s+|is\s+|[:\-\u2013]\s*)
    )
    (?P<zone>""" + _ZONE_IN_STATEMENT + r""")
    (?!\s?[\-\u2212]\s?[A-Za-z]|[\w])
    (?:""" + _BESIDE + r"|" + _NAMED_BESIDE + r""")
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A line that is nothing but a zone: "UTC+1 (Zurich time)", "*UTC*", "(PST)", "Pacific Time (UTC-7)".
_ZONE_LINE = re.compile(
    r"^[\s>#*_\-+(\[]*(?P<zone>" + _ZONE_IN_STATEMENT + r")(?:\s+(?i:time))?"
    r"(?:" + _BESIDE + r"|" + _NAMED_BESIDE + r")[\s*_)\].:]*$",
    re.IGNORECASE,
)
# What may follow a zone named without "all times": the end of the clause, not more prose
# ("three times in ET logs" is no statement).
_ENDS_CLAUSE = re.compile(r"\s*(?:$|[.,;:)\]|*_(\-\u2013\u2014/]|(?:unless|except|throughout|below|above)\b)",
                          re.IGNORECASE)
# A line that is only a zone is short: longer lines are tried against `_STATEMENT` alone,
# and only when they mention "time", "zone" or "tz".
_ZONE_LINE_MAX = 60


@dataclass(frozen=True)
class ZoneStatement:
    """A sentence that says which zone a postmortem's times are in."""

    zone: Zone
    line: int  # the file line of the statement
    text: str  # the statement as written: "All times in PDT"
    stated_offset: dt.timedelta | None = None  # an offset written beside a named zone: "PST (UTC-7)"

    @property
    def offset_zone(self) -> Zone | None:
        """The fixed offset written beside the named zone, as a zone of its own."""
        return None if self.stated_offset is None else _fixed(self.stated_offset)


def find_zone_statements(lines: list[str], first_line: int) -> list[ZoneStatement]:
    """Zone statements in `lines` (the first being file line `first_line`), in file order.

    A named zone with an offset beside it ("PST (UTC-7)", "UTC+1 (Zurich
    time)") gives the named zone, with the offset as `stated_offset` for
    `check_statement` to compare against the zone's rules on the day.
    """
    found: list[ZoneStatement] = []
    for n, line in enumerate(lines):
        statement = _statement_in(line)
        if statement is not None:
            zone, written, stated = statement
            found.append(ZoneStatement(zone, first_line + n, written, stated))
    return found


def _statement_in(line: str) -> tuple[Zone, str, dt.timedelta | None] | None:
    if not line:
        return None
    # A line that is only a zone first: in "Pacific Time (UTC-7)" the zone is Pacific, not "Time (UTC-7)".
    if len(line) <= _ZONE_LINE_MAX and _may_be_zone_line(line):
        match = _ZONE_LINE.match(line)
        if match and match.group("zone").upper() != "Z":
            result = _read_statement(match, line)
            if result is not None:
                return result
    lower = line.lower()
    if "time" in lower or "zone" in lower or "tz" in lower:
        for match in _STATEMENT.finditer(line):
            if match.group("loose") and not _ENDS_CLAUSE.match(line, match.end("zone")):
                continue
            result = _read_statement(match, line)
            if result is not None:
                return result
    return None


_REGION_FIRST_WORDS = frozenset({"pacific", "mountain", "central", "eastern", "western", "us", "british",
                                 "coordinated", "greenwich"})


def _may_be_zone_line(line: str) -> bool:
    """A cheap look at the first words before the full `_ZONE_LINE` pattern."""
    if line[0] == "|":
        return False  # a table row, which `_ZONE_LINE` cannot start with (most lines of a timeline)
    stripped = line.lstrip(" \t>#*_([")
    if stripped[:1] in ("+", "-", "\u2212") and stripped[1:2].isdigit():
        return True
    words = stripped.lstrip("-+*_ \t").split(None, 2)
    if not words:
        return False
    first = words[0].rstrip("*_)].:,")
    return (first.upper().startswith(("UTC", "GMT")) or first in ABBREVIATIONS or "/" in first
            or first.lower() in _REGION_FIRST_WORDS
            or (len(words) > 1 and words[1].lower().startswith("time")))


def _read_statement(match: re.Match[str], line: str) -> tuple[Zone, str, dt.timedelta | None] | None:
    zone = zone_from_text(match.group("zone"))
    if zone is None:
        return None
    written = _statement_text(line, match)
    stated = match.group("beside") or match.group("bare")
    if stated is not None:
        # "PST (UTC-7)": the named zone, with the offset to check it by. Beside an offset
        # ("UTC+2 (+02:00)") a second offset adds nothing.
        offset = parse_offset(stated)
        return zone, written, None if offset is None or _is_fixed(zone) else offset
    named = match.group("named")
    if named is not None and _is_fixed(zone):
        other = zone_from_text(named)
        if other is not None and not _is_fixed(other):
            # "UTC+1 (Zurich time)": the named zone, checked against the offset written first.
            return other, written, zone.tz.utcoffset(None)
    return zone, written, None


def _is_fixed(zone: Zone) -> bool:
    return isinstance(zone.tz, dt.timezone)


def _statement_text(line: str, match: re.Match[str]) -> str:
    """The statement as the author wrote it, without markdown around it (in a table, its cell)."""
    text = line.strip()
    if text.startswith("|"):
        start = line.rfind("|", 0, match.start("zone")) + 1
        end = line.find("|", match.end("zone"))
        text = line[start:end if end >= 0 else len(line)].strip()
    text = text.lstrip("#>").strip()
    text = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", text)
    return text.strip(" *_`").strip() or match.group(0).strip()


# -- checking a statement against the calendar -------------------------------------------


def check_statement(statement: ZoneStatement, on: dt.date | None) -> list[tuple[str, str]]:
    """(severity, message) pairs: "info" when the name's summer/standard claim does not fit `on`
    ("PST" in July), "warning" when the offset written beside the zone is not the zone's offset on
    `on` ("PST (UTC-7)" in January). Without a date only an offset the zone never has is reported."""
    zone = statement.zone
    findings: list[tuple[str, str]] = []
    quoted = f"'{statement.text}'"
    if on is None:
        if statement.stated_offset is not None and not _ever_has(zone, statement.stated_offset):
            findings.append(("warning", f"{quoted} gives UTC{format_offset(statement.stated_offset)}, but "
                                        f"{zone.name} is never at that offset; correct the statement"))
        return findings
    note = abbreviation_note(zone, on)
    if note:
        findings.append(("info", f"{quoted}: {note}"))
    if statement.stated_offset is not None:
        noon = dt.datetime.combine(on, dt.time(12), zone.tz)
        actual = noon.utcoffset()
        if actual is not None and actual != statement.stated_offset:
            findings.append(("warning", f"{quoted} gives UTC{format_offset(statement.stated_offset)}, but "
                                        f"{zone.name} is at {format_offset(actual)} ({noon.tzname()}) on "
                                        f"{on.isoformat()}; correct the zone or the offset"))
    return findings


def abbreviation_note(zone: Zone, on: dt.date) -> str | None:
    """Why a summer/standard name does not fit the date, or None when it fits (or claims neither)."""
    if zone.daylight is None or _is_fixed(zone):
        return None
    noon = dt.datetime.combine(on, dt.time(12), zone.tz)
    in_summer = bool(noon.dst())
    if in_summer == zone.daylight:
        return None
    claimed = "summer (daylight-saving)" if zone.daylight else "standard"
    return (f"{zone.abbreviation} is {claimed} time, but on {on.isoformat()} {zone.name} is on "
            f"{noon.tzname()} ({format_offset(noon.utcoffset())}); times are read as {noon.tzname()}")


def _ever_has(zone: Zone, offset: dt.timedelta) -> bool:
    """Whether the zone uses `offset` at some time of the current rules (sampled monthly over a year)."""
    if _is_fixed(zone):
        return zone.tz.utcoffset(None) == offset
    return any(dt.datetime(2024, month, 15, 12, tzinfo=zone.tz).utcoffset() == offset for month in range(1, 13))

