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
