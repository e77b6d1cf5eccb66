"""Tracker tickets as links: the config's `tickets:` patterns turn `OPS-12` into a URL.

`tickets:` maps a regular expression to a URL template. A ticket is the
whole text of an item's Ticket cell (or one of several, comma-separated);
a pattern must match all of it, so `see OPS-12 later` is never half a
link. The template takes `{ticket}` (the ticket as written) or `{1}`,
`{2}`... (the pattern's groups) and named groups by name. Every value is
percent-encoded except `/` (`org/repo#7` -> `.../org/repo/issues/7`), and
`..` is encoded too, so a ticket can add nothing to the URL but itself.
Patterns are tried in the order the config lists them; the first that
matches wins.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping
from urllib.parse import quote, urlsplit

# What a Ticket cell says when there is no ticket.
NO_TICKET = frozenset({"", "-", "—", "n/a", "na", "none", "tbd", "todo"})
_SEPARATORS = re.compile(r"\s*[,;]\s*")
_MARKDOWN_LINK = re.compile(r"^\[[^\]]*\]\([^)]*\)$|^<https?://[^>]+>$")


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    for pattern, template in patterns:
        try:
            compiled.append((re.compile(pattern), template))
        except re.error:
            continue  # the config's schema checks the regex; a bad one links nothing
    return tuple(compiled)


def _patterns(tickets: Mapping[str, str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return _compiled(tuple(tickets.items()))


def tickets_in(cell: str) -> list[str]:
    """The tickets a Ticket cell names: `OPS-12, OPS-13` is two; a dash or `n/a` is none."""
    return [part for part in _SEPARATORS.split(cell.strip()) if part.lower() not in NO_TICKET]


def is_link(ticket: str) -> bool:
    """A ticket written as a URL or a markdown link already links somewhere."""
    text = ticket.strip()
    return bool(_MARKDOWN_LINK.match(text)) or urlsplit(text).scheme in ("http", "https")


def _encoded(value: str) -> str:
    # `/` stays (`org/repo#7` -> /org/repo/issues/7); `..` cannot climb out of the template's path.
    return quote(value, safe="/").replace("..", "%2E%2E")


def ticket_url(ticket: str, config) -> str | None:
    """The URL of one ticket under the config's `tickets:` patterns, or None when none matches.

    `config` is a KBConfig (anything with a `tickets` mapping).
    """
    text = ticket.strip()
    if not text:
        return None
    for pattern, template in _patterns(config.tickets):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = [_encoded(group or "") for group in match.groups()]
        named = {name: _encoded(value or "") for name, value in match.groupdict().items()}
        try:
            url = template.format(_encoded(text), *groups, **{**named, "ticket": _encoded(text)})
        except (IndexError, KeyError, ValueError):
            return None  # a template asking for a group its pattern does not have
        return url if urlsplit(url).scheme in ("http", "https") else None
    return None


def unmatched_tickets(cell: str, config) -> list[str]:
    """The tickets of a cell that no `tickets:` pattern matches (none when the config has no patterns)."""
    if not config.tickets:
        return []
    return [ticket for ticket in tickets_in(cell) if not is_link(ticket) and ticket_url(ticket, config) is None]
