"""Slack workspace export: a zip (or its unpacked folder) with one folder per channel.

Each channel folder holds ``YYYY-MM-DD.json`` files (JSON arrays of messages); ``users.json``
(``org_users.json`` on Enterprise Grid) resolves ``<@U123>`` mentions and authors;
``channels.json``/``groups.json`` name the channels. ``ts`` is unique per channel only, so post
ids are ``<channel>:<ts>``. A message with ``thread_ts`` equal to its ``ts`` starts a thread;
one with a different ``thread_ts`` replies to that message (Slack threads are one level
deep). A message outside any thread is a thread of its own. Channel joins/leaves, topic and
purpose changes and bot messages are left out (counted in the report); a deleted thread
parent (``tombstone``) stays as a placeholder; ``thread_broadcast`` copies are de-duplicated
by ``ts``. Slack has no course roles: pass a ``roles`` mapping (user id or name → role).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pandas as pd

from coi.errors import CoiError, ImportFormatError
from coi.importers._common import ImportOptions
from coi.importers._io import decode_text, load_json
from coi.report import ImportReport
from coi.text import slack_to_text
from coi.threads import ROW

_DAY_FILE = re.compile(r"^(?P<channel>[^/]+)/\d{4}-\d{2}-\d{2}\.json$")
_SKIPPED_SUBTYPES = {
    "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
    "channel_archive", "channel_unarchive", "group_join", "group_leave", "group_topic",
    "group_purpose", "group_name", "pinned_item", "unpinned_item", "bot_add", "bot_remove",
    "reminder_add", "channel_convert_to_private", "sh_room_created", "huddle_thread",
}
_USER_FILES = ("users.json", "org_users.json")


def is_export(names: list[str]) -> bool:
    """A Slack export holds channel/YYYY-MM-DD.json entries (maybe under one enclosing folder)."""
    prefix = _common_prefix(names)
    return any(_DAY_FILE.match(name[len(prefix):]) for name in names)


def _common_prefix(names: list[str]) -> str:
    """'export/' when the whole export was zipped inside one enclosing folder, else ''."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) != 1 or not all("/" in name for name in names):
        return ""
    prefix = next(iter(tops)) + "/"
    inner = [name[len(prefix):] for name in names]
    return prefix if any(_DAY_FILE.match(name) for name in inner) else ""


def read(entries: dict[str, bytes], options: ImportOptions, report: ImportReport) -> pd.DataFrame:
    names = list(entries)
    prefix = _common_prefix(names)
    files = {name[len(prefix):]: data for name, data in entries.items()}
    users = _users(files, options, report)
    records: list[dict[str, Any]] = []
    skipped: Counter[str] = Counter()
    day_files = sorted(n for n in files if _DAY_FILE.match(n))
    if not day_files:
        raise ImportFormatError("no channel day files (channel/YYYY-MM-DD.json) in this Slack "
                                "export", file=report.source)
    seen: set[str] = set()
    for path in day_files:
        channel = _DAY_FILE.match(path).group("channel")  # type: ignore[union-attr]
        location = f"{report.source}:{prefix}{path}"
        try:
            messages = load_json(decode_text(files[path], location), location, options.limits)
        except CoiError as exc:
            report.error(f"{exc}; this day file was skipped", file=location)
            continue
        if not isinstance(messages, list):
            report.error("expected a JSON array of messages; skipped", file=location)
            continue
        for number, message in enumerate(messages, start=1):
            record = _record(message, channel, users, location, number, report, skipped)
            if record is None:
                continue
            if record["post_id"] in seen:
                skipped["duplicate (thread_broadcast)"] += 1
                continue
            seen.add(record["post_id"])
            records.append(record)
    for reason, count in sorted(skipped.items()):
        report.info(f"{count} messages left out: {reason}")
    report.records_read = len(records) + sum(skipped.values())
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        raise ImportFormatError("the Slack export holds no messages to import",
                                file=report.source)
    return frame.sort_values(["forum", "_ts"], kind="stable").drop(columns="_ts")


def _users(files: dict[str, bytes], options: ImportOptions,
           report: ImportReport) -> dict[str, dict[str, Any]]:
    users: dict[str, dict[str, Any]] = {}
    for name in _USER_FILES:
        if name not in files:
            continue
        try:
            values = load_json(decode_text(files[name], name), name, options.limits)
        except CoiError as exc:
            report.error(f"{exc}; mentions and authors are shown by user id", file=name)
            continue
        for user in values if isinstance(values, list) else []:
            if isinstance(user, dict) and user.get("id"):
                profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
                display = (profile.get("real_name") or user.get("real_name")
                           or profile.get("display_name") or user.get("name") or user["id"])
                users[str(user["id"])] = {"name": str(display), "is_bot": bool(
                    user.get("is_bot"))}
    if not users:
        report.warning("no users.json in the export; authors and mentions are shown by Slack "
                       "user id")
    return users


def _record(message: Any, channel: str, users: dict[str, dict[str, Any]], location: str,
            number: int, report: ImportReport, skipped: Counter[str]) -> dict[str, Any] | None:
    if not isinstance(message, dict) or not message.get("ts"):
        report.error("message without a timestamp ('ts'); skipped", file=location, row=number)
        return None
    if message.get("type", "message") != "message":
        skipped[f"type {message.get('type')}"] += 1
        return None
    subtype = message.get("subtype") or ""
    if subtype in _SKIPPED_SUBTYPES:
        skipped[f"{subtype} events"] += 1
        return None
    user_id = str(message.get("user") or "")
    if subtype == "bot_message" or message.get("bot_id") and not user_id or users.get(
            user_id, {}).get("is_bot"):
        skipped["bot messages"] += 1
        return None
    ts = str(message["ts"])
    thread_ts = str(message.get("thread_ts") or "")
    tombstone = subtype == "tombstone" or bool(message.get("hidden") and user_id == "USLACKBOT")
    names = {uid: info["name"] for uid, info in users.items()}
    profile = message.get("user_profile") if isinstance(message.get("user_profile"), dict) else {}
    raw = str(message.get("text") or "")
    text = slack_to_text(raw, names)
    if not text and message.get("files"):
        text = "[shared " + ", ".join(
            str(f.get("title") or f.get("name") or "a file") for f in message["files"]
            if isinstance(f, dict)) + "]"
    try:
        seconds = float(ts)
    except ValueError:
        report.error(f"timestamp {ts!r} is not a Slack ts; skipped", file=location, row=number,
                     field="ts")
        return None
    return {
        "post_id": f"{channel}:{ts}",
        "thread_id": f"{channel}:{thread_ts or ts}",
        "parent_id": f"{channel}:{thread_ts}" if thread_ts and thread_ts != ts else "",
        "author": "" if tombstone else (names.get(user_id) or str(
            profile.get("real_name") or message.get("username") or user_id)),
        "_author_id": user_id, "role": "unknown", "created_at": str(seconds), "title": "",
        "raw_text": raw, "text": "[deleted message]" if tombstone else text,
        "platform": "slack", "forum": f"#{channel}", "placeholder": tombstone,
        ROW: number, "_ts": seconds,
    }
