"""Discussions, posts and import reports.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discussions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("source_name", sa.String(1024), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_posts", sa.Integer, nullable=False),
        sa.Column("n_threads", sa.Integer, nullable=False),
        sa.Column("pseudonymized", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_discussions"),
        sa.UniqueConstraint("fingerprint", name="uq_discussions_fingerprint"),
    )
    op.create_table(
        "posts",
        sa.Column("discussion_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(255), nullable=False),
        sa.Column("thread_id", sa.String(255), nullable=False),
        sa.Column("parent_id", sa.String(255), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("raw_text", sa.Text, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("forum", sa.String(255), nullable=False),
        sa.Column("placeholder", sa.Boolean, nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("n_replies", sa.Integer, nullable=False),
        sa.Column("is_starter", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("discussion_id", "post_id", name="pk_posts"),
        sa.ForeignKeyConstraint(["discussion_id"], ["discussions.id"], ondelete="CASCADE",
                                name="fk_posts_discussion_id_discussions"),
    )
    op.create_index("ix_posts_discussion_thread", "posts", ["discussion_id", "thread_id"])
    op.create_table(
        "import_reports",
        sa.Column("discussion_id", sa.Integer, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("discussion_id", name="pk_import_reports"),
        sa.ForeignKeyConstraint(["discussion_id"], ["discussions.id"], ondelete="CASCADE",
                                name="fk_import_reports_discussion_id_discussions"),
    )


def downgrade() -> None:
    op.drop_table("import_reports")
    op.drop_index("ix_posts_discussion_thread", "posts")
    op.drop_table("posts")
    op.drop_table("discussions")
