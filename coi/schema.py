"""The canonical discussion shape: one pandas DataFrame, one row per post.

Every importer produces it, the workspace stores it, the pipeline codes it and the dashboard
shows it. Columns (all ids are strings exactly as the platform gives them):

==============  ==========================  ====================================================
column          dtype                       meaning
==============  ==========================  ====================================================
post_id         str                         the platform's post id (unique in a discussion)
thread_id       str                         the thread/topic/discussion the post belongs to
parent_id       str                         the post it replies to; "" for a thread starter
author          str                         display name (or a stable pseudonym)
role            str                         instructor / facilitator / student / unknown
created_at      datetime64[ns, UTC]         when it was posted (NaT when the export has no time)
title           str                         subject line ("" when the platform has none)
text            str                         clean text; quoted lines start with "> "
raw_text        str                         the body exactly as exported (HTML, mrkdwn, …)
platform        str                         moodle / canvas / discourse / slack / generic / …
forum           str                         course, forum, category or channel
placeholder     bool                        deleted, empty or missing post kept to hold the tree
depth           int64                       0 for the starter, 1 for its replies, …
position        int64                       1-based order in the thread (by time, then input)
n_replies       int64                       number of direct replies
is_starter      bool                        parent_id == ""
==============  ==========================  ====================================================

Invariants (checked by :func:`validate`): post ids are unique; every non-empty parent_id is a
post of the same thread; every thread has exactly one starter; the reply graph has no cycles.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from coi.errors import SchemaError

ROLES: tuple[str, ...] = ("instructor", "facilitator", "student", "unknown")

#: Columns an importer fills.
SOURCE_COLUMNS: tuple[str, ...] = (
    "post_id", "thread_id", "parent_id", "author", "role", "created_at", "title", "text",
    "raw_text", "platform", "forum", "placeholder",
)
#: Columns computed from the reply tree by :func:`coi.threads.derive_structure`.
DERIVED_COLUMNS: tuple[str, ...] = ("depth", "position", "n_replies", "is_starter")
#: The full canonical schema, in order.
COLUMNS: tuple[str, ...] = SOURCE_COLUMNS + DERIVED_COLUMNS

STRING_COLUMNS: tuple[str, ...] = (
    "post_id", "thread_id", "parent_id", "author", "role", "title", "text", "raw_text",
    "platform", "forum",
)


def empty_discussion() -> pd.DataFrame:
    """An empty DataFrame with the canonical columns and dtypes."""
    return coerce(pd.DataFrame({column: [] for column in COLUMNS}))


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with canonical dtypes; missing optional columns are added empty.

    ``post_id`` and ``text`` are required; everything else has a sensible empty value, so a
    table with only ids and texts is a valid discussion (each post its own thread).
    """
    missing = [c for c in ("post_id", "text") if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"A discussion needs the columns {missing}; it has {list(frame.columns)}."
        )
    out = pd.DataFrame(index=range(len(frame)))
    for column in STRING_COLUMNS:
        if column in frame.columns:
            values = frame[column].reset_index(drop=True)
            out[column] = values.where(values.notna(), "").astype(str)
        else:
            out[column] = ""
    out["role"] = out["role"].str.lower().where(out["role"].str.lower().isin(ROLES), "unknown")
    created = frame["created_at"] if "created_at" in frame.columns else pd.Series(
        [pd.NaT] * len(frame))
    out["created_at"] = pd.to_datetime(created.reset_index(drop=True), utc=True, errors="coerce")
    out["created_at"] = out["created_at"].astype("datetime64[ns, UTC]")
    placeholder = frame["placeholder"] if "placeholder" in frame.columns else False
    out["placeholder"] = pd.Series(placeholder, index=out.index).fillna(False).astype(bool)
    for column in ("depth", "position", "n_replies"):
        source = frame[column].reset_index(drop=True) if column in frame.columns else 0
        out[column] = pd.Series(source, index=out.index).fillna(0).astype("int64")
    out["is_starter"] = out["parent_id"] == ""
    return out[list(COLUMNS)]


def validate(frame: pd.DataFrame) -> None:
    """Raise :class:`SchemaError` unless ``frame`` follows the canonical schema and invariants."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SchemaError(f"Missing canonical columns {missing}.")
    duplicated = frame.loc[frame["post_id"].duplicated(), "post_id"]
    if len(duplicated):
        raise SchemaError(f"Duplicate post ids: {_preview(duplicated)}.")
    thread_of = dict(zip(frame["post_id"], frame["thread_id"], strict=True))
    replies = frame[frame["parent_id"] != ""]
    bad_parent = [
        pid for pid, parent, thread in zip(
            replies["post_id"], replies["parent_id"], replies["thread_id"], strict=True)
        if thread_of.get(parent) != thread
    ]
    if bad_parent:
        raise SchemaError(f"Posts whose parent is not a post of the same thread: "
                          f"{_preview(bad_parent)}.")
    starters = frame[frame["parent_id"] == ""].groupby("thread_id").size()
    threads = set(frame["thread_id"])
    wrong = sorted(t for t in threads if starters.get(t, 0) != 1)
    if wrong:
        raise SchemaError(f"Threads without exactly one starter: {_preview(wrong)}.")
    bad_roles = set(frame["role"]) - set(ROLES)
    if bad_roles:
        raise SchemaError(f"Unknown roles {sorted(bad_roles)}; use one of {list(ROLES)}.")


def _preview(values: Iterable[object], limit: int = 5) -> str:
    items = [str(v) for v in values]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more
