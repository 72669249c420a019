"""The workspace schema (SQLAlchemy Core). Changes go through an Alembic migration.

Tables are added by the issue that needs them; every change to this file comes with a new
revision in ``coi/storage/migrations/versions`` so that upgrading a workspace never loses data.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

discussions = Table(
    "discussions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False),
    Column("format", String(32), nullable=False),
    Column("source_name", String(1024), nullable=False),
    # sha256 of the file + import options: the same import twice is recognised (idempotent)
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("n_posts", Integer, nullable=False),
    Column("n_threads", Integer, nullable=False),
    Column("pseudonymized", Boolean, nullable=False, default=False),
)

posts = Table(
    "posts", metadata,
    Column("discussion_id", Integer, ForeignKey("discussions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("post_id", String(255), primary_key=True),
    Column("thread_id", String(255), nullable=False),
    Column("parent_id", String(255), nullable=False, default=""),
    Column("author", String(255), nullable=False, default=""),
    Column("role", String(16), nullable=False, default="unknown"),
    Column("created_at", DateTime(timezone=True), nullable=True),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),
    Column("raw_text", Text, nullable=False, default=""),
    Column("platform", String(32), nullable=False, default=""),
    Column("forum", String(255), nullable=False, default=""),
    Column("placeholder", Boolean, nullable=False, default=False),
    Column("depth", Integer, nullable=False, default=0),
    Column("position", Integer, nullable=False, default=0),
    Column("n_replies", Integer, nullable=False, default=0),
    Column("is_starter", Boolean, nullable=False, default=False),
    Index("ix_posts_discussion_thread", "discussion_id", "thread_id"),
)

import_reports = Table(
    "import_reports", metadata,
    Column("discussion_id", Integer, ForeignKey("discussions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("report", Text, nullable=False),  # ImportReport.to_dict() as JSON
)

# -- coding runs (revision 0002) ----------------------------------------------------------------
model_runs = Table(
    "model_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("discussion_id", Integer, ForeignKey("discussions.id", ondelete="CASCADE"),
           nullable=False),
    Column("model", String(1024), nullable=False),  # the model folder as given
    Column("fingerprint", String(64), nullable=False),  # what the model is (files' hash)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("n_posts", Integer, nullable=False, default=0),
    Column("complete", Boolean, nullable=False, default=False),
    Index("ix_model_runs_discussion_fingerprint", "discussion_id", "fingerprint"),
)

coded_posts = Table(
    "coded_posts", metadata,
    Column("run_id", Integer, ForeignKey("model_runs.id", ondelete="CASCADE"),
           primary_key=True),
    Column("post_id", String(255), primary_key=True),
    Column("row", Text, nullable=False),  # the coded row (codes, p_*, evidence) as JSON
)

# -- human coding: projects, coders, annotations (revision 0002) --------------------------------
projects = Table(
    "projects", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("discussion_id", Integer, ForeignKey("discussions.id", ondelete="CASCADE"),
           nullable=False),
    Column("name", String(255), nullable=False),
    Column("kind", String(16), nullable=False, default="coding"),  # coding | corrections
    Column("blind", Boolean, nullable=False, default=True),
    Column("show_model", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

coders = Table(
    "coders", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"),
           nullable=False),
    Column("name", String(255), nullable=False),
)

assignments = Table(
    "assignments", metadata,
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"),
           primary_key=True),
    Column("coder_id", Integer, ForeignKey("coders.id", ondelete="CASCADE"), primary_key=True),
    Column("post_id", String(255), primary_key=True),
    Column("rank", Integer, nullable=False),
)

annotations = Table(
    "annotations", metadata,
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"),
           primary_key=True),
    Column("coder_id", Integer, ForeignKey("coders.id", ondelete="CASCADE"), primary_key=True),
    Column("post_id", String(255), primary_key=True),
    Column("code", String(64), primary_key=True),  # an output column: cp_phase, sp_affective…
    Column("value", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

annotation_notes = Table(
    "annotation_notes", metadata,
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"),
           primary_key=True),
    Column("coder_id", Integer, ForeignKey("coders.id", ondelete="CASCADE"), primary_key=True),
    Column("post_id", String(255), primary_key=True),
    Column("memo", Text, nullable=False, default=""),
    Column("flagged", Boolean, nullable=False, default=False),
    Column("skipped", Boolean, nullable=False, default=False),
    Column("done", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

negotiations = Table(
    "negotiations", metadata,
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"),
           primary_key=True),
    Column("post_id", String(255), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("value", String(64), nullable=False),
    Column("rationale", Text, nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
