"""The workspace: a database of imported discussions (SQLite file by default).

A workspace is chosen by a path (``~/coi/course.sqlite``) or a database URL
(``postgresql+psycopg://host/db``); :func:`default_location` honours ``COI_WORKSPACE`` and falls
back to a file in the user's data directory. Opening a workspace brings its schema up to date
with Alembic migrations, so upgrading coi never loses data. Every write is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, delete, event, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from coi.errors import WorkspaceError
from coi.importers import ImportResult
from coi.report import ImportReport
from coi.schema import COLUMNS, coerce
from coi.storage import tables

MIGRATIONS = Path(__file__).with_name("migrations")


def default_location() -> str:
    """``COI_WORKSPACE`` if set, else ``<user data dir>/coi/workspace.sqlite``."""
    return os.environ.get("COI_WORKSPACE") or str(
        Path(platformdirs.user_data_dir("coi", appauthor=False)) / "workspace.sqlite")


def database_url(location: str | Path) -> str:
    """A SQLAlchemy URL for a path or URL."""
    text = str(location)
    if "://" in text:
        return text
    path = Path(text).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


@dataclass(frozen=True)
class StoredDiscussion:
    """A discussion as recorded in the workspace."""

    id: int
    name: str
    format: str
    source_name: str
    imported_at: datetime
    n_posts: int
    n_threads: int
    pseudonymized: bool
    created: bool = True  # False when the import was already in the workspace


class Workspace:
    """A persistent store of discussions, their posts and import reports."""

    def __init__(self, location: str | Path | None = None) -> None:
        self.url = database_url(location or default_location())
        try:
            self.engine = _engine(self.url)
            self._migrate()
        except ImportError as exc:
            raise WorkspaceError(
                f"cannot open the workspace {self.display_url}: its database driver is not "
                f"installed ({exc.name}). For PostgreSQL run: pip install 'coi[postgres]'."
            ) from None
        except SQLAlchemyError as exc:
            raise WorkspaceError(
                f"cannot open the workspace {self.display_url}: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}. Check the path or database URL "
                "(--workspace / COI_WORKSPACE).") from None

    @property
    def display_url(self) -> str:
        """The URL without a password, for messages."""
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    # -- schema -----------------------------------------------------------------------------
    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def _migrate(self) -> None:
        config = self._alembic_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        with self.engine.begin() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            if current == head:
                return
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    # -- discussions ------------------------------------------------------------------------
    def add(self, result: ImportResult, *, pseudonymized: bool = False,
            options: dict[str, Any] | None = None) -> StoredDiscussion:
        """Store an import in one transaction; the same file with the same options is kept once.

        Returns the stored discussion (``created`` is False when it was already there).
        """
        fingerprint = hashlib.sha256(json.dumps(
            {"sha256": result.sha256, "format": result.format, "pseudonymized": pseudonymized,
             "options": options or {}}, sort_keys=True).encode()).hexdigest()
        try:
            with self.engine.begin() as connection:
                existing = connection.execute(select(tables.discussions).where(
                    tables.discussions.c.fingerprint == fingerprint)).mappings().first()
                if existing is not None:
                    return StoredDiscussion(**_discussion_fields(existing), created=False)
                now = datetime.now(UTC)
                discussion_id = connection.execute(insert(tables.discussions).values(
                    name=result.name, format=result.format, source_name=result.report.source,
                    fingerprint=fingerprint, imported_at=now, n_posts=len(result.posts),
                    n_threads=int(result.posts["thread_id"].nunique()),
                    pseudonymized=pseudonymized)).inserted_primary_key[0]
                rows = _post_rows(result.posts, discussion_id)
                for start in range(0, len(rows), 5000):
                    connection.execute(insert(tables.posts), rows[start:start + 5000])
                connection.execute(insert(tables.import_reports).values(
                    discussion_id=discussion_id, report=json.dumps(result.report.to_dict())))
        except SQLAlchemyError as exc:
            raise WorkspaceError(f"could not save {result.name} to {self.display_url}: "
                                 f"{str(exc).splitlines()[0]}; nothing was written.") from None
        return StoredDiscussion(discussion_id, result.name, result.format, result.report.source,
                                now, len(result.posts), int(result.posts["thread_id"].nunique()),
                                pseudonymized)

    def discussions(self) -> list[StoredDiscussion]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(tables.discussions).order_by(
                tables.discussions.c.id)).mappings().all()
        return [StoredDiscussion(**_discussion_fields(row)) for row in rows]

    def discussion(self, discussion_id: int | None = None) -> StoredDiscussion:
        """One discussion by id; without an id, the only (or latest) one."""
        found = self.discussions()
        if not found:
            raise WorkspaceError(f"the workspace {self.display_url} holds no discussions yet; "
                                 "import one with `coi import FILE`.")
        if discussion_id is None:
            return found[-1]
        for item in found:
            if item.id == discussion_id:
                return item
        raise WorkspaceError(f"no discussion with id {discussion_id}; `coi list` shows the ids.")

    def posts(self, discussion_id: int | None = None, *, thread_id: str | None = None
              ) -> pd.DataFrame:
        """Canonical posts of a discussion (the latest when no id is given)."""
        discussion = self.discussion(discussion_id)
        query = select(*[tables.posts.c[c] for c in COLUMNS]).where(
            tables.posts.c.discussion_id == discussion.id)
        if thread_id is not None:
            query = query.where(tables.posts.c.thread_id == thread_id)
        query = query.order_by(tables.posts.c.thread_id, tables.posts.c.position)
        with self.engine.connect() as connection:
            frame = pd.DataFrame(connection.execute(query).fetchall(), columns=list(COLUMNS))
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
        return coerce(frame)

    def report(self, discussion_id: int | None = None) -> ImportReport:
        discussion = self.discussion(discussion_id)
        with self.engine.connect() as connection:
            text = connection.execute(select(tables.import_reports.c.report).where(
                tables.import_reports.c.discussion_id == discussion.id)).scalar_one()
        return ImportReport.from_dict(json.loads(text))

    def remove(self, discussion_id: int) -> None:
        """Delete a discussion with its posts and report (one transaction)."""
        self.discussion(discussion_id)
        with self.engine.begin() as connection:
            for table in (tables.import_reports, tables.posts):
                connection.execute(delete(table).where(table.c.discussion_id == discussion_id))
            connection.execute(delete(tables.discussions).where(
                tables.discussions.c.id == discussion_id))

    def count_posts(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(tables.posts)
                                          ).scalar_one())


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _discussion_fields(row: Any) -> dict[str, Any]:
    fields = {k: row[k] for k in ("id", "name", "format", "source_name", "imported_at",
                                  "n_posts", "n_threads", "pseudonymized")}
    if fields["imported_at"] is not None and fields["imported_at"].tzinfo is None:
        fields["imported_at"] = fields["imported_at"].replace(tzinfo=UTC)
    return fields


def _post_rows(posts: pd.DataFrame, discussion_id: int) -> list[dict[str, Any]]:
    frame = posts[list(COLUMNS)].copy()
    created = frame["created_at"].dt.tz_convert("UTC")
    frame = frame.astype(object)
    frame["created_at"] = [None if pd.isna(t) else t.to_pydatetime() for t in created]
    frame["discussion_id"] = discussion_id
    for column in ("placeholder", "is_starter"):
        frame[column] = frame[column].astype(bool)
    for column in ("depth", "position", "n_replies"):
        frame[column] = frame[column].astype(int)
    return frame.to_dict("records")
