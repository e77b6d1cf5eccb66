"""docs/reliability.md and the tests cannot drift: same cases, same words, a test for each."""

from __future__ import annotations

import importlib
from pathlib import Path

from robustness.reliability_cases import BY_ID, CASES, DOC, GROUPS, render_table, tables_in

HERE = Path(__file__).parent


def covered_cases() -> dict[str, list[str]]:
    """case id -> the tests in tests/robustness that claim it with @covers."""
    claimed: dict[str, list[str]] = {}
    for path in sorted(HERE.glob("test_*.py")):
        # The name pytest imports them under (their folder is on sys.path), so no module loads twice.
        module = importlib.import_module(path.stem)
        for name, test in vars(module).items():
            for case_id in getattr(test, "reliability_cases", ()):
                claimed.setdefault(case_id, []).append(f"{path.name}::{name}")
    return claimed


def test_every_table_on_the_page_is_the_rendered_case_list():
    tables = tables_in(DOC.read_text(encoding="utf-8"))
    assert set(tables) == set(GROUPS), "every group needs its <!-- cases:GROUP --> markers on the page"
    for group, table in tables.items():
        assert table == render_table(group), (
            f"the {group!r} table of {DOC.name} differs from reliability_cases.py; "
            "run `.venv/bin/python tests/robustness/reliability_cases.py --write`")


def test_every_row_has_a_test_and_every_claimed_case_a_row():
    claimed = covered_cases()
    assert sorted(set(BY_ID) - set(claimed)) == [], "cases on the page that no test checks"
    assert sorted(set(claimed) - set(BY_ID)) == [], "tests that claim cases the page does not list"


def test_every_case_is_in_a_group_and_says_what_stays_untouched():
    for case in CASES:
        assert case.group in GROUPS, case.id
        assert case.untouched.strip() and case.input.strip() and case.exits, case.id
        assert case.message is not None or not case.shown_by, case.id
