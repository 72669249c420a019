"""Coding runs (cached model codes) and human coding (projects, coders, annotations).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _fk(column: str, table: str, source: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], ondelete="CASCADE",
                                   name=f"fk_{source}_{column}_{table}")


def upgrade() -> None:
    op.create_table(
        "model_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("discussion_id", sa.Integer, nullable=False),
        sa.Column("model", sa.String(1024), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_posts", sa.Integer, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_model_runs"),
        _fk("discussion_id", "discussions", "model_runs"),
    )
    op.create_index("ix_model_runs_discussion_fingerprint", "model_runs",
                    ["discussion_id", "fingerprint"])
    op.create_table(
        "coded_posts",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(255), nullable=False),
        sa.Column("row", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "post_id", name="pk_coded_posts"),
        _fk("run_id", "model_runs", "coded_posts"),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("discussion_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("blind", sa.Boolean, nullable=False),
        sa.Column("show_model", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        _fk("discussion_id", "discussions", "projects"),
    )
    op.create_table(
        "coders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_coders"),
        _fk("project_id", "projects", "coders"),
        sa.UniqueConstraint("project_id", "name", name="uq_coders_project_id_name"),
    )
    op.create_table(
        "assignments",
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("coder_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(255), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("project_id", "coder_id", "post_id", name="pk_assignments"),
        _fk("project_id", "projects", "assignments"),
        _fk("coder_id", "coders", "assignments"),
    )
    op.create_table(
        "annotations",
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("coder_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(255), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "coder_id", "post_id", "code",
                                name="pk_annotations"),
        _fk("project_id", "projects", "annotations"),
        _fk("coder_id", "coders", "annotations"),
    )
    op.create_table(
        "annotation_notes",
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("coder_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(255), nullable=False),
        sa.Column("memo", sa.Text, nullable=False),
        sa.Column("flagged", sa.Boolean, nullable=False),
        sa.Column("skipped", sa.Boolean, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "coder_id", "post_id",
                                name="pk_annotation_notes"),
        _fk("project_id", "projects", "annotation_notes"),
        _fk("coder_id", "coders", "annotation_notes"),
    )
    op.create_table(
        "negotiations",
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(255), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "post_id", "code", name="pk_negotiations"),
        _fk("project_id", "projects", "negotiations"),
    )


def downgrade() -> None:
    for table in ("negotiations", "annotation_notes", "annotations", "assignments", "coders",
                  "projects", "coded_posts"):
        op.drop_table(table)
    op.drop_index("ix_model_runs_discussion_fingerprint", "model_runs")
    op.drop_table("model_runs")
