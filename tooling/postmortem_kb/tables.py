"""Terminal tables and CSV for the query commands.

Tables are aligned by display width (a CJK character takes two columns) and
fit a width budget, 80 columns by default: the columns marked flexible give
up space first and are cut with an ellipsis, so a long title never wraps a
row onto the next line.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Sequence

from postmortem_kb.terminal import plain

GAP = "  "
ELLIPSIS = "…"


def display_width(text: str) -> int:
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def truncate(text: str, width: int) -> str:
    """`text` cut to `width` display columns, ending in an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        char_width = display_width(char)
        if used + char_width > width - 1:
            break
        kept.append(char)
        used += char_width
    return "".join(kept).rstrip() + ELLIPSIS


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _one_line(value: object) -> str:
    # A newline or tab inside a cell would break the row apart, and a
    # terminal escape sequence in a title must not reach the terminal.
    return " ".join(plain(value).split())


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]], width: int = 80,
                 flexible: dict[int, int] | None = None) -> str:
    """An aligned table, one line a row, at most `width` columns wide when it can be.

    `flexible` maps a column index to the narrowest it may become; columns
    give up space in the order given (the first entry is cut first).
    """
    cells = [[_one_line(v) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for n, value in enumerate(row):
            widths[n] = max(widths[n], display_width(value))
    overflow = sum(widths) + len(GAP) * (len(widths) - 1) - width
    for n, narrowest in (flexible or {}).items():
        if overflow <= 0:
            break
        floor = max(narrowest, display_width(headers[n]))
        cut = max(0, min(overflow, widths[n] - floor))
        widths[n] -= cut
        overflow -= cut
    lines = [GAP.join(_pad(h, widths[n]) for n, h in enumerate(headers)).rstrip()]
    lines.append(GAP.join("-" * w for w in widths))
    for row in cells:
        lines.append(GAP.join(_pad(truncate(v, widths[n]), widths[n]) for n, v in enumerate(row)).rstrip())
    return "\n".join(lines)


# A spreadsheet reads a cell that starts with one of these as a formula
# (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`); OWASP's advice is to make it
# text with a leading apostrophe, which spreadsheets show as nothing.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value for a CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def render_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in headers])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def terminal_width(default: int = 80) -> int:
    """The terminal's width; 80 when output goes to a pipe or a file."""
    import shutil
    import sys

    if not sys.stdout.isatty():
        return default
    return max(default, shutil.get_terminal_size((default, 24)).columns)
