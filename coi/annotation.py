"""Human codes: coding projects, coders, per-click annotation saves, corrections.

Every code a person sets is one row (project, coder, post, code) written in its own
transaction the moment it is made (an upsert), so closing the browser loses nothing and two
coders never overwrite each other (their rows differ by coder). Facilitators' corrections in the
dashboard are annotations in a per-discussion project of kind ``corrections``; the latest
correction of a code overrides the model's code from then on (:func:`apply_corrections`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, and_, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coi.errors import CoiError
from coi.storage import Workspace, tables

CORRECTIONS = "Corrections"


@dataclass(frozen=True)
class Project:
    id: int
    discussion_id: int
    name: str
    kind: str
    blind: bool
    show_model: bool


def create_project(workspace: Workspace, discussion_id: int, name: str, *, blind: bool = True,
                   show_model: bool = False, kind: str = "coding") -> Project:
    """A coding project on a discussion (names are unique per discussion)."""
    workspace.discussion(discussion_id)
    with workspace.engine.begin() as connection:
        existing = _find_project(connection, discussion_id, name)
        if existing is not None:
            raise CoiError(f"discussion {discussion_id} already has a project named {name!r}")
        project_id = connection.execute(insert(tables.projects).values(
            discussion_id=discussion_id, name=name, kind=kind, blind=blind,
            show_model=show_model, created_at=datetime.now(UTC))).inserted_primary_key[0]
    return Project(int(project_id), discussion_id, name, kind, blind, show_model)


def projects(workspace: Workspace, discussion_id: int | None = None) -> list[Project]:
    query = select(tables.projects).order_by(tables.projects.c.id)
    if discussion_id is not None:
        query = query.where(tables.projects.c.discussion_id == discussion_id)
    with workspace.engine.connect() as connection:
        return [_project(row) for row in connection.execute(query).mappings()]


def project(workspace: Workspace, project_id: int) -> Project:
    with workspace.engine.connect() as connection:
        row = connection.execute(select(tables.projects).where(
            tables.projects.c.id == project_id)).mappings().first()
    if row is None:
        raise CoiError(f"no coding project with id {project_id}")
    return _project(row)


def corrections_project(workspace: Workspace, discussion_id: int) -> Project:
    """The discussion's corrections project (created on first use)."""
    with workspace.engine.begin() as connection:
        row = _find_project(connection, discussion_id, CORRECTIONS)
        if row is not None:
            return _project(row)
    try:
        return create_project(workspace, discussion_id, CORRECTIONS, blind=False,
                              show_model=True, kind="corrections")
    except CoiError:  # created concurrently by another session
        return corrections_project(workspace, discussion_id)


def coder_id(workspace: Workspace, project_id: int, name: str) -> int:
    """The id of coder ``name`` in a project, adding the coder on first use."""
    name = name.strip()
    if not name:
        raise CoiError("a coder needs a name")
    query = select(tables.coders.c.id).where(tables.coders.c.project_id == project_id,
                                              tables.coders.c.name == name)
    with workspace.engine.begin() as connection:
        found = connection.execute(query).scalar()
        if found is not None:
            return int(found)
        return int(connection.execute(insert(tables.coders).values(
            project_id=project_id, name=name)).inserted_primary_key[0])


def coders(workspace: Workspace, project_id: int) -> dict[int, str]:
    with workspace.engine.connect() as connection:
        rows = connection.execute(select(tables.coders.c.id, tables.coders.c.name).where(
            tables.coders.c.project_id == project_id).order_by(tables.coders.c.id)).all()
    return {int(row.id): row.name for row in rows}


def set_code(workspace: Workspace, project_id: int, coder: int, post_id: str, code: str,
             value: object) -> None:
    """Save one code at once (its own transaction; re-setting replaces the coder's value)."""
    row = {"project_id": project_id, "coder_id": coder, "post_id": str(post_id),
           "code": code, "value": _value(value), "updated_at": datetime.now(UTC)}
    with workspace.engine.begin() as connection:
        _upsert(connection, tables.annotations, row,
                keys=("project_id", "coder_id", "post_id", "code"))


def clear_code(workspace: Workspace, project_id: int, coder: int, post_id: str,
               code: str) -> None:
    table = tables.annotations
    with workspace.engine.begin() as connection:
        connection.execute(delete(table).where(and_(
            table.c.project_id == project_id, table.c.coder_id == coder,
            table.c.post_id == str(post_id), table.c.code == code)))


def set_note(workspace: Workspace, project_id: int, coder: int, post_id: str, *,
             memo: str | None = None, flagged: bool | None = None,
             skipped: bool | None = None, done: bool | None = None) -> None:
    """Save a coder's memo / flag / skip / done state for a post (one transaction)."""
    table = tables.annotation_notes
    key = and_(table.c.project_id == project_id, table.c.coder_id == coder,
               table.c.post_id == str(post_id))
    with workspace.engine.begin() as connection:
        current = connection.execute(select(table).where(key)).mappings().first()
        values = dict(current) if current else {
            "project_id": project_id, "coder_id": coder, "post_id": str(post_id), "memo": "",
            "flagged": False, "skipped": False, "done": False}
        for name, value in (("memo", memo), ("flagged", flagged), ("skipped", skipped),
                            ("done", done)):
            if value is not None:
                values[name] = value
        values["updated_at"] = datetime.now(UTC)
        _upsert(connection, table, values, keys=("project_id", "coder_id", "post_id"))


def notes(workspace: Workspace, project_id: int) -> pd.DataFrame:
    table = tables.annotation_notes
    with workspace.engine.connect() as connection:
        rows = connection.execute(select(table).where(table.c.project_id == project_id)).all()
    return pd.DataFrame(rows, columns=[c.name for c in table.columns])


def annotations(workspace: Workspace, project_id: int,
                coder: int | None = None) -> pd.DataFrame:
    """Long table: post_id, coder (name), coder_id, code, value, updated_at."""
    table = tables.annotations
    query = (select(table.c.post_id, tables.coders.c.name.label("coder"), table.c.coder_id,
                    table.c.code, table.c.value, table.c.updated_at)
             .join(tables.coders, tables.coders.c.id == table.c.coder_id)
             .where(table.c.project_id == project_id))
    if coder is not None:
        query = query.where(table.c.coder_id == coder)
    with workspace.engine.connect() as connection:
        rows = connection.execute(query.order_by(table.c.updated_at)).all()
    return pd.DataFrame(rows, columns=["post_id", "coder", "coder_id", "code", "value",
                                       "updated_at"])


def wide(long: pd.DataFrame) -> pd.DataFrame:
    """One row per (post_id, coder), one column per code (the agreement input shape)."""
    if long.empty:
        return pd.DataFrame(columns=["post_id", "coder"])
    table = long.pivot_table(index=["post_id", "coder"], columns="code", values="value",
                             aggfunc="last")
    table.columns.name = None
    return table.reset_index()


def apply_corrections(coded: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    """Model codes with the latest human correction of each (post, code) applied.

    Adds ``corrected`` (comma-separated codes a person changed) so views can show where a
    human code replaced the model's.
    """
    out = coded.copy()
    out["corrected"] = ""
    if corrections.empty:
        return out
    latest = corrections.sort_values("updated_at").groupby(["post_id", "code"]).last()
    index = {pid: i for i, pid in enumerate(out["post_id"])}
    for (post_id, code), row in latest.iterrows():
        if post_id not in index or code not in out.columns:
            continue
        position = out.index[index[post_id]]
        current = out.at[position, code]
        out.at[position, code] = type(current)(row["value"]) if not isinstance(
            current, str) else row["value"]
        done = out.at[position, "corrected"]
        out.at[position, "corrected"] = f"{done},{code}" if done else code
    return out


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _upsert(connection: Connection, table: Table, row: dict[str, Any],
            keys: tuple[str, ...]) -> None:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statement = sqlite_insert(table).values(**row)
    elif dialect == "postgresql":
        statement = pg_insert(table).values(**row)
    else:  # pragma: no cover - other databases: delete + insert in the same transaction
        connection.execute(delete(table).where(and_(*(table.c[k] == row[k] for k in keys))))
        connection.execute(insert(table).values(**row))
        return
    updates = {k: statement.excluded[k] for k in row if k not in keys}
    connection.execute(statement.on_conflict_do_update(index_elements=list(keys),
                                                       set_=updates))


def _find_project(connection: Connection, discussion_id: int, name: str) -> Any:
    return connection.execute(select(tables.projects).where(
        tables.projects.c.discussion_id == discussion_id,
        tables.projects.c.name == name)).mappings().first()


def _project(row: Any) -> Project:
    return Project(int(row["id"]), int(row["discussion_id"]), row["name"], row["kind"],
                   bool(row["blind"]), bool(row["show_model"]))


# -- samples and assignments ------------------------------------------------------------------
STRATEGIES = ("random", "stratified", "uncertain")


def sample_posts(posts: pd.DataFrame, size: int, *, strategy: str = "random", seed: int = 0,
                 coded: pd.DataFrame | None = None) -> list[str]:
    """Choose ``size`` posts to hand-code.

    ``random``: a simple random sample; ``stratified``: spread over threads (every thread
    contributes in proportion to its size, at least one post while the sample allows);
    ``uncertain``: the posts the model is least sure about first (lowest margin between the
    two most likely cognitive phases, then binary codes nearest 0.5) — active learning.
    """
    real = posts[~posts["placeholder"]]
    size = min(size, len(real))
    if strategy not in STRATEGIES:
        raise CoiError(f"sampling strategy must be one of {STRATEGIES}, not {strategy!r}")
    rng = np.random.default_rng(seed)
    if strategy == "random":
        return [str(p) for p in rng.choice(real["post_id"].to_numpy(), size, replace=False)]
    if strategy == "stratified":
        return _stratified(real, size, rng)
    if coded is None:
        raise CoiError("'uncertain' sampling needs the model's codes for these posts")
    scored = coded[coded["post_id"].isin(set(real["post_id"]))].copy()
    phases = scored[[c for c in scored.columns if c.startswith("p_cp_")]].to_numpy()
    top_two = np.sort(phases, axis=1)[:, -2:]
    binary = [c for c in scored.columns if c.startswith(("p_sp_", "p_tp_"))]
    scored["uncertainty"] = (1 - (top_two[:, 1] - top_two[:, 0])) + (
        1 - 2 * (scored[binary] - 0.5).abs()).mean(axis=1)
    return scored.sort_values("uncertainty", ascending=False)["post_id"].astype(
        str).head(size).tolist()


def _stratified(real: pd.DataFrame, size: int, rng: np.random.Generator) -> list[str]:
    groups = {t: list(rng.permutation(g["post_id"].to_numpy()))
              for t, g in real.groupby("thread_id")}
    order = list(rng.permutation(list(groups)))
    quota = {t: max(1, round(size * len(groups[t]) / len(real))) for t in order}
    chosen: list[str] = []
    while len(chosen) < size:
        progressed = False
        for thread in order:
            if len(chosen) >= size:
                break
            if quota[thread] > 0 and groups[thread]:
                chosen.append(str(groups[thread].pop()))
                quota[thread] -= 1
                progressed = True
        if not progressed:  # quotas used up: fill from whatever is left
            for thread in order:
                quota[thread] = len(groups[thread])
            if not any(groups.values()):
                break
    return chosen


def assign(workspace: Workspace, project_id: int, coder_names: list[str],
           post_ids: list[str]) -> None:
    """Give every coder the same posts (so their agreement can be measured), in order."""
    rows = []
    for name in coder_names:
        coder = coder_id(workspace, project_id, name)
        rows.extend({"project_id": project_id, "coder_id": coder, "post_id": str(post_id),
                     "rank": rank} for rank, post_id in enumerate(post_ids))
    with workspace.engine.begin() as connection:
        connection.execute(delete(tables.assignments).where(
            tables.assignments.c.project_id == project_id,
            tables.assignments.c.coder_id.in_({r["coder_id"] for r in rows})))
        if rows:
            connection.execute(insert(tables.assignments), rows)


def assignments(workspace: Workspace, project_id: int, coder: int) -> list[str]:
    with workspace.engine.connect() as connection:
        return list(connection.execute(select(tables.assignments.c.post_id).where(
            tables.assignments.c.project_id == project_id,
            tables.assignments.c.coder_id == coder).order_by(
            tables.assignments.c.rank)).scalars())


def progress(workspace: Workspace, project_id: int) -> pd.DataFrame:
    """Per coder: assigned, done, skipped, flagged, remaining."""
    note_table = notes(workspace, project_id)
    rows = []
    for coder, name in coders(workspace, project_id).items():
        assigned = set(assignments(workspace, project_id, coder))
        mine = note_table[(note_table["coder_id"] == coder) & note_table["post_id"].isin(
            assigned)] if len(note_table) else note_table
        done = int(mine["done"].sum()) if len(mine) else 0
        skipped = int((mine["skipped"] & ~mine["done"]).sum()) if len(mine) else 0
        rows.append({"coder": name, "assigned": len(assigned), "done": done,
                     "skipped": skipped,
                     "flagged": int(mine["flagged"].sum()) if len(mine) else 0,
                     "remaining": len(assigned) - done - skipped})
    return pd.DataFrame(rows, columns=["coder", "assigned", "done", "skipped", "flagged",
                                       "remaining"])


def next_post(workspace: Workspace, project_id: int, coder: int) -> str | None:
    """The coder's first assigned post that is neither done nor skipped."""
    note_table = notes(workspace, project_id)
    finished = set()
    if len(note_table):
        mine = note_table[note_table["coder_id"] == coder]
        finished = set(mine.loc[mine["done"] | mine["skipped"], "post_id"])
    for post_id in assignments(workspace, project_id, coder):
        if post_id not in finished:
            return post_id
    return None


# -- negotiation and gold codes ---------------------------------------------------------------
def set_negotiated(workspace: Workspace, project_id: int, post_id: str, code: str,
                   value: object, rationale: str = "") -> None:
    """Record the negotiated code of a disputed (post, code) at once (Garrison et al. 2006)."""
    row = {"project_id": project_id, "post_id": str(post_id), "code": code,
           "value": _value(value), "rationale": rationale, "updated_at": datetime.now(UTC)}
    with workspace.engine.begin() as connection:
        _upsert(connection, tables.negotiations, row, keys=("project_id", "post_id", "code"))


def negotiated(workspace: Workspace, project_id: int) -> pd.DataFrame:
    table = tables.negotiations
    with workspace.engine.connect() as connection:
        rows = connection.execute(select(table).where(table.c.project_id == project_id)).all()
    return pd.DataFrame(rows, columns=[c.name for c in table.columns])


def coders_table(workspace: Workspace, project_id: int) -> pd.DataFrame:
    """Wide codes of a project's coders (post_id, coder, code columns) with their memos."""
    table = wide(annotations(workspace, project_id))
    memo = notes(workspace, project_id)
    if len(table) and len(memo):
        names = coders(workspace, project_id)
        memo = memo.assign(coder=memo["coder_id"].map(names))[["post_id", "coder", "memo"]]
        table = table.merge(memo, on=["post_id", "coder"], how="left")
    return table


def final_codes(workspace: Workspace, project_id: int) -> pd.DataFrame:
    """One row per post coded by all of the project's coders: the agreed code where they
    agree, the negotiated code where they disagreed and negotiation settled it. Disputes not
    yet negotiated stay empty (and such posts are listed by :func:`open_disputes`)."""
    table = wide(annotations(workspace, project_id))
    if table.empty:
        return pd.DataFrame(columns=["post_id"])
    codes = [c for c in table.columns if c not in {"post_id", "coder"}]
    settled = negotiated(workspace, project_id).set_index(["post_id", "code"])["value"]
    n_coders = table["coder"].nunique()
    rows = []
    for post_id, group in table.groupby("post_id"):
        if len(group) < n_coders:
            continue
        row: dict[str, Any] = {"post_id": post_id}
        for code in codes:
            values = set(group[code].dropna())
            if len(values) == 1:
                row[code] = values.pop()
            else:
                row[code] = settled.get((post_id, code), None)
        rows.append(row)
    return pd.DataFrame(rows)


def open_disputes(workspace: Workspace, project_id: int) -> pd.DataFrame:
    """Disagreements not negotiated yet: post_id, code and each coder's value."""
    from coi.agreement import disagreements

    table = wide(annotations(workspace, project_id))
    if table.empty:
        return pd.DataFrame(columns=["post_id", "dimension"])
    codes = [c for c in table.columns if c not in {"post_id", "coder"}]
    disputes = disagreements(table, codes)
    if disputes.empty:
        return disputes
    done = negotiated(workspace, project_id)
    settled = set(zip(done["post_id"], done["code"], strict=True)) if len(done) else set()
    keep = [(p, d) not in settled for p, d in zip(disputes["post_id"], disputes["dimension"],
                                                  strict=True)]
    return disputes[keep].reset_index(drop=True)
