"""Text from a postmortem, made safe to print on a terminal.

Front matter and body text are data: an ANSI or OSC sequence in a title
(`\\x1b]8;;https://evil\\x1b\\\\` makes a hidden link, `\\x1b[2J` clears the
screen) must reach the terminal as harmless text, never as a command.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other ESC sequences, then
# any C0/C1 control character left (tab kept); the 8-bit CSI and OSC too.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|[\x00-\x08\x0a-\x1f\x7f-\x9f]"
)


def plain(value: object) -> str:
    """`value` as text with every terminal escape sequence and control character removed."""
    text = str(value)
    if text.isprintable():
        return text
    return _ESCAPES.sub("", text)
