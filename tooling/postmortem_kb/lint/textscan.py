"""Fast scans of prose for words, phrases and long tokens.

Python's `re` tries an alternation or a look-behind at every character, which
made the prose rules cost more than parsing the file. These helpers find
candidates with `str.find` (C speed) and check word boundaries only where a
candidate is, so a postmortem without the words costs a few substring scans.
"""

from __future__ import annotations

import re
from typing import Iterator


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not _is_word_char(text[start - 1])) and (end >= len(text) or not _is_word_char(text[end]))


class PhraseFinder:
    """Finds whole-word phrases; words in a phrase may be split by any whitespace."""

    def __init__(self, phrases: list[str], ignore_case: bool):
        self.ignore_case = ignore_case
        flags = re.IGNORECASE if ignore_case else 0
        # first word -> [(phrase, pattern matching the whole phrase at a position)]
        self.by_first: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for phrase in sorted({p for p in phrases if p.split()}, key=len, reverse=True):
            words = phrase.split()
            first = words[0].lower() if ignore_case else words[0]
            pattern = re.compile(r"\s+".join(map(re.escape, words)), flags)
            self.by_first.setdefault(first, []).append((phrase, pattern))

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, configured phrase) of each whole-word occurrence."""
        haystack = text.lower() if self.ignore_case else text
        found: list[tuple[int, int, str]] = []
        for first, candidates in self.by_first.items():
            at = haystack.find(first)
            while at != -1:
                if at == 0 or not _is_word_char(haystack[at - 1]):
                    for phrase, pattern in candidates:
                        match = pattern.match(text, at)
                        if match and _bounded(text, at, match.end()):
                            found.append((at, match.end(), phrase))
                            break
                at = haystack.find(first, at + 1)
        found.sort()
        return iter(found)


# Byte classes for long_token_line_indexes: newline stays, other whitespace
# and the table pipe become a space, every other byte an "x".
_TOKEN_CLASSES = bytes(
    10 if b == 10 else 32 if b in b" \t\r\f\v|" else 120 for b in range(256)
)


def long_token_line_indexes(text: str, length: int) -> list[int]:
    """0-based indexes of the lines holding a run of at least `length`
    characters without whitespace or a table pipe.

    Mapping the UTF-8 bytes through a class table and searching for
    `length` x's is a handful of C-speed passes; a regex tries every
    position. (A non-ASCII character counts as several bytes, so a line
    may be a candidate a little early; never late.)
    """
    data = text.encode("utf-8", "replace")
    classes = data.translate(_TOKEN_CLASSES)
    needle = b"x" * length
    at = classes.find(needle)
    indexes: list[int] = []
    line, counted = 0, 0
    while at != -1:
        line += data.count(b"\n", counted, at)
        indexes.append(line)
        counted = classes.find(b"\n", at)
        if counted == -1:
            break
        at = classes.find(needle, counted)
    return indexes


_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")


def may_hold_ipv4(text: str) -> bool:
    """False when no digit-dot-digit appears: then no IPv4 address can."""
    return "0.0" in text.translate(_DIGITS_TO_ZERO)
