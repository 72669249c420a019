"""Canvas discussion topic "full view" (``GET …/discussion_topics/:id/view``).

Accepted shapes: one view object (``participants``, ``view``, ``new_entries``…); a wrapper
``{"topic": <discussion topic object>, "view": <view object>}`` (or the view's keys beside
``topic``); a JSON list of either (several topics); or a zip of such files. The topic is the
thread and its own message is the thread starter; when the topic object is not included, a
placeholder starter holds the thread together so top-level entries keep depth 1, as on Canvas.

Deleted entries stay as placeholders with their replies intact (a naive filter on ``deleted``
would drop whole subtrees). Names come from ``participants``; Canvas puts no roles in the
view, so pass a ``roles`` mapping (user id or name → role) from the Enrollments API.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from coi.errors import ImportFormatError
from coi.importers._common import ImportOptions
from coi.report import ImportReport
from coi.text import html_to_text
from coi.threads import ROW


def is_view(value: Any) -> bool:
    """True for a view object or a topic+view wrapper."""
    if not isinstance(value, dict):
        return False
    view = value.get("view")
    if isinstance(view, dict):
        return isinstance(view.get("view"), list)
    return isinstance(view, list) and ("participants" in value or "unread_entries" in value
                                       or "new_entries" in value)


def read(documents: list[tuple[str, Any]], options: ImportOptions, report: ImportReport,
         default_forum: str) -> pd.DataFrame:
    """``documents`` is a list of (file name, parsed JSON) holding one or more topics."""
    records: list[dict[str, Any]] = []
    topics = 0
    for name, document in documents:
        items = document if isinstance(document, list) else [document]
        for index, item in enumerate(items, start=1):
            if not is_view(item):
                report.error("not a Canvas discussion view (no 'view' list of entries); skipped",
                             file=name, row=index)
                continue
            topics += 1
            records.extend(_topic_records(item, name, index, len(items), options, report))
    if not topics:
        raise ImportFormatError("no Canvas discussion view found", file=report.source)
    report.records_read = len(records)
    frame = pd.DataFrame.from_records(records)
    frame["forum"] = options.forum or default_forum
    frame["platform"] = "canvas"
    return frame


def _topic_records(document: dict[str, Any], name: str, index: int, count: int,
                   options: ImportOptions, report: ImportReport) -> list[dict[str, Any]]:
    topic = document.get("topic") if isinstance(document.get("topic"), dict) else {}
    view = document["view"] if isinstance(document.get("view"), dict) else document
    topic_id = str(topic.get("id") or document.get("topic_id") or _id_from_name(name) or (
        f"{index}" if count > 1 else "1"))
    participants = {
        str(p.get("id")): str(p.get("display_name") or "")
        for p in view.get("participants") or [] if isinstance(p, dict)
    }
    root_id = f"topic-{topic_id}"
    title = str(topic.get("title") or f"Topic {topic_id}")
    author = topic.get("author") if isinstance(topic.get("author"), dict) else {}
    root: dict[str, Any] = {
        "post_id": root_id, "thread_id": topic_id, "parent_id": "", "title": title,
        "author": str(author.get("display_name") or topic.get("user_name") or ""),
        "_author_id": str(author.get("id") or ""), "role": "unknown",
        "created_at": topic.get("posted_at") or topic.get("created_at") or "",
        "raw_text": str(topic.get("message") or ""), ROW: 0, "placeholder": not topic,
    }
    root["text"] = html_to_text(root["raw_text"]) if topic else "[topic post not in the export]"
    if not topic:
        report.info(f"topic {topic_id}: the topic's own post is not in the view export; a "
                    "placeholder starter holds its entries (export the topic object too to "
                    "include its prompt)", file=name)
    records = [root]
    stack = [(entry, root_id) for entry in reversed(view.get("view") or [])]
    stack += [(entry, None) for entry in reversed(view.get("new_entries") or [])]
    seen: set[str] = set()
    number = 0
    while stack:
        entry, structural_parent = stack.pop()
        number += 1
        if not isinstance(entry, dict) or entry.get("id") is None:
            report.error("entry without an id; skipped", file=name, row=number)
            continue
        entry_id = str(entry["id"])
        if entry_id in seen:  # new_entries may repeat entries already in the view
            continue
        seen.add(entry_id)
        parent = entry.get("parent_id")
        parent_id = str(parent) if parent not in (None, "") else (structural_parent or root_id)
        user_id = str(entry.get("user_id") or "")
        deleted = bool(entry.get("deleted"))
        raw = "" if deleted else str(entry.get("message") or "")
        records.append({
            "post_id": entry_id, "thread_id": topic_id, "parent_id": parent_id,
            "author": participants.get(user_id) or (f"User {user_id}" if user_id else ""),
            "_author_id": user_id, "role": "unknown", "title": f"Re: {title}",
            "created_at": entry.get("created_at") or "", "raw_text": raw,
            "text": "[deleted post]" if deleted else html_to_text(raw), ROW: number,
            "placeholder": deleted,
        })
        stack.extend((reply, entry_id) for reply in reversed(entry.get("replies") or []))
    return records


def _id_from_name(name: str) -> str:
    match = re.search(r"(\d+)", name.rsplit("/", 1)[-1])
    return match.group(1) if match else ""
