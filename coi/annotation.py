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
