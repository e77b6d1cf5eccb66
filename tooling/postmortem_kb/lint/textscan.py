"""Fast scans of prose for words, phrases and long tokens.

Python's `re` tries an alternation or a look-behind at every character, which
made the prose rules cost more than parsing the file. These helpers find
candidates with `str.find` (C speed) and check word boundaries only where a
candidate is, so a postmortem without the words costs a few substring scans.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
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
        ordered = sorted({p for p in phrases if p.split()}, key=len, reverse=True)
        firsts = {(p.split()[0].lower() if ignore_case else p.split()[0]) for p in ordered}
        for phrase in ordered:  # longest first: a longer phrase wins where two start together
            words = phrase.split()
            first = words[0].lower() if ignore_case else words[0]
            # A first word that starts with another (`forgotten`, `forgot`) is looked for under
            # the shorter one: each search of the text costs a pass over it.
            first = min((f for f in firsts if first.startswith(f)), key=len)
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


# The shortest secret shape the secret finders know (an AWS access key id).
LONG_TOKEN = 20


# The secret rule asks twice for each text (detect-secrets' candidates, then
# the extra finders); a text's hash is computed once and kept by Python.
@functools.lru_cache(maxsize=8)
def long_token_line_indexes(text: str, length: int) -> tuple[int, ...]:
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
    return tuple(indexes)


# On bytes: `str.translate` looks each character up in a dict, `bytes.translate` in a table.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


def may_hold_ipv4(text: str) -> bool:
    """False when no digit-dot-digit appears: then no IPv4 address can."""
    return b"0.0" in text.encode("utf-8", "surrogatepass").translate(_DIGITS_TO_ZERO)


# -- context around a found phrase ---------------------------------------------
# The prose rules find a phrase first and only then look at its
# neighbourhood, so these run per hit, never per character.

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_HINT_COMMENT = re.compile(r"<!--\s*hint:.*?(?:-->|\Z)", re.DOTALL | re.IGNORECASE)


def comment_spans(text: str, hints_only: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each HTML comment, or of each `<!-- hint: ... -->`
    only. An unclosed comment runs to the end, as it does in markdown."""
    if "<!--" not in text:
        return []
    pattern = _HINT_COMMENT if hints_only else _COMMENT
    return [m.span() for m in pattern.finditer(text)]


def in_spans(offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether `offset` falls in one of `spans` (sorted, not overlapping)."""
    index = bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def joined_to_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is part of a longer token: a hyphenated
    compound (`lazy-loaded`, `blame-free`) or an identifier
    (`React.lazy(`, `lazy=True`). Such a token is a different word."""
    after = text[end:end + 2]
    if len(after) == 2 and after[0] == "-" and _is_word_char(after[1]):
        return True
    if after[:1] in ("(", "=", "["):
        return True
    before = text[max(0, start - 2):start]
    return len(before) == 2 and before[1] in "-./:" and _is_word_char(before[0])


_WORD_AFTER = re.compile(r"[\s*_]*([\w'’]+)")


def words_after(text: str, end: int, count: int) -> list[str]:
    """Up to `count` lower-cased words following `end` in the same clause
    (emphasis skipped; a punctuation mark ends the clause)."""
    words: list[str] = []
    at = end
    while len(words) < count:
        match = _WORD_AFTER.match(text, at)
        if not match:
            break
        words.append(match.group(1).lower())
        at = match.end()
    return words


def word_before(text: str, start: int) -> str:
    """The lower-cased word just before `start` in the same clause, or ""."""
    at = start
    while at > 0 and text[at - 1] in " \t*_":
        at -= 1
    stop = at
    while at > 0 and (_is_word_char(text[at - 1]) or text[at - 1] in "'’-"):
        at -= 1
    return text[at:stop].lower()


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
# A code span stays within its paragraph: no blank line inside.
_CODE_SPAN = re.compile(r"(`+)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)


def code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of fenced code blocks and inline code spans, sorted.

    Good enough to keep code out of a prose rule: fences open and close
    on a run of three or more of the same character (CommonMark), and an
    inline span is a backtick run closed by one of the same length.
    """
    spans: list[tuple[int, int]] = []
    if "`" not in text and "~~~" not in text:
        return spans
    at = 0
    prose: list[tuple[int, int]] = []
    while True:
        opening = _FENCE.search(text, at)
        if not opening:
            prose.append((at, len(text)))
            break
        fence = opening.group(1)
        closing = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.MULTILINE)
        line_end = text.find("\n", opening.end())
        close = closing.search(text, line_end + 1) if line_end != -1 else None
        end = close.end() if close else len(text)
        prose.append((at, opening.start()))
        spans.append((opening.start(), end))
        at = end
    for begin, stop in prose:
        for match in _CODE_SPAN.finditer(text, begin, stop):
            spans.append(match.span())
    spans.sort()
    return spans
