"""A chart on a generated page: one drawing for wide screens and one for a phone's column.

An SVG scales with its image, so a chart drawn 750 wide and shown 360 wide
on a phone would shrink its labels below 11 px. Each chart is therefore
drawn twice (charts.NARROW_WIDTH for phones) and the stylesheet shows the
one that fits (`.pm-chart-wide` / `.pm-chart-narrow`).
"""

from __future__ import annotations

import functools
from typing import Callable

from postmortem_kb.markdown_text import md_text
from postmortem_kb.site import charts
from postmortem_kb.site.urls import link


def narrow_path(path: str) -> str:
    """Where the phone drawing of the chart at `path` (…/name.svg) goes."""
    return path[: -len(".svg")] + "-narrow.svg"


def figure(page: str, path: str, alt: str) -> str:
    """The markdown of a chart figure on `page`, both drawings in it."""
    alt_text = md_text(alt)
    return (f'<figure class="pm-chart" markdown>\n'
            f'![{alt_text}]({link(page, path)}){{ .pm-chart-wide }}\n'
            f'![{alt_text}]({link(page, narrow_path(path))}){{ .pm-chart-narrow }}\n'
            f'</figure>\n')


def with_narrow(drawings: dict[str, Callable[..., str]]) -> dict[str, Callable[[], str]]:
    """`drawings` (path -> draw) plus a phone drawing of each; every draw takes `width`."""
    both: dict[str, Callable[[], str]] = dict(drawings)
    for path, draw in drawings.items():
        both[narrow_path(path)] = functools.partial(draw, width=charts.NARROW_WIDTH)
    return both
