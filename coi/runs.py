"""Coding runs: code a stored discussion once per model, cache it, resume after a crash.

The dashboard and CLI never re-code a discussion they have coded with the same model: a run is
keyed by (discussion, model fingerprint). Coded rows are written in batches, each batch in its
own transaction, and the run is marked complete at the end; if the process dies half-way, the
next call finds the incomplete run and codes only the posts still missing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update

from coi.analytics import STAFF_ROLES
from coi.pipeline.build import model_pipeline_path
from coi.storage import Workspace, tables

BATCH = 500


def model_fingerprint(model: str | Path | None) -> str:
    """What a model *is*: a hash of its configuration, weights and combiner state."""
    from coi.pipeline.build import default_model_path

    path = model_pipeline_path(model or default_model_path()).resolve()
    stamp = max((f.stat().st_mtime_ns for f in path.rglob("*") if f.is_file()), default=0)
    return _fingerprint(str(path), stamp)


@lru_cache(maxsize=16)
def _fingerprint(folder: str, _stamp: int) -> str:
    path = Path(folder)
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")):
        if file.is_file() and file.name in {"cfg.json", "cfg", "model", "config.cfg",
                                            "patterns.jsonl"}:
            digest.update(file.relative_to(path).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:32]


def coded_discussion(workspace: Workspace, discussion_id: int, *,
                     model: str | Path | None = None,
                     progress: Any = None, n_process: int = 1) -> pd.DataFrame:
    """The coded posts of a stored discussion, coding (or resuming) only when needed."""
    from coi.pipeline.build import load_model
    from coi.pipeline.coding import code, output_columns

    fingerprint = model_fingerprint(model)
    nlp = load_model(model)
    columns = output_columns(nlp.get_pipe("coi_combiner").codebook)
    run_id, done = _open_run(workspace, discussion_id, str(model or "default"), fingerprint)
    posts = workspace.posts(discussion_id)
    if not done:
        have = _coded_ids(workspace, run_id)
        real = posts[~posts["placeholder"]]
        todo = real[~real["post_id"].isin(have)]
        coded_so_far = len(have)
        wanted = set(todo["post_id"])
        staff = set(real.loc[real["role"].isin(STAFF_ROLES), "author"])
        for threads in _thread_chunks(todo, BATCH * 4):
            coded = code(posts[posts["thread_id"].isin(threads)], model=nlp,
                         n_process=n_process, staff=staff)  # chunking must not change codes
            coded = coded[coded["post_id"].isin(wanted)]
            _store(workspace, run_id, coded)
            coded_so_far += len(coded)
            if progress is not None:
                progress(coded_so_far, len(real))
        _complete(workspace, run_id, coded_so_far)
    frame = pd.DataFrame(_load_rows(workspace, run_id), columns=columns)
    order = {pid: i for i, pid in enumerate(posts["post_id"])}
    return frame.sort_values("post_id", key=lambda ids: ids.map(order)).reset_index(drop=True)


def is_complete(workspace: Workspace, discussion_id: int, fingerprint: str) -> bool:
    """True when the discussion has a finished coding run for this model."""
    with workspace.engine.connect() as connection:
        return connection.execute(select(tables.model_runs.c.id).where(
            tables.model_runs.c.discussion_id == discussion_id,
            tables.model_runs.c.fingerprint == fingerprint,
            tables.model_runs.c.complete.is_(True))).first() is not None


def _thread_chunks(todo: pd.DataFrame, size: int) -> list[set[str]]:
    """Whole threads (context needs parents and thread mates), about ``size`` posts each."""
    chunks: list[set[str]] = []
    current: set[str] = set()
    count = 0
    for thread, n in todo.groupby("thread_id", sort=False).size().items():
        current.add(str(thread))
        count += int(n)
        if count >= size:
            chunks.append(current)
            current, count = set(), 0
    if current:
        chunks.append(current)
    return chunks


def _open_run(workspace: Workspace, discussion_id: int, model: str,
              fingerprint: str) -> tuple[int, bool]:
    with workspace.engine.begin() as connection:
        row = connection.execute(
            select(tables.model_runs.c.id, tables.model_runs.c.complete)
            .where(tables.model_runs.c.discussion_id == discussion_id,
                   tables.model_runs.c.fingerprint == fingerprint)
            .order_by(tables.model_runs.c.id.desc())).first()
        if row is not None:
            return int(row.id), bool(row.complete)
        run_id = connection.execute(insert(tables.model_runs).values(
            discussion_id=discussion_id, model=model, fingerprint=fingerprint,
            created_at=datetime.now(UTC), n_posts=0, complete=False)).inserted_primary_key[0]
        return int(run_id), False


def _coded_ids(workspace: Workspace, run_id: int) -> set[str]:
    with workspace.engine.connect() as connection:
        return set(connection.execute(select(tables.coded_posts.c.post_id).where(
            tables.coded_posts.c.run_id == run_id)).scalars())


def _store(workspace: Workspace, run_id: int, coded: pd.DataFrame) -> None:
    records = coded.to_dict("records")
    for start in range(0, len(records), BATCH):
        batch = records[start:start + BATCH]
        with workspace.engine.begin() as connection:
            connection.execute(insert(tables.coded_posts), [
                {"run_id": run_id, "post_id": str(r["post_id"]),
                 "row": json.dumps(r, ensure_ascii=False, default=_json_default)}
                for r in batch])


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__}")


def _complete(workspace: Workspace, run_id: int, n_posts: int) -> None:
    with workspace.engine.begin() as connection:
        connection.execute(update(tables.model_runs).where(tables.model_runs.c.id == run_id)
                           .values(complete=True, n_posts=n_posts))


def _load_rows(workspace: Workspace, run_id: int) -> list[dict[str, Any]]:
    with workspace.engine.connect() as connection:
        texts = connection.execute(select(tables.coded_posts.c.row).where(
            tables.coded_posts.c.run_id == run_id)).scalars().all()
    return [json.loads(text) for text in texts]
