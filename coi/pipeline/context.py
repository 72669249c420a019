"""Thread context for each post: what the pipeline knows beyond the post's own words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from spacy.strings import hash_string

from coi.analytics import STAFF_ROLES
from coi.pipeline.features import content_words, jaccard
from coi.text import own_words, quoted_words

STAFF = set(STAFF_ROLES)


def model_text(text: str) -> str:
    """What the classifiers read: the author's own words (quotes removed, rule B1)."""
    return own_words(text).replace("\u2019", "'")


def iter_contexts(posts: pd.DataFrame, staff: set[str] | None = None
                  ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(text for the model, context) per non-placeholder post, in the frame's order.

    The context holds the post's place in its thread (depth, position, replies, thread size),
    its author's role, whether the author started the thread, whether it replies to staff, what
    it quotes, its similarity to its parent, and the names of the other participants (for
    vocatives). ``staff`` names the instructors and facilitators of the whole discussion
    when ``posts`` is only part of it (a partition of a distributed run), so that contexts
    do not depend on how the posts were split.
    """
    texts = dict(zip(posts["post_id"], posts["text"], strict=True))
    own: dict[str, str] = {}

    def own_of(post_id: str) -> str:
        if post_id not in own:
            own[post_id] = model_text(texts.get(post_id, ""))
        return own[post_id]

    authors = dict(zip(posts["post_id"], posts["author"], strict=True))
    roles = dict(zip(posts["post_id"], posts["role"], strict=True))
    real = posts[~posts["placeholder"]]
    thread_sizes = real.groupby("thread_id").size().to_dict()
    starter_author = posts.loc[posts["is_starter"]].set_index("thread_id")["author"].to_dict()
    starters = posts.loc[posts["is_starter"]].set_index("thread_id")["post_id"].to_dict()
    participants = real.groupby("thread_id")["author"].agg(lambda a: sorted(set(a))).to_dict()
    staff_names = set(real.loc[real["role"].isin(STAFF), "author"]) if staff is None else set(
        staff)
    hashes_of = {name: frozenset(hash_string(p.lower()) for p in _name_parts(name) if len(p) >= 2)
                 for name in set(real["author"]) | staff_names}
    staff_hashes = frozenset().union(*(hashes_of[name] for name in staff_names))
    thread_hashes = {thread: staff_hashes.union(*(hashes_of[a] for a in people))
                     for thread, people in participants.items()}
    lookups: dict[tuple[str, str], np.ndarray] = {}

    def lookup(thread: str, author: str) -> np.ndarray:
        """Hashes of the other participants' name parts (computed once per thread/author)."""
        key = (thread, author)
        if key not in lookups:
            others = thread_hashes.get(thread, staff_hashes) - hashes_of.get(author, frozenset())
            lookups[key] = np.fromiter(others, dtype="uint64", count=len(others))
        return lookups[key]
    word_cache: dict[str, frozenset[str]] = {}

    def words_of(post_id: str) -> frozenset[str]:
        if post_id not in word_cache:
            word_cache[post_id] = content_words(own_of(post_id))
        return word_cache[post_id]

    builds_on = _overlap_with_earlier(real, words_of)
    for row in real.itertuples(index=False):
        parent = row.parent_id
        text = own_of(row.post_id)
        yield text, {
            "text": text,
            "post_id": row.post_id, "thread_id": row.thread_id, "parent_id": parent,
            "depth": int(row.depth), "position": int(row.position),
            "n_replies": int(row.n_replies),
            "thread_size": int(thread_sizes.get(row.thread_id, 1)), "role": row.role,
            "author_started_thread": bool(parent) and starter_author.get(
                row.thread_id) == row.author and bool(row.author),
            "parent_is_staff": bool(parent) and roles.get(parent) in STAFF,
            "quoted": quoted_words(row.text),
            "parent_similarity": jaccard(words_of(row.post_id), words_of(parent))
            if parent else 0.0,
            "name_hashes": lookup(row.thread_id, row.author),
            "parent_author": authors.get(parent, "") if parent else "",
            "starter_similarity": jaccard(words_of(row.post_id), words_of(starters.get(
                row.thread_id, ""))) if parent else 0.0,
            "earlier_overlap": builds_on.get(row.post_id, 0.0),
            "parent_question_marks": own_of(parent).count("?") if parent else 0,
        }


def _overlap_with_earlier(real: pd.DataFrame, words_of: Any) -> dict[str, float]:
    """Per post: the share of its content words already used earlier in its thread by other
    people — how much a post builds on the discussion so far (integration connects ideas from
    several earlier posts; a triggering event brings new ones)."""
    overlap: dict[str, float] = {}
    ordered = real.sort_values(["thread_id", "position"], kind="stable")
    for _thread, posts in ordered.groupby("thread_id", sort=False):
        seen: dict[str, set[str]] = {}  # author → words they used
        for post_id, author in zip(posts["post_id"], posts["author"], strict=True):
            words = words_of(post_id)
            others = set().union(*(w for a, w in seen.items() if a != author)) if seen else set()
            overlap[post_id] = len(words & others) / len(words) if words else 0.0
            seen.setdefault(author, set()).update(words)
    return overlap


def name_hashes(parts: Iterable[str]) -> np.ndarray:
    """spaCy LOWER hashes of name parts, for fast vocative lookup on token arrays."""
    return np.array(sorted({hash_string(p.lower()) for p in parts if len(p) >= 2}),
                    dtype="uint64")


def _name_parts(name: str) -> list[str]:
    parts = [p.strip(".,()") for p in name.replace("_", " ").split()]
    titles = {"dr", "prof", "mr", "mrs", "ms", "miss", "sir", "participant", "user"}
    return [p for p in parts if len(p) >= 2 and p.lower() not in titles and not p.isdigit()]
