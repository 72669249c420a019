"""Discussion analytics over the canonical DataFrame: per-thread summaries and reply trees.

Placeholders (deleted, empty or missing posts kept to hold a tree together) are shown in trees
but never counted as contributions.
"""

from __future__ import annotations

import re
import textwrap

import numpy as np
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


PHASES = ("other", "triggering", "exploration", "integration", "resolution")


def coded_posts(posts: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Contributions with their codes: the canonical columns joined to the coded columns."""
    real = contributions(posts)
    extra = [c for c in coded.columns if c not in real.columns or c == "post_id"]
    merged = real.merge(coded[extra], on="post_id", how="inner", validate="one_to_one")
    return merged.sort_values(["thread_id", "position"], kind="stable").reset_index(drop=True)


def thread_metrics(posts: pd.DataFrame, coded: pd.DataFrame,
                   needs_threshold: float = 0.5) -> pd.DataFrame:
    """One row per thread: size, people, presence balance, inquiry progress, attention signals.

    Columns (all usable in suggestion rules): posts, participants, staff_posts, staff_share,
    social_share, cognitive_share, teaching_share, affective_share, interactive_share,
    cohesive_share, n_<phase> for each cognitive phase, highest_phase, highest_phase_rank,
    posts_since_teaching, posts_since_integration (posts after the last integration or
    resolution post), exploration_since_integration, n_unanswered_needs, top_author, top_author_share, n_isolated,
    isolated_names, started, last_activity (and *_pct versions of shares, in percent).
    """
    data = coded_posts(posts, coded)
    rows = [_metrics(thread, group, needs_threshold) for thread, group in
            data.groupby("thread_id", sort=False)]
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    starters = posts[posts["is_starter"]].set_index("thread_id")
    table.insert(1, "title", table["thread_id"].map(starters["title"]).fillna(""))
    table.insert(2, "forum", table["thread_id"].map(starters["forum"]).fillna(""))
    return table


def _metrics(thread: str, group: pd.DataFrame, needs_threshold: float) -> dict[str, object]:
    group = group.sort_values("position")
    n = len(group)
    staff = group["role"].isin(STAFF_ROLES)
    phases = group["cp_phase"].value_counts()
    ranks = group["cp_phase"].map({p: i for i, p in enumerate(PHASES)})
    teaching_positions = np.flatnonzero(group["teaching"].to_numpy() == 1)
    since_teaching = n - 1 - teaching_positions[-1] if len(teaching_positions) else n
    integrating = np.flatnonzero(ranks.to_numpy() >= PHASES.index("integration"))
    since_integration = n - 1 - integrating[-1] if len(integrating) else n
    recent = group.tail(since_integration) if since_integration else group.iloc[0:0]
    authors = group.loc[~staff, "author"].value_counts()  # staff have their own signal
    unanswered = group[(group["needs_reply"] >= needs_threshold) & (group["n_replies"] == 0)]
    isolated = isolated_participants(group)
    metrics: dict[str, object] = {
        "thread_id": thread, "posts": n, "participants": int(group["author"].nunique()),
        "staff_posts": int(staff.sum()), "staff_share": float(staff.mean()),
        "social_share": float(group["social"].mean()),
        "cognitive_share": float(group["cognitive"].mean()),
        "teaching_share": float(group["teaching"].mean()),
        "affective_share": float(group["sp_affective"].mean()),
        "interactive_share": float(group["sp_interactive"].mean()),
        "cohesive_share": float(group["sp_cohesive"].mean()),
        "highest_phase": PHASES[int(ranks.max())] if n else "other",
        "highest_phase_rank": int(ranks.max()) if n else 0,
        "posts_since_teaching": int(since_teaching),
        "posts_since_integration": int(since_integration),
        "exploration_since_integration": int((recent["cp_phase"] == "exploration").sum()),
        "n_unanswered_needs": len(unanswered),
        "top_author": str(authors.index[0]) if len(authors) else "",
        "top_author_share": float(authors.iloc[0] / n) if len(authors) else 0.0,
        "n_isolated": len(isolated), "isolated_names": ", ".join(isolated),
        "started": group["created_at"].min(), "last_activity": group["created_at"].max(),
    }
    for phase in PHASES:
        metrics[f"n_{phase}"] = int(phases.get(phase, 0))
    for share in ("staff", "social", "cognitive", "teaching", "affective", "interactive",
                  "cohesive", "top_author"):
        metrics[f"{share}_pct"] = round(100 * float(metrics[f"{share}_share"]))
    return metrics


def isolated_participants(thread: pd.DataFrame) -> list[str]:
    """Participants (not staff, not the starter) whose posts drew no reply and whom nobody
    else names: candidates for being drawn in."""
    replied_to = set(thread.loc[thread["parent_id"] != "", "parent_id"])
    by_author = thread.groupby("author")
    starter_author = thread.loc[thread["is_starter"], "author"]
    isolated = []
    for author, posts in by_author:
        if not author or author in set(starter_author) or posts["role"].isin(
                STAFF_ROLES).any():
            continue
        if set(posts["post_id"]) & replied_to:
            continue
        first = str(author).split()[0]
        others = thread[thread["author"] != author]["text"]
        if len(first) >= 2 and others.str.contains(rf"\b{re.escape(first)}\b", regex=True).any():
            continue
        isolated.append(str(author))
    return isolated


def participation(thread: pd.DataFrame) -> pd.DataFrame:
    """Who posts and who replies to whom in a thread: one row per author with posts, replies
    written, replies received, and the people they reply to."""
    real = contributions(thread)
    author_of = dict(zip(thread["post_id"], thread["author"], strict=True))
    pairs = real[real["parent_id"] != ""].assign(
        to=lambda f: f["parent_id"].map(author_of).fillna(""))
    received = pairs[pairs["to"] != pairs["author"]].groupby("to").size()
    table = real.groupby("author").agg(role=("role", "first"), posts=("post_id", "size"))
    table["replies_written"] = pairs.groupby("author").size().reindex(table.index).fillna(0)
    table["replies_received"] = received.reindex(table.index).fillna(0)
    table["replies_to"] = pairs.groupby("author")["to"].agg(
        lambda names: ", ".join(sorted({n for n in names if n}))).reindex(table.index).fillna("")
    return table.astype({"replies_written": int, "replies_received": int}).sort_values(
        "posts", ascending=False).reset_index()


def reply_pairs(posts: pd.DataFrame) -> pd.DataFrame:
    """Directed reply counts between authors (source replies to target), placeholders skipped."""
    real = contributions(posts)
    author_of = dict(zip(posts["post_id"], posts["author"], strict=True))
    pairs = real[real["parent_id"] != ""].assign(target=lambda f: f["parent_id"].map(author_of))
    pairs = pairs[pairs["target"].fillna("") != ""]
    return (pairs.groupby(["author", "target"]).size().rename("replies").reset_index()
            .rename(columns={"author": "source"}))


def phase_trajectory(thread_coded: pd.DataFrame) -> pd.DataFrame:
    """The cognitive phase of each post along the thread (post order and time)."""
    frame = thread_coded.sort_values("position")[["post_id", "position", "created_at",
                                                  "author", "role", "cp_phase"]].copy()
    frame["phase_rank"] = frame["cp_phase"].map({p: i for i, p in enumerate(PHASES)})
    frame["highest_so_far"] = frame["phase_rank"].cummax().map(dict(enumerate(PHASES)))
    return frame.reset_index(drop=True)
