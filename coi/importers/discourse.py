"""Discourse topics (``/t/{id}.json``), one per file, a JSON list of them, or a zip.

``post_stream.posts`` holds the posts; ``reply_to_post_number`` is a post *number* inside the
topic (not an id) and null means a reply to the topic, i.e. to post 1. Extra chunks fetched
with ``/t/{id}/posts.json`` can be given as further documents: posts are merged by topic id.
Small-action and moderator-action posts (``post_type`` 3 and 2: "closed", "pinned"…) are
system events and left out; posts deleted by their author or by staff stay as placeholders.
Roles come from the staff flags: admin/moderator/staff → facilitator, a primary group named
like instructors/teachers/faculty → instructor, everyone else → student.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from coi.errors import ImportFormatError
from coi.importers._common import ImportOptions
from coi.report import ImportReport
from coi.text import html_to_text, plain_to_text
from coi.threads import ROW

_INSTRUCTOR_GROUP = re.compile(r"instructor|teacher|faculty|lecturer|professor|teaching",
                               re.IGNORECASE)
_SYSTEM_POST_TYPES = {2, 3}


def is_topic(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("post_stream"), dict)
            and isinstance(value["post_stream"].get("posts"), list))


def read(documents: list[tuple[str, Any]], options: ImportOptions, report: ImportReport,
         default_forum: str) -> pd.DataFrame:
    topics: dict[str, dict[str, Any]] = {}
    for name, document in documents:
        items = document if isinstance(document, list) else [document]
        for index, item in enumerate(items, start=1):
            if not is_topic(item):
                report.error("not a Discourse topic (no post_stream.posts); skipped", file=name,
                             row=index)
                continue
            posts = [p for p in item["post_stream"]["posts"] if isinstance(p, dict)]
            topic_id = str(item.get("id") or (posts[0].get("topic_id") if posts else "") or "")
            entry = topics.setdefault(topic_id, {"meta": {}, "posts": {}, "stream": [],
                                                 "file": name})
            if item.get("title"):
                entry["meta"] = item
            entry["stream"] = entry["stream"] or list(item["post_stream"].get("stream") or [])
            for post in posts:
                entry["posts"].setdefault(str(post.get("id")), post)
    if not topics:
        raise ImportFormatError("no Discourse topic found", file=report.source)
    records: list[dict[str, Any]] = []
    for topic_id, entry in topics.items():
        records.extend(_topic_records(topic_id, entry, options, report, default_forum))
    report.records_read = sum(len(e["posts"]) for e in topics.values())
    return pd.DataFrame.from_records(records)


def _topic_records(topic_id: str, entry: dict[str, Any], options: ImportOptions,
                   report: ImportReport, default_forum: str) -> list[dict[str, Any]]:
    meta, posts, name = entry["meta"], entry["posts"], entry["file"]
    missing = len(set(map(str, entry["stream"])) - set(posts))
    if missing:
        report.warning(f"topic {topic_id}: the file holds {len(posts)} of "
                       f"{len(posts) + missing} posts (Discourse sends them in chunks of 20). "
                       "Fetch the rest with /t/{id}/posts.json?post_ids[]=… and import those "
                       "files together with this one.", file=name)
    by_number = {int(p["post_number"]): str(p["id"]) for p in posts.values()
                 if isinstance(p.get("post_number"), int)}
    first = by_number.get(1, "")
    title = str(meta.get("title") or meta.get("fancy_title") or f"Topic {topic_id}")
    forum = options.forum or (f"category {meta['category_id']}" if meta.get("category_id")
                              else default_forum)
    records = []
    system = 0
    for number, post in enumerate(posts.values(), start=1):
        if post.get("post_type") in _SYSTEM_POST_TYPES:
            system += 1
            continue
        post_id = str(post.get("id"))
        reply_to = post.get("reply_to_post_number")
        if post_id == first:
            parent = ""
        elif isinstance(reply_to, int) and reply_to in by_number:
            parent = by_number[reply_to]
        elif isinstance(reply_to, int):
            parent = f"{topic_id}#{reply_to}"  # not exported: repaired (and reported) later
        else:
            parent = first
        deleted = bool(post.get("user_deleted") or post.get("deleted_at"))
        cooked = str(post.get("cooked") or "")
        records.append({
            "post_id": post_id, "thread_id": topic_id, "parent_id": parent,
            "author": str(post.get("name") or post.get("username") or ""),
            "_author_id": str(post.get("username") or post.get("user_id") or ""),
            "role": _role(post), "created_at": post.get("created_at") or "",
            "title": title if post_id == first else f"Re: {title}",
            "raw_text": str(post.get("raw") or cooked),
            "text": "[deleted post]" if deleted else (
                html_to_text(cooked) if cooked else _raw_to_text(str(post.get("raw") or ""))),
            "platform": "discourse", "forum": forum, "placeholder": deleted, ROW: number,
        })
    if system:
        report.info(f"topic {topic_id}: {system} system events (closed, pinned, moved…) left "
                    "out", file=name)
    return records


_RAW_QUOTE = re.compile(r"\[quote(?:=[^\]]*)?\]\s*(.*?)\s*\[/quote\]", re.DOTALL | re.IGNORECASE)


def _raw_to_text(raw: str) -> str:
    """Discourse Markdown when no cooked HTML is given: [quote] blocks become '> ' lines."""
    def quote(match: re.Match[str]) -> str:
        return "\n".join("> " + line for line in match.group(1).splitlines()) + "\n"
    return plain_to_text(_RAW_QUOTE.sub(quote, raw))


def _role(post: dict[str, Any]) -> str:
    if _INSTRUCTOR_GROUP.search(str(post.get("primary_group_name") or "")):
        return "instructor"
    if post.get("admin") or post.get("moderator") or post.get("staff"):
        return "facilitator"
    return "student"
