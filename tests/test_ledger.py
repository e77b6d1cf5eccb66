import datetime as dt
from pathlib import Path

from postmortem_kb.config import KBConfig
from postmortem_kb.ledger import ledger
from postmortem_kb.model import ActionItem, Postmortem

CONFIG = KBConfig(root=Path("."))


def test_open_first_overdue_first_then_due_date():
    pm = Postmortem(path=Path("p.md"), id="p")
    pm.actions = [
        ActionItem(line=1, action="done", due="2020-01-01", status="done"),
        ActionItem(line=2, action="later", due="2030-01-01", status="open"),
        ActionItem(line=3, action="late", due="2021-01-01", status="in-progress"),
        ActionItem(line=4, action="no status", due=""),
    ]
    entries = ledger([pm], CONFIG, today=dt.date(2025, 1, 1))
    assert [e.item.action for e in entries] == ["late", "later", "no status", "done"]
    assert [(e.is_open, e.is_overdue) for e in entries] == [(True, True), (True, False), (True, False), (False, False)]


def dated(day: str, *items: ActionItem) -> Postmortem:
    pm = Postmortem(path=Path(f"{day}-x.md"), id=f"{day}-x", meta={"date": dt.date.fromisoformat(day)})
    pm.actions = list(items)
    return pm


def test_an_item_without_a_due_date_is_due_by_the_slo_of_its_priority():
    pm = dated("2025-01-01",
               ActionItem(line=1, action="p1", priority="P1", status="open"),
               ActionItem(line=2, action="p2", priority="p2 ", status="open"),
               ActionItem(line=3, action="p3", priority="P3", status="open"),
               ActionItem(line=4, action="own date", priority="P1", due="2025-03-01", status="open"))
    entries = {e.item.action: e for e in ledger([pm], CONFIG, today=dt.date(2025, 2, 1))}
    p1, p2, p3, own = entries["p1"], entries["p2"], entries["p3"], entries["own date"]
    assert (p1.due, p1.due_from_slo, p1.slo_days, p1.is_overdue) == (dt.date(2025, 1, 29), True, 28, True)
    assert (p2.due, p2.slo_days, p2.is_overdue) == (dt.date(2025, 2, 26), 56, False)
    assert (p3.due, p3.slo_days, p3.is_overdue, p3.slo_breached) == (None, None, False, False)
    # A due date past the SLO: not overdue, but in breach of the SLO.
    assert (own.due, own.due_from_slo, own.is_overdue, own.slo_breached) == (dt.date(2025, 3, 1), False, False, True)
    assert p1.age_days == 31 and p1.slo_breached


def test_closed_items_have_no_age_and_breach_nothing():
    pm = dated("2020-01-01", ActionItem(line=1, action="done", priority="P1", status="done"))
    (entry,) = ledger([pm], CONFIG, today=dt.date(2025, 1, 1))
    assert (entry.is_open, entry.age_days, entry.slo_breached, entry.is_overdue) == (False, None, False, False)
    assert entry.due == dt.date(2020, 1, 29)


def test_slos_come_from_the_config():
    config = KBConfig(root=Path("."), actions={"slo_days": {"P1": 7, "High": 14}})
    pm = dated("2025-01-01", ActionItem(line=1, action="a", priority="high", status="open"),
               ActionItem(line=2, action="b", priority="P2", status="open"))
    entries = {e.item.action: e for e in ledger([pm], config, today=dt.date(2025, 1, 10))}
    assert entries["a"].due == dt.date(2025, 1, 15) and entries["b"].due is None


def test_actions_command_honours_the_slo(kb, runner):
    import json

    from conftest import write
    from postmortem_kb.cli import main

    today = dt.date.today()
    recent = (today - dt.timedelta(days=10)).isoformat()
    old = (today - dt.timedelta(days=40)).isoformat()
    later = (today + dt.timedelta(days=300)).isoformat()
    template = ("---\ntitle: T\ndate: {day}\nseverity: SEV2\nstatus: draft\nauthors: [a]\ntags: [t]\n---\n\n"
                "## Action items\n\n| Action | Owner | Priority | Due | Status | Ticket |\n|---|---|---|---|---|---|\n{rows}")
    write(kb / f"postmortems/{recent}-recent.md", template.format(day=recent, rows="| Fresh | a | P1 |  | open | - |\n"))
    assert runner.invoke(main, ["actions", "--check"]).exit_code == 0
    write(kb / f"postmortems/{old}-old.md", template.format(
        day=old, rows=f"| Stale | a | P1 |  | open | - |\n| Pushed back | a | P1 | {later} | open | - |\n"))
    every = {r["action"]: r for r in json.loads(runner.invoke(main, ["actions", "--format", "json"]).stdout)}
    assert every["Stale"]["overdue"] and every["Stale"]["due_from_slo"] and every["Stale"]["age_days"] == 40
    assert not every["Pushed back"]["overdue"] and every["Pushed back"]["slo_breached"]
    assert not every["Fresh"]["overdue"] and not every["Fresh"]["slo_breached"]
    overdue = json.loads(runner.invoke(main, ["actions", "--overdue", "--format", "json"]).stdout)
    assert [r["action"] for r in overdue] == ["Stale"]
    checked = runner.invoke(main, ["actions", "--check"])
    assert checked.exit_code == 1 and "1 open action item(s) are overdue (1 by the SLO of their priority)" in checked.output
    table = runner.invoke(main, ["actions"]).output
    assert "SLO breach" in table and "40d" in table and "*" in table and "1 beyond the SLO" in table
