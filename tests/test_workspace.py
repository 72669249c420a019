"""The workspace: a real SQLite file, idempotent imports, transactions, migrations."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import inspect

from coi import Workspace, WorkspaceError, import_file


def test_round_trip_keeps_the_canonical_frame(fixtures, workspace):
    result = import_file(fixtures / "moodle" / "forum_export.csv")
    stored = workspace.add(result)
    assert stored.created and stored.n_posts == 9 and stored.n_threads == 2
    back = workspace.posts(stored.id)
    expected = result.posts.sort_values(["thread_id", "position"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected)
    assert workspace.report(stored.id).summary() == result.report.summary()


def test_reimport_is_idempotent(fixtures, workspace):
    first = workspace.add(import_file(fixtures / "discourse" / "t_877.json"))
    second = workspace.add(import_file(fixtures / "discourse" / "t_877.json"))
    assert first.id == second.id and not second.created
    assert len(workspace.discussions()) == 1 and workspace.count_posts() == 6


def test_failed_write_leaves_nothing_behind(fixtures, workspace):
    result = import_file(fixtures / "moodle" / "forum_export.csv")
    result.posts.loc[3, "post_id"] = result.posts.loc[2, "post_id"]  # violates the primary key
    with pytest.raises(WorkspaceError, match="nothing was written"):
        workspace.add(result)
    assert workspace.discussions() == [] and workspace.count_posts() == 0


def test_schema_is_managed_by_migrations(tmp_path):
    path = tmp_path / "ws.sqlite"
    Workspace(path)
    reopened = Workspace(path)
    assert reopened.schema_revision() is not None
    names = set(inspect(reopened.engine).get_table_names())
    assert {"discussions", "posts", "import_reports", "alembic_version"} <= names


def test_remove_and_threads(fixtures, workspace):
    stored = workspace.add(import_file(fixtures / "moodle" / "forum_export.csv"))
    assert set(workspace.posts(stored.id, thread_id="302")["post_id"]) == {"2120", "2121", "2125"}
    workspace.remove(stored.id)
    with pytest.raises(WorkspaceError, match="no discussions"):
        workspace.posts()


def test_unopenable_location_is_a_clear_error(tmp_path):
    with pytest.raises(WorkspaceError, match="cannot open the workspace"):
        Workspace("postgresql+psycopg2://nobody@127.0.0.1:1/none")
