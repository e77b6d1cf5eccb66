"""Did-you-mean hints for values that are close to an allowed one."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The allowed value `value` was most likely meant to be, if any is close."""
    options = list(choices)
    by_lower = {c.lower(): c for c in options}
    if value.lower() in by_lower:
        return by_lower[value.lower()]
    found = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    match = closest(value, choices)
    return f"; did you mean `{match}`?" if match and match != value else ""


def describe(value: object) -> str:
    """A value as a person reads it in a message: `the number 12`, `a list`."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {text!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
