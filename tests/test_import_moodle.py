"""Moodle forum exports (CSV, JSON array-of-sheets, 3.7-era CSV) rebuild Moodle's threads."""

from __future__ import annotations

import pandas as pd

from coi import import_file
from coi.schema import COLUMNS, validate

EXPECTED_TREE = {  # post_id: (thread_id, parent_id, depth)
    "2101": ("301", "", 0),
    "2104": ("301", "2101", 1),
    "2107": ("301", "2104", 2),
    "2110": ("301", "2107", 3),
    "2112": ("301", "2104", 2),
    "2115": ("301", "2112", 3),
    "2120": ("302", "", 0),
    "2121": ("302", "2120", 1),
    "2125": ("302", "2120", 1),
}


def tree(posts: pd.DataFrame) -> dict[str, tuple[str, str, int]]:
    return {row.post_id: (row.thread_id, row.parent_id, row.depth) for row in posts.itertuples()}


def test_csv_rebuilds_threads_parents_and_depths(fixtures):
    result = import_file(fixtures / "moodle" / "forum_export.csv")
    posts = result.posts
    assert result.format == "moodle"
    assert list(posts.columns) == list(COLUMNS)
    validate(posts)
    assert tree(posts) == EXPECTED_TREE
    assert result.report.encoding == "utf-8-sig"  # Moodle's CSV writer adds a BOM


def test_csv_text_is_clean_and_quotes_marked(fixtures):
    posts = import_file(fixtures / "moodle" / "forum_export.csv").posts.set_index("post_id")
    assert posts.loc["2104", "text"] == ("My population is night-shift nurses in two hospitals. "
                                         "I'd use convenience sampling because that’s who I can "
                                         "reach — is that OK?")
    reply = posts.loc["2107", "text"].split("\n")
    assert reply[0] == "> I'd use convenience sampling because that’s who I can reach"
    assert "This guide (https://example.org/sampling-guide) helped me." in reply
    assert "<p>" in posts.loc["2107", "raw_text"]
    assert posts.loc["2101", "text"].startswith("Hi everyone,\n\nThis week we look at sampling.")


def test_csv_times_authors_titles(fixtures):
    posts = import_file(fixtures / "moodle" / "forum_export.csv").posts.set_index("post_id")
    assert posts.loc["2101", "created_at"] == pd.Timestamp("2024-02-29 10:00:00", tz="UTC")
    assert posts.loc["2104", "author"] == "Tomás Herrera"
    assert posts.loc["2101", "title"] == "Week 3: sampling in your own project"
    assert posts.loc["2101", "is_starter"] and posts.loc["2101", "n_replies"] == 1
    assert posts.loc["2104", "n_replies"] == 2
    assert posts.loc["2121", "position"] == 2 and posts.loc["2125", "position"] == 3


def test_privacy_deleted_post_is_a_placeholder_that_keeps_its_replies(fixtures):
    result = import_file(fixtures / "moodle" / "forum_export.csv")
    posts = result.posts.set_index("post_id")
    assert posts.loc["2112", "placeholder"]
    assert posts.loc["2115", "parent_id"] == "2112"
    assert any("deleted for privacy" in issue.message for issue in result.report.issues)
    assert any("private replies" in issue.message for issue in result.report.issues)


def test_json_array_of_sheets_equals_csv(fixtures):
    from_json = import_file(fixtures / "moodle" / "forum_export.json")
    from_csv = import_file(fixtures / "moodle" / "forum_export.csv")
    assert from_json.format == "moodle"
    columns = ["post_id", "thread_id", "parent_id", "author", "created_at", "text", "depth"]
    pd.testing.assert_frame_equal(from_json.posts[columns], from_csv.posts[columns])


def test_moodle_37_export_without_full_names(fixtures):
    result = import_file(fixtures / "moodle" / "forum_export_moodle37.csv")
    assert result.format == "moodle"
    assert tree(result.posts) == {k: v for k, v in EXPECTED_TREE.items()
                                  if k in {"2101", "2104", "2107", "2110"}}
    assert set(result.posts["author"]) == {"User 4", "User 17", "User 23"}


def test_roles_mapping_by_user_id_and_name(fixtures):
    result = import_file(fixtures / "moodle" / "forum_export.csv",
                         roles={"4": "editingteacher", "Mei Lin": "student"})
    roles = result.posts.set_index("post_id")["role"]
    assert roles["2101"] == "instructor"
    assert roles["2107"] == "student"
    assert roles["2104"] == "unknown"


def test_human_readable_dates_are_read_with_a_warning(tmp_path, fixtures):
    text = (fixtures / "moodle" / "forum_export.csv").read_text(encoding="utf-8-sig")
    text = text.replace("1709200800,1709200800", '"Thursday, 29 February 2024, 10:00 AM",x')
    path = tmp_path / "human.csv"
    path.write_text(text, encoding="utf-8")
    result = import_file(path)
    posts = result.posts.set_index("post_id")
    assert posts.loc["2101", "created_at"] == pd.Timestamp("2024-02-29 10:00", tz="UTC")
    assert any("human-readable" in issue.message for issue in result.report.issues)
