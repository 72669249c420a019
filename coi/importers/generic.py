"""Generic tables (CSV/TSV/JSON/JSONL/XLSX) with a column mapping.

Common column names are recognised without a mapping (see :data:`ALIASES`); anything else is
mapped with ``columns={"text": "Body", "thread_id": "Topic"}`` (Python) or
``--column text=Body --column thread_id=Topic`` (CLI). Only an id and a text column are
required; a post without a thread is its own thread.
"""

from __future__ import annotations

import re

import pandas as pd

from coi.errors import ImportFormatError
from coi.importers._common import (
    ImportOptions,
    clean_id,
    clean_parent,
    normalise_role,
    parse_times,
)
from coi.report import ImportReport
from coi.text import html_to_text
from coi.threads import ROW

#: Canonical column → names recognised in a file's header (compared case- and
#: punctuation-insensitively).
ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("post_id", "id", "postid", "message_id", "comment_id", "entry_id",
                "forum_post_id", "utterance_id", "uuid"),
    "text": ("text", "body", "message", "content", "post_text", "post", "comment", "post_body",
             "message_text", "body_text", "post_message", "post_content"),
    "thread_id": ("thread_id", "thread", "discussion", "discussion_id", "topic_id", "topic",
                  "conversation_id", "comment_thread_id", "threadid", "root_id"),
    "parent_id": ("parent_id", "parent", "reply_to", "in_reply_to", "reply_to_id",
                  "parent_post_id", "parentpostid", "parent_message_id"),
    "author": ("author", "user", "username", "user_name", "author_name", "userfullname",
               "display_name", "speaker", "posted_by", "from", "name", "poster"),
    "role": ("role", "user_role", "author_role", "roles"),
    "created_at": ("created_at", "created", "timestamp", "date", "post_time", "time",
                   "datetime", "posted_at", "date_posted", "dateposted", "created_utc",
                   "creation_date", "time_created"),
    "title": ("title", "subject", "thread_title", "topic_title", "post_title"),
    "forum": ("forum", "course", "channel", "forum_name", "course_name", "category",
              "subreddit", "community", "group"),
    "author_id": ("user_id", "userid", "author_id", "authorid", "uid", "forum_uid",
                  "posting_user_id"),
}
REQUIRED = ("post_id", "text")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def resolve_columns(table: pd.DataFrame, explicit: dict[str, str], name: str) -> dict[str, str]:
    """Canonical column → column of ``table``: explicit mapping first, then aliases."""
    available = {_key(c): c for c in table.columns if c != ROW}
    mapping: dict[str, str] = {}
    for canonical, source_column in explicit.items():
        if canonical not in ALIASES:
            raise ImportFormatError(
                f"'{canonical}' is not a coi column; map one of {sorted(ALIASES)}", file=name)
        found = available.get(_key(source_column))
        if found is None:
            raise ImportFormatError(
                f"the mapping {canonical}={source_column} names a column the file does not "
                f"have; its columns are {sorted(available.values())}", file=name,
                field=source_column)
        mapping[canonical] = found
    used = set(mapping.values())
    for canonical, aliases in ALIASES.items():
        if canonical in mapping:
            continue
        for alias in aliases:
            found = available.get(_key(alias))
            if found is not None and found not in used:
                mapping[canonical] = found
                used.add(found)
                break
    return mapping


def read(table: pd.DataFrame, options: ImportOptions, report: ImportReport,
         platform: str = "generic") -> pd.DataFrame:
    """Canonical posts from a string table (see :mod:`coi.importers._tables`)."""
    mapping = resolve_columns(table, options.columns, report.source)
    if "text" not in mapping:
        raise ImportFormatError(
            "no text column found. Name it text/body/message/content/post_text, or map it: "
            f"--column text=YOUR_COLUMN (columns seen: {_visible(table)})", file=report.source)
    if "post_id" not in mapping:
        report.warning("no id column found (id/post_id/message_id); posts are numbered by row")
    return build_posts(table, mapping, options, report, platform)


def build_posts(table: pd.DataFrame, mapping: dict[str, str], options: ImportOptions,
                report: ImportReport, platform: str) -> pd.DataFrame:
    """Canonical columns from ``table`` according to ``mapping`` (shared with Moodle)."""
    rows = table[ROW]

    def column(canonical: str, default: str = "") -> pd.Series:
        source = mapping.get(canonical)
        return table[source] if source else pd.Series(default, index=table.index, dtype=object)

    raw = column("text").astype(str)
    posts = pd.DataFrame({
        "post_id": clean_id(column("post_id")) if "post_id" in mapping else (
            "row-" + rows.astype(str)),
        "thread_id": clean_id(column("thread_id")),
        "parent_id": clean_parent(clean_id(column("parent_id"))),
        "author": column("author").astype(str).str.strip(),
        "role": column("role").map(normalise_role) if "role" in mapping else "unknown",
        "created_at": parse_times(column("created_at"), rows, mapping.get("created_at", ""),
                                  report, options.timezone),
        "title": column("title").astype(str).str.strip(),
        "text": raw.map(html_to_text),
        "raw_text": raw,
        "platform": platform,
        "forum": options.forum or column("forum").astype(str).str.strip(),
        "_author_id": clean_id(column("author_id")),
        ROW: rows,
    })
    return posts


def _visible(table: pd.DataFrame) -> str:
    return ", ".join(c for c in table.columns if c != ROW) or "none"
