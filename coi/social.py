"""The social-learning lens: relationships, intentions, propensities, activity match.

Workplace learning communities are judged by five conditions for social learning: intention,
individual propensity and skill, relationship strength, activity match, and tool functionality
and accessibility. This module measures what discussion data can show about each, from the same
canonical posts (and, for activity types, the same coded posts) as the CoI analysis:

* :func:`reply_network` / :func:`relationships` — who replies to whom (networkx): repeated and
  reciprocated exchanges per pair, conversation depth, brokers (betweenness), clusters
  (modularity communities), newcomers drawn in or left isolated;
* :func:`people` — per person: asks, answers, only broadcasts, reply latency, learning goals;
* :func:`group_conversations` — chat channels without reply links: conversations by time gaps
  and @mentions.

Names can be replaced by stable labels (``Person 01``…) for display: the network view is
pseudonymised by default.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from coi.analytics import STAFF_ROLES, contributions
from coi.errors import CodebookError
from coi.text import own_words


def rules_path() -> str:
    """The social-learning rules and signal phrases (``coi/data/suggestions/social_rules.toml``)."""
    return str(files("coi") / "data" / "suggestions" / "social_rules.toml")


@cache
def read_rules_file(path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CodebookError(f"cannot read {path}: {exc}") from None


@cache
def signal_pattern(name: str, path: str | None = None) -> re.Pattern[str]:
    """The ``[patterns] <name>`` phrases of the rules file as one case-insensitive regex
    (``learning_goal``, ``question``, ``tool_trouble``): data a community can extend."""
    where = path or rules_path()
    phrases = read_rules_file(where).get("patterns", {}).get(name)
    if not phrases:
        raise CodebookError(f"{where}: [patterns] needs a non-empty list {name!r}")
    try:
        return re.compile("|".join(f"(?:{p})" for p in phrases), re.IGNORECASE)
    except re.error as exc:
        raise CodebookError(f"{where}: a {name} pattern is not a valid regular expression: "
                            f"{exc}") from None


def has_signal(name: str, text: str) -> bool:
    """True when the author's own words (not what they quote) match the ``name`` phrases."""
    return bool(signal_pattern(name).search(own_words(text)))


def states_goal(text: str) -> bool:
    """True when the author states a learning goal in their own words."""
    return has_signal("learning_goal", text)


def asks(text: str) -> bool:
    """True when the author asks something (a question mark or a request for help)."""
    return has_signal("question", text)


def mentions_tool_trouble(text: str) -> bool:
    """True when a post reports trouble with the tool itself (notifications, access…)."""
    return has_signal("tool_trouble", text)


SIGNALS = {"asks": "question", "states_goal": "learning_goal", "tool_trouble": "tool_trouble"}


def signals(posts: pd.DataFrame) -> pd.DataFrame:
    """The contributions with one boolean column per signal phrase list (``asks``,
    ``states_goal``, ``tool_trouble``), each searched once in the author's own words."""
    real = contributions(posts)
    own = real["text"].map(own_words)
    flags = {}
    for column, name in SIGNALS.items():
        pattern = signal_pattern(name)
        flags[column] = own.map(lambda text, found=pattern.search: bool(found(text)))
    return real.assign(**flags)


@dataclass(frozen=True)
class Community:
    """What the social lens reads many times for one set of posts, computed once."""

    posts: pd.DataFrame
    real: pd.DataFrame  # contributions with signal columns (see :func:`signals`)
    found: pd.DataFrame  # who responds to whom (see :func:`responses`)
    latency: pd.DataFrame
    people: pd.DataFrame
    pairs: pd.DataFrame


def community(posts: pd.DataFrame, *, newcomer_days: int = 14) -> Community:
    found, flagged = responses(posts), signals(posts)
    return Community(posts, flagged, found, first_reply_latency(posts, found),
                     people(posts, newcomer_days=newcomer_days, found=found, flagged=flagged),
                     relationships(posts, found))


# -- the reply network ----------------------------------------------------------------------
CHAT_PLATFORMS = frozenset({"slack", "teams"})


def mention_pattern(authors: list[str]) -> re.Pattern[str] | None:
    """A regex matching ``@`` + a known person: full name, handle (``ana.ruiz``) or a first
    name only one person has. Longest names first, so ``@Ana Ruiz`` beats ``@Ana``."""
    keys = mention_lookup(authors)
    if not keys:
        return None
    names = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w@])@({names})(?![\w\-])", re.IGNORECASE)


def _mentioned(text: str, pattern: re.Pattern[str] | None, lookup: dict[str, str]) -> list[str]:
    if pattern is None or "@" not in text:
        return []
    return list(dict.fromkeys(lookup[m.lower()] for m in pattern.findall(own_words(text))
                              if m.lower() in lookup))


def responses(posts: pd.DataFrame) -> pd.DataFrame:
    """Who responds to whom: one row per (post, person it responds to).

    In a forum a reply responds to its parent. Chat threads (Slack, Teams) are one level deep:
    every reply's parent is the thread's first message, even when it answers the third. There
    a reply responds to the latest earlier message of each person it @mentions in the thread,
    else to the latest earlier message by someone else. @mentions of people outside the thread
    (and in stand-alone messages) are responses to that person with no target post.
    Columns: post_id, author, thread_id, created_at, target_post ("" for a bare mention),
    target_author.
    """
    real = contributions(posts).sort_values(["thread_id", "created_at", "position"],
                                            kind="stable")
    author_of = dict(zip(posts["post_id"], posts["author"], strict=True))
    pattern = mention_pattern(real["author"].tolist())
    lookup = mention_lookup(real["author"].tolist())
    chat = set(real.loc[real["platform"].str.lower().isin(CHAT_PLATFORMS), "thread_id"])
    flat = chat & set(real.groupby("thread_id")["depth"].max().loc[lambda d: d <= 1].index)
    rows: list[tuple[str, str, str, pd.Timestamp, str, str]] = []
    for thread, mine in real.groupby("thread_id", sort=False):
        earlier: list[tuple[str, str]] = []  # (post, author) in time order
        latest: dict[str, str] = {}  # person → their latest post so far in this thread
        for post, author, parent, created, text in zip(
                mine["post_id"], mine["author"], mine["parent_id"], mine["created_at"],
                mine["text"], strict=True):
            mentioned = [m for m in _mentioned(str(text), pattern, lookup) if m != author]
            targets: dict[str, str] = {}  # target author → target post
            if thread in flat and parent:
                named = {m: latest[m] for m in mentioned if m in latest}
                previous = next(((p, a) for p, a in reversed(earlier) if a != author), None)
                targets = named or ({previous[1]: previous[0]} if previous else {})
            elif parent and author_of.get(parent, "") not in ("", author):
                targets = {author_of[parent]: parent}
            for person in mentioned:
                targets.setdefault(person, "")
            rows += [(post, author, thread, created, target_post, target)
                     for target, target_post in targets.items() if author and target]
            earlier.append((post, author))
            latest[author] = post
    return pd.DataFrame(rows, columns=["post_id", "author", "thread_id", "created_at",
                                       "target_post", "target_author"])


def mention_lookup(authors: list[str]) -> dict[str, str]:
    """How people may be @mentioned (lower case: full name, handle, a first name only one
    person has) → who that is."""
    pattern_keys: dict[str, str] = {}
    firsts: defaultdict[str, set[str]] = defaultdict(set)
    for author in filter(None, set(authors)):
        low = author.lower()
        pattern_keys[low] = author
        pattern_keys.setdefault(re.sub(r"[^\w]+", ".", low).strip("."), author)
        for first in {low.split()[0], re.split(r"[\s._\-]+", low)[0]}:  # "sun-hee", "sun"
            firsts[first].add(author)
    for first, owners in firsts.items():
        if len(owners) == 1 and first:
            pattern_keys.setdefault(first, next(iter(owners)))
    return pattern_keys


def responded_to(posts: pd.DataFrame, found: pd.DataFrame | None = None) -> set[str]:
    """Ids of the posts someone else responded to (see :func:`responses`)."""
    found = responses(posts) if found is None else found
    return set(found.loc[found["target_post"] != "", "target_post"])


def reply_network(posts: pd.DataFrame, found: pd.DataFrame | None = None) -> nx.DiGraph:
    """Authors as nodes; an edge a→b counts a's responses to b (weight: replies and
    @mentions, see :func:`responses`) and the threads involved."""
    real = contributions(posts)
    graph = nx.DiGraph()
    for author, role in zip(real["author"], real["role"], strict=True):
        if author:
            graph.add_node(author, role=role)
    found = responses(posts) if found is None else found
    for author, target, thread in zip(*(found[c] for c in (
            "author", "target_author", "thread_id")), strict=True):
        if graph.has_edge(author, target):
            graph[author][target]["weight"] += 1
            graph[author][target]["threads"].add(thread)
        else:
            graph.add_edge(author, target, weight=1, threads={thread})
    return graph


def relationships(posts: pd.DataFrame, found: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per pair of people who exchanged replies: counts each way, reciprocity, repetition,
    threads shared and the deepest exchange — the data's view of relationship strength."""
    found = responses(posts) if found is None else found
    graph = reply_network(posts, found)
    depth_of = dict(zip(posts["post_id"], posts["depth"], strict=True))
    deepest: dict[frozenset[str], int] = defaultdict(int)
    for post_id, author, target in zip(found["post_id"], found["author"],
                                       found["target_author"], strict=True):
        key = frozenset((author, target))
        deepest[key] = max(deepest[key], int(depth_of[post_id]))
    rows = []
    seen: set[frozenset[str]] = set()
    for a, b in graph.edges():
        key = frozenset((a, b))
        if key in seen:
            continue
        seen.add(key)
        ab = graph[a][b]["weight"]
        ba = graph[b][a]["weight"] if graph.has_edge(b, a) else 0
        threads = graph[a][b]["threads"] | (graph[b][a]["threads"] if ba else set())
        first, second = sorted((a, b))
        forward, backward = (ab, ba) if first == a else (ba, ab)
        rows.append({"person_a": first, "person_b": second, "a_to_b": forward,
                     "b_to_a": backward, "exchanges": ab + ba,
                     "reciprocated": int(min(ab, ba) > 0), "repeated": int(ab + ba >= 3),
                     "threads": len(threads), "deepest": deepest[key],
                     "strength": _strength(ab, ba, len(threads))})
    table = pd.DataFrame(rows, columns=["person_a", "person_b", "a_to_b", "b_to_a",
                                        "exchanges", "reciprocated", "repeated", "threads",
                                        "deepest", "strength"])
    rank = table["strength"].map({"strong": 0, "growing": 1, "weak": 2})
    return table.assign(_rank=rank).sort_values(["_rank", "exchanges"], ascending=[True, False]
                                                ).drop(columns="_rank").reset_index(drop=True)


def layout(posts: pd.DataFrame, seed: int = 7, max_people: int = 150,
           found: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge tables for drawing the reply network (spring layout, fixed seed).

    A drawing of more than ``max_people`` people is an unreadable hairball (and slow to lay
    out), so only the ``max_people`` most connected are drawn; the measures in
    :func:`people` always cover everyone.
    """
    graph = reply_network(posts, found)
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=["person", "x", "y"]), pd.DataFrame()
    if graph.number_of_nodes() > max_people:
        degree = dict(graph.to_undirected().degree(weight="weight"))
        graph = graph.subgraph(sorted(degree, key=lambda n: (-degree[n], n))[:max_people])
    undirected = graph.to_undirected()
    positions = nx.spring_layout(undirected, seed=seed, weight="weight")
    community = _communities(undirected)
    counts = contributions(posts)["author"].value_counts()
    nodes = pd.DataFrame([{"person": n, "x": float(x), "y": float(y),
                           "posts": int(counts.get(n, 0)), "role": graph.nodes[n].get("role"),
                           "community": community.get(n, -1)}
                          for n, (x, y) in positions.items()])
    edges = pd.DataFrame([{"source": a, "target": b, "replies": d["weight"],
                           "x": positions[a][0], "y": positions[a][1],
                           "x2": positions[b][0], "y2": positions[b][1]}
                          for a, b, d in graph.edges(data=True)])
    return nodes, edges


def _strength(ab: int, ba: int, threads: int) -> str:
    """Weak / growing / strong, from reciprocity and repeated, multi-thread exchange."""
    if min(ab, ba) >= 2 and threads >= 2:
        return "strong"
    if min(ab, ba) >= 1 and ab + ba >= 3:
        return "growing"
    return "weak"


@dataclass(frozen=True)
class NetworkSummary:
    people: int
    pairs: int
    reciprocated_share: float
    strong_pairs: int
    communities: int
    density: float


def network_summary(posts: pd.DataFrame) -> NetworkSummary:
    found = responses(posts)
    graph = reply_network(posts, found)
    pairs = relationships(posts, found)
    undirected = graph.to_undirected()
    communities = _communities(undirected)
    return NetworkSummary(
        people=graph.number_of_nodes(), pairs=len(pairs),
        reciprocated_share=float(pairs["reciprocated"].mean()) if len(pairs) else 0.0,
        strong_pairs=int((pairs["strength"] == "strong").sum()),
        communities=len({c for c in communities.values()}) if communities else 0,
        density=float(nx.density(undirected)) if graph.number_of_nodes() > 1 else 0.0)


EXACT_BETWEENNESS_MAX = 200  # people; above this, betweenness is estimated
BETWEENNESS_SAMPLE = 100  # source people sampled for the estimate


def _betweenness(undirected: nx.Graph) -> dict[str, float]:
    """Betweenness centrality: exact up to EXACT_BETWEENNESS_MAX people, above that estimated
    from BETWEENNESS_SAMPLE sampled sources (fixed seed: the same data, the same figures)."""
    if len(undirected) <= 2:
        return {n: 0.0 for n in undirected}
    sample = None if len(undirected) <= EXACT_BETWEENNESS_MAX else BETWEENNESS_SAMPLE
    return nx.betweenness_centrality(undirected, k=sample, seed=7, weight=None)


def _communities(undirected: nx.Graph) -> dict[str, int]:
    if undirected.number_of_edges() == 0:
        return {}
    # Louvain (fixed seed): modularity clusters in seconds even for thousands of people
    groups = nx.algorithms.community.louvain_communities(undirected, weight="weight", seed=7)
    return {person: index for index, group in enumerate(groups) for person in group}


# -- people --------------------------------------------------------------------------------
def people(posts: pd.DataFrame, *, newcomer_days: int = 14,
           found: pd.DataFrame | None = None, flagged: pd.DataFrame | None = None
           ) -> pd.DataFrame:
    """One row per person: posts, threads started, questions asked, answers given, replies
    received, whether they only broadcast, median reply latency to them, stated goals,
    network position (degree, betweenness, community), newcomer and isolated flags."""
    real = signals(posts) if flagged is None else flagged
    if real.empty:
        return pd.DataFrame()
    found = responses(posts) if found is None else found
    graph = reply_network(posts, found)
    undirected = graph.to_undirected()
    betweenness = _betweenness(undirected)
    community = _communities(undirected)
    latency = first_reply_latency(posts, found)
    asked = real["asks"]
    question_ids = set(real.loc[asked, "post_id"])
    answered_questions = Counter(found.loc[found["target_post"].isin(question_ids)]
                                 .drop_duplicates(["author", "target_post"])["author"])
    start = real["created_at"].min()
    rows = []
    for person, mine in real.groupby("author"):
        if not person:
            continue
        replies_written = int((mine["parent_id"] != "").sum())
        received = int(sum(d["weight"] for _, _, d in graph.in_edges(person, data=True)))
        first = mine["created_at"].min()
        waits = latency[latency["author"] == person]["hours"].dropna()
        rows.append({
            "person": person, "role": mine["role"].iloc[0], "posts": len(mine),
            "threads_started": int(mine["is_starter"].sum()),
            "questions": int(asked[mine.index].sum()),
            "answers": int(answered_questions[person]),
            "replies_written": replies_written, "replies_received": received,
            "only_broadcasts": bool(replies_written == 0 and len(mine) >= 2),
            "median_hours_to_first_reply": round(float(waits.median()), 1) if len(waits)
            else np.nan,
            "states_goals": int(mine["states_goal"].sum()),
            "degree": int(undirected.degree(person)) if person in undirected else 0,
            "betweenness": round(float(betweenness.get(person, 0.0)), 3),
            "community": community.get(person, -1),
            "newcomer": bool(not pd.isna(first) and not pd.isna(start)
                             and first - start > pd.Timedelta(days=newcomer_days)),
            "isolated": bool(received == 0),
        })
    table = pd.DataFrame(rows)
    table["broker"] = table["betweenness"] >= max(0.1, table["betweenness"].quantile(0.9))
    return table.sort_values("posts", ascending=False).reset_index(drop=True)


def first_reply_latency(posts: pd.DataFrame, found: pd.DataFrame | None = None
                        ) -> pd.DataFrame:
    """For each contribution: hours until someone else first responds to it (NaN if nobody
    does; responses as in :func:`responses`, so chat answers count where they belong)."""
    real = contributions(posts)
    found = responses(posts) if found is None else found
    found = found[(found["target_post"] != "") & found["created_at"].notna()]
    first = found.groupby("target_post")["created_at"].min().to_dict()
    hours = [(first[pid] - created).total_seconds() / 3600
             if pid in first and not pd.isna(created) else np.nan
             for pid, created in zip(real["post_id"], real["created_at"], strict=True)]
    return pd.DataFrame({"post_id": real["post_id"].to_numpy(),
                         "author": real["author"].to_numpy(), "hours": hours})


def pseudonyms(names: list[str]) -> dict[str, str]:
    """Stable display labels (by order of first appearance) for a network view."""
    return {name: f"Person {index:02d}" for index, name in
            enumerate(dict.fromkeys(names), start=1)}


def replace_names(text: str, labels: dict[str, str]) -> str:
    """``text`` with every name in ``labels`` replaced by its label (longest names first, so
    "Ana Ruiz" is replaced before "Ana" could be) — for findings that name people."""
    for name in sorted(labels, key=len, reverse=True):
        if name:
            text = text.replace(name, labels[name])
    return text


# -- chat channels without reply links ----------------------------------------------------------
def group_conversations(posts: pd.DataFrame, *, gap_minutes: int = 30) -> pd.DataFrame:
    """Conversations in a channel whose messages are mostly stand-alone (Slack/Teams).

    Within each forum (channel), top-level messages are read in time order: a message starts a
    new conversation when more than ``gap_minutes`` passed since the previous one, unless it
    @mentions someone active in a still-recent conversation (within 3 × the gap), which it then
    joins. A joined message replies to the mentioned person's latest message, otherwise to the
    previous message. Existing reply threads stay together (a thread's replies follow their
    starter). Returns a copy with new ``thread_id``/``parent_id`` and recomputed structure.
    """
    from coi.report import ImportReport
    from coi.schema import coerce
    from coi.threads import derive_structure, repair_reply_tree

    frame = posts.copy()
    starters = frame[frame["is_starter"]].sort_values(["forum", "created_at", "position"])
    new_thread: dict[str, str] = {}
    new_parent: dict[str, str] = {}
    gap = pd.Timedelta(minutes=gap_minutes)
    authors = frame["author"].tolist()
    pattern, lookup = mention_pattern(authors), mention_lookup(authors)
    for _forum, channel in starters.groupby("forum", sort=False):
        conversation: str | None = None
        last_time = None
        last_post = ""
        last_by: dict[str, tuple[str, pd.Timestamp, str]] = {}  # person → (post, time, conv)
        for row in channel.itertuples():
            mentioned = set(_mentioned(str(row.text), pattern, lookup))
            joined = None
            for person, (post_id, time, conv) in last_by.items():
                if person in mentioned and not pd.isna(row.created_at) \
                        and row.created_at - time <= 3 * gap:
                    joined = (post_id, conv)
            if joined is not None:
                new_thread[row.post_id], new_parent[row.post_id] = joined[1], joined[0]
            elif (conversation is not None and last_time is not None
                  and not pd.isna(row.created_at) and row.created_at - last_time <= gap):
                new_thread[row.post_id], new_parent[row.post_id] = conversation, last_post
            else:
                conversation = f"conversation:{row.thread_id}"
                new_thread[row.post_id], new_parent[row.post_id] = conversation, ""
            conversation = new_thread[row.post_id]
            last_time, last_post = row.created_at, row.post_id
            last_by[str(row.author)] = (row.post_id, row.created_at, conversation)
    thread_map = {old: new_thread[pid] for old, pid in zip(starters["thread_id"],
                                                           starters["post_id"], strict=True)}
    frame["thread_id"] = frame["thread_id"].map(thread_map).fillna(frame["thread_id"])
    frame["parent_id"] = [new_parent.get(pid, parent) for pid, parent in
                          zip(frame["post_id"], frame["parent_id"], strict=True)]
    return coerce(derive_structure(repair_reply_tree(coerce(frame), ImportReport("group"))))


def staff_share(posts: pd.DataFrame) -> float:
    real = contributions(posts)
    return float(real["role"].isin(STAFF_ROLES).mean()) if len(real) else 0.0
