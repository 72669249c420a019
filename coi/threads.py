"""Thread reconstruction: turn reply links as exported into a valid forest of threads.

Exports are messy: duplicate ids, replies whose parent was deleted or not exported, parents in
another thread, cycles, threads with several roots or none. :func:`repair_reply_tree` fixes each
case in the least surprising way and records it in the import report; :func:`derive_structure`
then computes depth, position, number of replies and the starter flag.

Repairs, in order:

1. duplicate ``post_id``: an exact copy (same author and text) is dropped; a different post
   with a clashing id is kept under ``<id>~2``, ``<id>~3``, …
2. a parent equal to the post itself is removed;
3. an empty ``thread_id`` is inherited from the post's root ancestor (or the post's own id);
4. a parent that does not exist, or lies in another thread, is replaced by the thread starter;
5. a cycle is broken at its earliest post, which is attached to the thread starter;
6. a thread with several parentless posts keeps the earliest as starter and attaches the others
   to it; a thread with none promotes its earliest post.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from coi.report import ImportReport

ROW = "_row"  # optional helper column: the record's row number in the source file


def repair_reply_tree(frame: pd.DataFrame, report: ImportReport,
                      *, has_reply_links: bool = True) -> pd.DataFrame:
    """Return a copy of ``frame`` whose reply links form one tree per thread.

    ``frame`` has at least post_id, thread_id, parent_id, author, text and created_at; an
    optional ``_row`` column gives source row numbers for the report. ``has_reply_links`` is
    False for files that only say which thread a post belongs to; their replies are attached
    to the thread's first post without a warning per post.
    """
    frame = frame.reset_index(drop=True).copy()
    if ROW not in frame.columns:
        frame[ROW] = np.arange(1, len(frame) + 1)
    frame = _resolve_duplicate_ids(frame, report)
    post_ids = frame["post_id"].tolist()
    parents = dict(zip(post_ids, frame["parent_id"].tolist(), strict=True))
    rows = dict(zip(post_ids, frame[ROW].tolist(), strict=True))
    order = _chronological_order(frame)

    for pid, parent in parents.items():
        if parent == pid:
            parents[pid] = ""
            report.warning("post replies to itself; treated as a thread starter",
                           row=rows[pid], field="parent_id", post_id=pid)

    threads = _fill_thread_ids(frame, parents)
    for pid, parent in list(parents.items()):
        if not parent:
            continue
        if parent not in parents:
            parents[pid] = None  # type: ignore[assignment]  # re-attach after starters known
            report.warning(f"replies to post {parent}, which is not in the export; attached to "
                           "its thread's starter instead", row=rows[pid], field="parent_id",
                           post_id=pid)
        elif threads[parent] != threads[pid]:
            parents[pid] = None  # type: ignore[assignment]
            report.warning(f"replies to post {parent} of another thread ({threads[parent]}); "
                           "attached to its own thread's starter instead", row=rows[pid],
                           field="parent_id", post_id=pid)

    for cycle in _find_cycles(parents):
        breaker = min(cycle, key=order.__getitem__)
        parents[breaker] = None  # type: ignore[assignment]
        report.warning(f"reply links form a cycle ({' → '.join(cycle)}); the cycle was broken "
                       "here and the post attached to its thread's starter",
                       row=rows[breaker], field="parent_id", post_id=breaker)

    _choose_starters(parents, threads, order, rows, report, has_reply_links)
    frame["thread_id"] = [threads[pid] for pid in post_ids]
    frame["parent_id"] = [parents[pid] for pid in post_ids]
    return frame


def derive_structure(frame: pd.DataFrame) -> pd.DataFrame:
    """Add depth, position, n_replies and is_starter to a repaired discussion (a copy)."""
    frame = frame.copy()
    post_ids = frame["post_id"].tolist()
    parents = dict(zip(post_ids, frame["parent_id"].tolist(), strict=True))
    depth: dict[str, int] = {}
    for pid in post_ids:
        chain = []
        node = pid
        while node not in depth and parents.get(node):
            chain.append(node)
            node = parents[node]
        base = depth.setdefault(node, 0)
        for offset, item in enumerate(reversed(chain), start=1):
            depth[item] = base + offset
    frame["depth"] = np.array([depth[pid] for pid in post_ids], dtype="int64")
    sort_key = pd.DataFrame({
        "thread_id": frame["thread_id"].to_numpy(),
        "time": frame["created_at"].to_numpy(),
        "starter_first": (frame["parent_id"] != "").to_numpy(),
        "input": np.arange(len(frame)),
    })
    ordered = sort_key.sort_values(["thread_id", "starter_first", "time", "input"],
                                   na_position="last", kind="stable")
    position = ordered.groupby("thread_id", sort=False).cumcount() + 1
    frame["position"] = position.sort_index().to_numpy(dtype="int64")
    counts = frame.loc[frame["parent_id"] != "", "parent_id"].value_counts()
    frame["n_replies"] = frame["post_id"].map(counts).fillna(0).astype("int64")
    frame["is_starter"] = frame["parent_id"] == ""
    return frame


def _resolve_duplicate_ids(frame: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    duplicated = frame["post_id"].duplicated(keep=False)
    if not duplicated.any():
        return frame
    keep = np.ones(len(frame), dtype=bool)
    new_ids = frame["post_id"].tolist()
    seen: dict[str, list[tuple[str, str]]] = defaultdict(list)
    taken = set(new_ids)
    for index in np.flatnonzero(duplicated.to_numpy()):
        pid = new_ids[index]
        content = (str(frame.at[index, "author"]), str(frame.at[index, "text"]))
        row = int(frame.at[index, ROW])
        if content in seen[pid]:
            keep[index] = False
            report.info("exact duplicate of an earlier record with the same id; left out",
                        row=row, field="post_id", post_id=pid)
            continue
        if seen[pid]:
            suffix = 2
            while f"{pid}~{suffix}" in taken:
                suffix += 1
            new_ids[index] = f"{pid}~{suffix}"
            taken.add(new_ids[index])
            report.warning(f"post id {pid} is used by an earlier, different post; kept as "
                           f"{new_ids[index]}", row=row, field="post_id", post_id=pid)
        seen[pid].append(content)
    frame["post_id"] = new_ids
    return frame.loc[keep].reset_index(drop=True)


def _chronological_order(frame: pd.DataFrame) -> dict[str, tuple[int, int, int]]:
    """Sortable key per post: known times first, by time, then by input order."""
    times = frame["created_at"]
    values = times.to_numpy(dtype="datetime64[ns]").astype("int64")
    missing = times.isna().to_numpy()
    return {
        pid: (int(miss), int(value), index)
        for index, (pid, value, miss) in enumerate(
            zip(frame["post_id"], values, missing, strict=True))
    }


def _fill_thread_ids(frame: pd.DataFrame, parents: dict[str, str]) -> dict[str, str]:
    threads = dict(zip(frame["post_id"], frame["thread_id"], strict=True))
    for pid in threads:
        if threads[pid]:
            continue
        node, visited = pid, {pid}
        while parents.get(node) in parents and parents[node] not in visited:
            node = parents[node]
            visited.add(node)
            if threads[node]:
                break
        threads[pid] = threads[node] or node
    return threads


def _find_cycles(parents: dict[str, str | None]) -> list[list[str]]:
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    cycles = []
    for start in parents:
        if state.get(start):
            continue
        walk = []
        node: str | None = start
        while node and node in parents and not state.get(node):
            state[node] = 1
            walk.append(node)
            node = parents[node]
        if node and state.get(node) == 1:
            cycles.append(walk[walk.index(node):])
        for item in walk:
            state[item] = 2
    return cycles


def _choose_starters(parents: dict[str, str | None], threads: dict[str, str],
                     order: dict[str, tuple[int, int, int]], rows: dict[str, int],
                     report: ImportReport, has_reply_links: bool) -> None:
    members: dict[str, list[str]] = defaultdict(list)
    for pid in parents:
        members[threads[pid]].append(pid)
    flattened = 0
    for thread, posts in members.items():
        posts.sort(key=order.__getitem__)
        roots = [pid for pid in posts if parents[pid] == ""]
        starter = roots[0] if roots else posts[0]
        if not roots:
            report.warning("thread has no starter post in the export; its earliest post is shown "
                           "as the starter", row=rows[starter], post_id=starter)
        parents[starter] = ""
        for pid in posts:
            if pid == starter:
                continue
            if parents[pid] is None:
                parents[pid] = starter
            elif parents[pid] == "":
                parents[pid] = starter
                if has_reply_links:
                    report.warning(f"second starter in thread {thread}; attached to the thread's "
                                   f"first post {starter}", row=rows[pid], field="parent_id",
                                   post_id=pid)
                else:
                    flattened += 1
    if flattened:
        report.info(f"the file has no reply links: {flattened} posts were attached to the first "
                    "post of their thread (depth 1)")
