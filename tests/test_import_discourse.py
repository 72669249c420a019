"""Discourse topic JSON: reply_to_post_number, quotes in cooked HTML, staff roles, system posts."""

from __future__ import annotations

import json

from coi import import_file


def test_topic_rebuilds_reply_tree(fixtures):
    result = import_file(fixtures / "discourse" / "t_877.json")
    assert result.format == "discourse"
    posts = result.posts.set_index("post_id")
    assert "5123" not in posts.index  # post_type 3: "closed" small action
    expected = {"5120": ("", 0), "5121": ("5120", 1), "5122": ("5121", 2), "5124": ("5122", 3),
                "5125": ("5122", 3), "5126": ("5120", 1)}
    assert {pid: (posts.loc[pid, "parent_id"], posts.loc[pid, "depth"]) for pid in expected} \
        == expected
    assert set(posts["thread_id"]) == {"877"}
    assert posts.loc["5120", "title"] == "Week 3: why does my loop never stop?"


def test_quotes_mentions_emoji_roles(fixtures):
    posts = import_file(fixtures / "discourse" / "t_877.json").posts.set_index("post_id")
    lines = posts.loc["5122", "text"].split("\n")
    assert "> You never change i inside the loop" in lines
    assert lines[-1].startswith("Exactly right, @rkumar. @ana, this is called an infinite loop")
    assert posts.loc["5122", "role"] == "instructor"  # primary group "instructors"
    assert posts.loc["5121", "role"] == "student"
    assert posts.loc["5125", "text"] == "It works now!!! Thank you both :tada:"
    assert posts.loc["5124", "placeholder"]
    assert posts.loc["5120", "raw_text"].startswith("Hi all! My `while` loop")


def test_partial_topic_chunk_is_reported(tmp_path, fixtures):
    topic = json.loads((fixtures / "discourse" / "t_877.json").read_text())
    topic["post_stream"]["stream"] += [5190, 5191]
    topic["post_stream"]["posts"][-1]["reply_to_post_number"] = 9  # not in this chunk
    path = tmp_path / "877.json"
    path.write_text(json.dumps(topic))
    result = import_file(path)
    messages = [str(issue) for issue in result.report.issues]
    assert any("holds 6 of 8 posts" in m or "holds 7 of 9 posts" in m for m in messages)
    assert any("not in the export" in m and "5126" in m for m in messages)
    assert result.posts.set_index("post_id").loc["5126", "parent_id"] == "5120"
