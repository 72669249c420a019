"""Canvas discussion "full view" JSON: nested replies, deleted entries, new_entries, topics."""

from __future__ import annotations

from coi import import_file
from coi.schema import validate


def test_single_view_keeps_deleted_entry_and_its_subtree(fixtures):
    result = import_file(fixtures / "canvas" / "discussion_topic_4410_view.json")
    assert result.format == "canvas"
    posts = result.posts.set_index("post_id")
    validate(result.posts)
    # the topic's own post is not in a view export: a placeholder starter holds the entries
    assert posts.loc["topic-4410", "placeholder"] and posts.loc["topic-4410", "depth"] == 0
    expected = {"9001": ("topic-4410", 1), "9003": ("9001", 2), "9004": ("9003", 3),
                "9005": ("9001", 2), "9002": ("topic-4410", 1), "9006": ("9002", 2)}
    assert {pid: (posts.loc[pid, "parent_id"], posts.loc[pid, "depth"]) for pid in expected} \
        == expected
    assert posts.loc["9003", "placeholder"]  # deleted, but its reply 9004 is still there
    assert set(result.posts["thread_id"]) == {"4410"}


def test_names_from_participants_and_clean_text(fixtures):
    posts = import_file(fixtures / "canvas" / "discussion_topic_4410_view.json").posts
    posts = posts.set_index("post_id")
    assert posts.loc["9004", "author"] == "Dr. Kwame Mensah"
    assert posts.loc["9004", "text"] == ("@Ana Ruiz see slide 4 — predictability is about the "
                                         "price, not the quantity.")
    assert posts.loc["9006", "text"] == "But the cap can be set too high, Julia."
    assert str(posts.loc["9001", "created_at"]) == "2024-03-05 10:15:00+00:00"


def test_several_topics_with_topic_objects(fixtures):
    result = import_file(fixtures / "canvas" / "course_88_topics.json",
                         roles={"12": "TeacherEnrollment"})
    posts = result.posts.set_index("post_id")
    assert set(result.posts["thread_id"]) == {"4410", "4411"}
    starter = posts.loc["topic-4411"]
    assert not starter["placeholder"]
    assert starter["title"] == "Week 5: Which instrument would you choose?"
    assert starter["author"] == "Dr. Kwame Mensah" and starter["role"] == "instructor"
    assert posts.loc["9102", "depth"] == 2 and posts.loc["9102", "role"] == "instructor"
    assert posts.loc["9101", "parent_id"] == "topic-4411"
