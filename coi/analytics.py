"""Discussion analytics over the canonical DataFrame: per-thread summaries and reply trees.

Placeholders (deleted, empty or missing posts kept to hold a tree together) are shown in trees
but never counted as contributions.
"""

from __future__ import annotations

import textwrap

import pandas as pd

STAFF_ROLES = ("instructor", "facilitator")


def contributions(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts that are real contributions (no placeholders)."""
    return posts[~posts["placeholder"]]


def thread_table(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per thread: size, participants, staff share, depth, first and last activity."""
    real = contributions(posts)
    if real.empty:
        return pd.DataFrame(columns=["thread_id", "title", "forum", "posts", "participants",
                                     "staff_share", "max_depth", "started", "last_activity"])
    starters = posts[posts["is_starter"]].set_index("thread_id")
    grouped = real.groupby("thread_id", sort=False)
    table = pd.DataFrame({
        "posts": grouped.size(),
        "participants": grouped["author"].nunique(),
        "staff_share": grouped["role"].agg(lambda r: float(r.isin(STAFF_ROLES).mean())),
        "max_depth": grouped["depth"].max(),
        "started": grouped["created_at"].min(),
        "last_activity": grouped["created_at"].max(),
    })
    table.insert(0, "title", starters["title"].reindex(table.index).fillna(""))
    table.insert(1, "forum", starters["forum"].reindex(table.index).fillna(""))
    table = table.reset_index().rename(columns={"index": "thread_id"})
    return table.sort_values(["forum", "started", "thread_id"], na_position="last",
                             kind="stable").reset_index(drop=True)


def render_thread_tree(thread: pd.DataFrame, *, full: bool = False, width: int = 100) -> str:
    """A thread as an indented text tree (for the CLI)."""
    children: dict[str, list[str]] = {}
    by_id = thread.set_index("post_id", drop=False)
    ordered = thread.sort_values("position")
    for pid, parent in zip(ordered["post_id"], ordered["parent_id"], strict=True):
        children.setdefault(parent, []).append(pid)
    lines: list[str] = []
    starters = children.get("", [])
    title = by_id.loc[starters[0], "title"] if starters else ""
    lines.append(f"thread {thread['thread_id'].iloc[0]}: {title}")

    def walk(pid: str, prefix: str, last: bool) -> None:
        post = by_id.loc[pid]
        when = "" if pd.isna(post["created_at"]) else f" {post['created_at']:%Y-%m-%d %H:%M}"
        role = f" ({post['role']})" if post["role"] != "unknown" else ""
        branch = "└─ " if last else "├─ "
        head = f"{prefix}{branch}[{pid}] {post['author'] or '—'}{role}{when}"
        lines.append(head)
        body = str(post["text"]) if full else " ".join(str(post["text"]).split())[:width]
        indent = prefix + ("   " if last else "│  ")
        for line in (body.split("\n") if full else [body]):
            lines.extend(textwrap.wrap(line, width=width, initial_indent=indent + "  ",
                                       subsequent_indent=indent + "  ") or [indent])
        kids = children.get(pid, [])
        for index, child in enumerate(kids):
            walk(child, indent, index == len(kids) - 1)

    for index, starter in enumerate(starters):
        walk(starter, "", index == len(starters) - 1)
    return "\n".join(lines)
