"""Discussion analytics over the canonical DataFrame: per-thread summaries and reply trees.

Placeholders (deleted, empty or missing posts kept to hold a tree together) are shown in trees
but never counted as contributions.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from coi.text import own_words

STAFF_ROLES = ("instructor", "facilitator")


def contributions(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts that are real contributions (no placeholders)."""
    return posts[~posts["placeholder"]]


def thread_titles(posts: pd.DataFrame, width: int = 60) -> pd.Series:
    """thread_id → a title to show: the starter's title, else (chat messages have none) the
    starter's first words, so a Slack thread reads as what it is about, not as an id."""
    starters = posts[posts["is_starter"]].drop_duplicates("thread_id").set_index("thread_id")

    def title(row: pd.Series) -> str:
        if row["title"]:
            return str(row["title"])
        words = " ".join(own_words(str(row["text"])).split())
        return words if len(words) <= width else words[:width].rsplit(" ", 1)[0] + "…"

    return starters.apply(title, axis=1) if len(starters) else pd.Series(dtype=str)


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
    table.insert(0, "title", thread_titles(posts).reindex(table.index).fillna(""))
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


def thread_metrics(posts: pd.DataFrame, coded: pd.DataFrame, needs_threshold: float = 0.5,
                   records: dict[str, dict[str, list]] | None = None) -> pd.DataFrame:
    """One row per thread: size, people, presence balance, inquiry progress, attention signals.

    Columns (all usable in suggestion rules): posts, participants, staff_posts, staff_share,
    social_share, cognitive_share, teaching_share, affective_share, interactive_share,
    cohesive_share, n_<phase> for each cognitive phase, highest_phase, highest_phase_rank,
    posts_since_teaching, posts_since_integration (posts after the last integration or
    resolution post), exploration_since_integration, n_unanswered_needs, top_author,
    top_author_share (non-staff), n_isolated, isolated_names, started, last_activity (and
    *_pct versions of shares, in percent). ``records`` reuses :func:`thread_records`.
    """
    records = thread_records(posts, coded) if records is None else records
    rows = [_metrics(thread, needs_threshold) for thread in records.values()]
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    starters = posts[posts["is_starter"]].set_index("thread_id")
    table.insert(1, "title", table["thread_id"].map(thread_titles(posts)).fillna(""))
    table.insert(2, "forum", table["thread_id"].map(starters["forum"]).fillna(""))
    return table


RECORD_COLUMNS = ("thread_id", "post_id", "parent_id", "author", "role", "is_starter", "text",
                  "n_replies", "created_at", "social", "cognitive", "teaching",
                  "sp_affective", "sp_interactive", "sp_cohesive", "cp_phase", "needs_reply")


def thread_records(posts: pd.DataFrame, coded: pd.DataFrame) -> dict[str, dict[str, list]]:
    """Each thread's coded contributions as column lists in post order.

    Per-thread work (metrics, evidence selection) on plain lists is an order of magnitude
    faster than on a DataFrame per thread when a course has a thousand threads.
    """
    data = coded_posts(posts, coded)
    columns = list(RECORD_COLUMNS) + (["activity"] if "activity" in data.columns else [])
    records = data[columns].to_dict("list")
    ids = data["thread_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True]) if len(ids) else [0]
    return {ids[start]: {key: values[start:end] for key, values in records.items()}
            for start, end in zip(bounds[:-1], bounds[1:], strict=True)}


def _metrics(thread: dict[str, list], needs_threshold: float) -> dict[str, object]:
    """Metrics of one thread given as column lists in post order (plain Python: fast)."""
    n = len(thread["post_id"])
    staff = [role in STAFF_ROLES for role in thread["role"]]
    ranks = [PHASES.index(p) for p in thread["cp_phase"]]
    teaching = [i for i, t in enumerate(thread["teaching"]) if int(t)]
    since_teaching = n - 1 - teaching[-1] if teaching else n
    integrating = [i for i, r in enumerate(ranks) if r >= PHASES.index("integration")]
    since_integration = n - 1 - integrating[-1] if integrating else n
    recent = thread["cp_phase"][n - since_integration:] if since_integration else []
    counts: dict[str, int] = {}
    for author, is_staff in zip(thread["author"], staff, strict=True):
        if not is_staff:
            counts[author] = counts.get(author, 0) + 1
    top = max(counts, key=counts.__getitem__) if counts else ""
    unanswered = sum(1 for need, replies in zip(thread["needs_reply"], thread["n_replies"],
                                                strict=True)
                     if need >= needs_threshold and replies == 0)
    isolated = _isolated(thread, staff)
    times = [t for t in thread["created_at"] if not pd.isna(t)]
    metrics: dict[str, object] = {
        "thread_id": thread["thread_id"][0], "posts": n,
        "participants": len(set(thread["author"])), "staff_posts": sum(staff),
        "staff_share": sum(staff) / n,
        "social_share": _mean(thread["social"]), "cognitive_share": _mean(thread["cognitive"]),
        "teaching_share": _mean(thread["teaching"]),
        "affective_share": _mean(thread["sp_affective"]),
        "interactive_share": _mean(thread["sp_interactive"]),
        "cohesive_share": _mean(thread["sp_cohesive"]),
        "highest_phase": PHASES[max(ranks)], "highest_phase_rank": max(ranks),
        "posts_since_teaching": since_teaching,
        "posts_since_integration": since_integration,
        "exploration_since_integration": sum(1 for p in recent if p == "exploration"),
        "n_unanswered_needs": unanswered,
        "top_author": top, "top_author_share": counts[top] / n if top else 0.0,
        "n_isolated": len(isolated), "isolated_names": ", ".join(isolated),
        "started": min(times) if times else pd.NaT,
        "last_activity": max(times) if times else pd.NaT,
    }
    for phase in PHASES:
        metrics[f"n_{phase}"] = sum(1 for p in thread["cp_phase"] if p == phase)
    if "activity" in thread:
        metrics["activity"] = main_activity(thread["activity"])
    for share in ("staff", "social", "cognitive", "teaching", "affective", "interactive",
                  "cohesive", "top_author"):
        metrics[f"{share}_pct"] = round(100 * float(metrics[f"{share}_share"]))
    return metrics


def main_activity(kinds: Iterable[str]) -> str:
    """A thread's main kind of social learning: its most frequent activity other than "other"
    (ties: the first seen), or "other" when it has none."""
    counts = Counter(kind for kind in kinds if kind != "other")
    return counts.most_common(1)[0][0] if counts else "other"


def _mean(values: list) -> float:
    return sum(int(v) for v in values) / len(values) if values else 0.0


def _isolated(thread: dict[str, list], staff: list[bool]) -> list[str]:
    replied_to = {parent for parent in thread["parent_id"] if parent}
    starters = {a for a, s in zip(thread["author"], thread["is_starter"], strict=True) if s}
    staff_names = {a for a, s in zip(thread["author"], staff, strict=True) if s}
    posts_of: dict[str, list[str]] = {}
    for author, post_id in zip(thread["author"], thread["post_id"], strict=True):
        posts_of.setdefault(author, []).append(post_id)
    isolated = []
    words: list[set[str]] | None = None
    for author, post_ids in posts_of.items():
        if not author or author in starters or author in staff_names:
            continue
        if replied_to.intersection(post_ids):
            continue
        if words is None:  # the words of every post, once per thread
            words = [set(_WORDS.findall(text)) for text in thread["text"]]
        first = str(author).split()[0]
        if len(first) >= 2 and any(first in post_words for a, post_words in zip(
                thread["author"], words, strict=True) if a != author):
            continue
        isolated.append(str(author))
    return isolated


_WORDS = re.compile(r"\w+")


def isolated_participants(thread: pd.DataFrame) -> list[str]:
    """Participants (not staff, not the starter) whose posts drew no reply and whom nobody
    else names: candidates for being drawn in."""
    records = thread.sort_values("position").to_dict("list")
    return _isolated(records, [role in STAFF_ROLES for role in records["role"]])


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
