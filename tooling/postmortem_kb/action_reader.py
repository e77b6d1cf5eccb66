"""Action items from every Action items section: tables, and lists written as prose.

A table is read by its header (Action, Owner, Due, Status, ...). A bullet,
numbered or checkbox list is read item by item (`action_text`): done
markers, owners, tickets and due dates written in the sentence. Items
under a sub-heading that is about something else ("What went wrong") are
not actions; an item that only introduces others ("Short term:") is not one
either, its sub-items are.
"""

from __future__ import annotations

import re

from postmortem_kb.action_text import (
    action_heading_status,
    cell_status,
    is_non_action_heading,
    labelled_fields,
    read_action_item,
)
from postmortem_kb.markdown_blocks import Document, Heading, ListBlock, Table
from postmortem_kb.model import ActionItem, Postmortem, Section

ACTIONS = "Action items"

# Header keywords for each action-item field, tried in this order so that
# "Due date" lands on `due` and not on a generic "date" match elsewhere.
_ACTION_COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    ("owner", re.compile(r"owner|assignee|who|responsible|\bdri\b", re.I)),
    ("due", re.compile(r"due|deadline|target|\bby\b|\bdate\b", re.I)),
    ("status", re.compile(r"status|state|done", re.I)),
    ("priority", re.compile(r"priority|\bprio\b|\bp\b", re.I)),
    ("ticket", re.compile(r"ticket|issue|link|jira|bug|tracking|\bid\b|\bref", re.I)),
    ("action", re.compile(r"action|item|task|description|what|follow|title|summary", re.I)),
]


def action_columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for n, name in enumerate(header):
        for field_name, pattern in _ACTION_COLUMNS:
            if field_name not in columns and pattern.search(name):
                columns[field_name] = n
                break
    if "action" not in columns:
        taken = set(columns.values())
        columns["action"] = next((n for n in range(len(header)) if n not in taken), 0)
    return columns


def read_actions(pm: Postmortem, doc: Document) -> None:
    for section in _action_sections(pm.sections):
        skip_until = -1  # last line of a sub-section that is not about actions
        # "### Completed" / "### In progress": the status of the items under it.
        heading_status, status_until = "", -1
        for block in doc.between(section.line + 1, section.end_line):
            if block.line <= skip_until:
                continue
            if block.line > status_until:
                heading_status = ""
            if isinstance(block, Heading):
                if is_non_action_heading(block.text):
                    skip_until = _sub_section_end(pm.sections, block.line, section.end_line)
                elif action_heading_status(block.text):
                    heading_status = action_heading_status(block.text)
                    status_until = _sub_section_end(pm.sections, block.line, section.end_line)
                continue
            if isinstance(block, Table):
                _read_table(pm, block)
            elif isinstance(block, ListBlock):
                _read_list(pm, block, heading_status)


def _action_sections(sections: list[Section]) -> list[Section]:
    found: list[Section] = []
    for section in sections:
        if section.canonical != ACTIONS:
            continue
        if found and found[-1].line < section.line <= found[-1].end_line:
            continue
        found.append(section)
    return found


def _sub_section_end(sections: list[Section], line: int, limit: int) -> int:
    for section in sections:
        if section.line == line:
            return min(section.end_line, limit)
    return line


def _read_table(pm: Postmortem, table: Table) -> None:
    columns = action_columns(table.header)
    for line, cells in table.rows:
        values = {name: (cells[col] if col < len(cells) else "") for name, col in columns.items()}
        if not any(values.values()):
            continue
        if "status" not in columns:
            # No status column: a status word marked in another cell says it ("n/a **DONE**").
            for name, value in values.items():
                status, rest = cell_status(value)
                if status:
                    values[name], values["status"] = rest, status
                    break
        pm.actions.append(ActionItem(line=line, end_line=line, **values))


def _read_list(pm: Postmortem, block: ListBlock, default_status: str = "") -> None:
    items = block.items
    # An item that introduces sub-items ("Short term:") is a label, not an action.
    labels = {item.parent for item in items if item.parent is not None
              and items[item.parent].text.rstrip().endswith(":")}
    for n, item in enumerate(items):
        if n in labels:
            continue
        if item.parent is not None and item.parent not in labels:
            continue  # a detail of the item above it
        prose = read_action_item(item.text)
        if prose is None:
            continue
        fields = {"owner": prose.owner, "priority": prose.priority, "due": prose.due, "status": prose.status,
                  "ticket": prose.ticket}
        # Sub-bullets made only of labelled fields ("- Owner: Omar", "- Due: 2023-07-01") fill what the item
        # itself does not say; a sub-bullet in words stays a detail.
        for child in items:
            if child.parent == n:
                for key, value in (labelled_fields(child.text) or {}).items():
                    if value and not fields.get(key):
                        fields[key] = value
        fields["status"] = fields["status"] or default_status
        pm.actions.append(ActionItem(line=item.line, end_line=item.end_line, action=prose.text, from_table=False,
                                     **fields))
