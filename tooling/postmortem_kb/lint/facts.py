"""What several rules read from one postmortem, derived once per file.

The model gives sections, timeline and action items; the rules that scan
prose (secrets, personal data, blame, placeholders) also need to turn a
character offset in the body into a file line, and the front matter rules
share one JSON Schema validation. Both are computed lazily here so that a
postmortem pays only for what its enabled rules use.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterator

from postmortem_kb.model import Postmortem
from postmortem_kb.schema import (
    FieldValidator,
    FrontMatterTooComplex,
    SchemaProblem,
    to_json_compatible,
)

if TYPE_CHECKING:
    from postmortem_kb.lint.registry import LintContext


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict)) and not value)


class PostmortemFacts:
    def __init__(self, pm: Postmortem, ctx: "LintContext"):
        self.pm = pm
        self.ctx = ctx
        self.meta_problem: str | None = None
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """A value several rules derive from this postmortem, built once."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    # -- front matter ------------------------------------------------------
    @cached_property
    def meta(self) -> dict[str, Any]:
        """The front matter as JSON values; {} when it is too complex to walk."""
        try:
            return to_json_compatible(self.pm.meta)
        except FrontMatterTooComplex as exc:
            self.meta_problem = str(exc)
            return {}

    @cached_property
    def filled_meta(self) -> dict[str, Any]:
        # Blank values are the business of the required-field rule, so the
        # schema sees only keys that hold something.
        return {k: v for k, v in self.meta.items() if not _is_blank(v)}

    @cached_property
    def schema_errors(self) -> list[SchemaProblem]:
        checker = self.ctx.once("schema-validator", lambda: FieldValidator(self.ctx.config))
        return checker.problems(self.filled_meta)

    def schema_errors_for(self, *validators: str) -> Iterator[SchemaProblem]:
        for error in self.schema_errors:
            if error.validator in validators:
                yield error

    def key_line(self, key: str) -> int:
        return self.pm.meta_lines.get(key, 1)

    @property
    def front_matter_end(self) -> int:
        """The line of the closing `---` (where a missing key belongs), else 1."""
        return self.pm.body_line - 1 if self.pm.body_line > 1 else 1

    # -- body text ---------------------------------------------------------
    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        body = self.pm.body
        find = body.find
        at = find("\n")
        while at != -1:
            starts.append(at + 1)
            at = find("\n", at + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """(file line, column) of a character offset in the body."""
        index = bisect_right(self._line_starts, offset) - 1
        return self.pm.body_line + index, offset - self._line_starts[index] + 1

    @cached_property
    def body_lines(self) -> list[str]:
        return self.pm.body.split("\n")

    def line_text(self, line: int) -> str:
        index = line - self.pm.body_line
        return self.body_lines[index] if 0 <= index < len(self.body_lines) else ""

    def meta_strings(self) -> Iterator[tuple[str, str]]:
        """(key, text) for every string in the front matter, lists included."""
        for key, value in self.meta.items():
            if isinstance(value, str):
                yield key, value
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        yield key, item
