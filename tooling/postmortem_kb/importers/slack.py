"""Slack channel export -> timeline rows.

A Slack export holds one JSON file per channel and day: a list of messages,
each with `ts` (seconds since the epoch, as a string), `user`, `text` in
Slack's markup, and sometimes a `subtype`. `users.json` at the export's
root maps user ids to names.

Slack's markup is decoded to plain text: `<@U123>` becomes @name,
`<https://x|label>` becomes "label (https://x)", and `&amp;`, `&lt;`, `&gt;`
become the characters they stand for. The merge step escapes the text
again for the markdown table, so nothing in a message can become HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from postmortem_kb.importers import (
    ImportFailure,
    TimelineExport,
    TimelineRow,
    load_json,
)

# Messages that record channel housekeeping, not the incident.
SKIPPED_SUBTYPES = {"channel_join", "channel_leave", "group_join", "group_leave"}
PIN_REACTIONS = {"pushpin", "round_pushpin"}
# Files of an export's root that are not a channel's messages.
EXPORT_METADATA = {"users.json", "channels.json", "groups.json", "dms.json", "mpims.json",
                   "integration_logs.json", "canvases.json", "org_users.json"}
_MARKUP = re.compile(r"<([^<>]*)>")


def user_names(path: Path | None) -> dict[str, str]:
    """user id -> the name people know them by, from an export's users.json."""
    if path is None:
        return {}
    data = load_json(path, "Slack users.json")
    if not isinstance(data, list):
        raise ImportFailure(f"{path}: a Slack users.json is a list of users, not a {type(data).__name__}")
    names = {}
    for user in data:
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
            name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
                    or user.get("name"))
            if name:
                names[user["id"]] = str(name)
    return names


def profile_names(messages: list[dict]) -> dict[str, str]:
    names = {}
    for message in messages:
        profile = message.get("user_profile")
        if isinstance(profile, dict) and isinstance(message.get("user"), str):
            name = profile.get("display_name") or profile.get("real_name") or profile.get("name")
            if name:
                names.setdefault(message["user"], str(name))
    return names


def find_users_file(export: Path) -> Path | None:
    """users.json beside the day file, or at the export's root one folder up."""
    folder = export if export.is_dir() else export.parent
    for candidate in (folder / "users.json", folder.parent / "users.json"):
        if candidate.is_file():
            return candidate
    return None


def decode(text: str, names: dict[str, str]) -> str:
    """Slack markup to plain text."""

    def replace(match: re.Match) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (names.get(target[1:]) or label.lstrip("@") or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            command = target[1:].split("^", 1)[0]
            if command in ("here", "channel", "everyone"):
                return "@" + command
            return label or command  # !subteam^ID|@team, !date^...|fallback
        url = target[len("mailto:"):] if target.startswith("mailto:") else target
        if label and label != url:
            return f"{label} ({url})"
        return url

    return html.unescape(_MARKUP.sub(replace, text))


def _messages(path: Path) -> list:
    files = [path]
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.name not in EXPORT_METADATA)
        if not files:
            raise ImportFailure(f"{path}: no day files (*.json) in this folder; give a channel's folder or one day's file")
    messages: list = []
    for file in files:
        data = load_json(file, "Slack")
        if isinstance(data, dict) and isinstance(data.get("messages"), list):
            data = data["messages"]  # the conversations.history API's shape
        if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
            raise ImportFailure(
                f"{file}: this is not a Slack channel export: expected a JSON list of messages "
                "(one day's file of an export, with `ts` and `text` on each)"
            )
        for n, message in enumerate(data):
            if "ts" not in message:
                raise ImportFailure(
                    f"{file}: item {n + 1} has no `ts`, so this is not a Slack channel export "
                    "(every message has a `ts` time)"
                )
        messages.extend(data)
    return messages


def _time(ts: object, path: Path) -> dt.datetime:
    try:
        if not isinstance(ts, (str, int, float)):
            raise TypeError(ts)
        return dt.datetime.fromtimestamp(float(ts), tz=dt.timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        raise ImportFailure(f"{path}: message time ts={ts!r} is not Slack's seconds-since-epoch") from None


def _is_pinned(message: dict) -> bool:
    if message.get("pinned_to"):
        return True
    reactions = message.get("reactions")
    return isinstance(reactions, list) and any(isinstance(r, dict) and isinstance(r.get("name"), str)
                                               and r["name"] in PIN_REACTIONS for r in reactions)


def _author(message: dict, names: dict[str, str]) -> str:
    user = message.get("user")
    if isinstance(user, str) and user in names:
        return names[user]
    bot = message.get("bot_profile") if isinstance(message.get("bot_profile"), dict) else {}
    for candidate in (message.get("username"), bot.get("name"), user):
        if isinstance(candidate, str) and candidate.strip():
            return candidate
    return "someone"


def _text(message: dict) -> str:
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    if text.strip():
        return text
    # A bot (PagerDuty, a deploy bot) often posts only an attachment, whose
    # fallback is the plain-text version Slack itself shows in notifications.
    attachments = message.get("attachments")
    fallbacks = [a.get("fallback") for a in attachments if isinstance(a, dict)] if isinstance(attachments, list) else []
    return " / ".join(f for f in fallbacks if isinstance(f, str) and f.strip())


def read_slack(path: Path, users: Path | None = None, pinned_only: bool = False) -> TimelineExport:
    messages = _messages(path)
    if not messages:
        raise ImportFailure(f"{path}: the export has no messages")
    # users.json names people best; without it, the profile Slack attaches
    # to some messages names their author everywhere else in the export.
    names = {**profile_names(messages), **user_names(users or find_users_file(path))}
    export = TimelineExport()
    skipped = {"joins and leaves": 0, "not pinned": 0, "without text": 0}
    for message in messages:
        subtype = message.get("subtype")
        if isinstance(subtype, str) and subtype in SKIPPED_SUBTYPES:
            skipped["joins and leaves"] += 1
            continue
        if pinned_only and not _is_pinned(message):
            skipped["not pinned"] += 1
            continue
        text = " ".join(decode(_text(message), names).split())
        if not text:
            skipped["without text"] += 1
            continue
        export.rows.append(TimelineRow(_time(message["ts"], path), f"{_author(message, names)}: {text}"))
    export.rows.sort(key=lambda row: row.time)
    export.notes = [f"skipped {count} message(s): {why}" for why, count in skipped.items() if count]
    return export
