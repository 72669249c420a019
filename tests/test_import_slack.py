"""Slack workspace export: channels, one-level threads, mentions, skipped system messages."""

from __future__ import annotations

from coi import import_file


def test_zip_export_threads_and_mentions(slack_zip):
    result = import_file(slack_zip)
    assert result.format == "slack"
    posts = result.posts.set_index("post_id")
    parent = "learn-python:1709633700.123456"
    thread = posts[posts["thread_id"] == parent]
    assert list(thread.sort_values("position").index) == [
        parent, "learn-python:1709634000.000200", "learn-python:1709634100.000250",
        "learn-python:1709720000.000300"]
    assert (thread.drop(parent)["parent_id"] == parent).all()
    assert (thread.drop(parent)["depth"] == 1).all()
    reply = posts.loc["learn-python:1709634000.000200"]
    assert reply["text"].startswith("@Ana Ruiz use `sheet_name=None`")
    assert "read_excel (https://pandas.pydata.org/docs/reference/api/pandas.read_excel.html)" \
        in reply["text"]
    assert reply["author"] == "Ben Okoye" and reply["forum"] == "#learn-python"
    assert posts.loc[parent, "text"].startswith("How do I read all the sheets")
    assert "<3 this channel" in posts.loc[parent, "text"]


def test_system_bot_and_duplicate_messages_left_out_and_reported(slack_zip):
    result = import_file(slack_zip)
    assert len(result.posts) == 9  # 12 messages: join, bot, broadcast copy left out
    messages = " ".join(issue.message for issue in result.report.issues)
    assert "1 messages left out: channel_join events" in messages
    assert "bot messages" in messages and "thread_broadcast" in messages


def test_tombstone_parent_kept_as_placeholder_with_reply(slack_zip):
    posts = import_file(slack_zip).posts.set_index("post_id")
    tomb = posts.loc["learn-python:1709650000.000100"]
    assert tomb["placeholder"] and tomb["n_replies"] == 1
    reply = posts.loc["learn-python:1709650500.000200"]
    assert reply["text"] == "> is there a course budget?\nyes, ask #random or @here"


def test_unthreaded_messages_are_their_own_threads_and_files_named(slack_zip):
    posts = import_file(slack_zip).posts.set_index("post_id")
    alone = posts.loc["learn-python:1709721000.000400"]
    assert alone["is_starter"] and alone["thread_id"] == "learn-python:1709721000.000400"
    assert posts.loc["learn-python:1709722000.000500", "text"] == "[shared merge_sheets.py]"
    assert posts.loc["random:1709640000.000900", "forum"] == "#random"


def test_unpacked_folder_reads_like_the_zip(fixtures, slack_zip):
    from_folder = import_file(fixtures / "slack" / "export").posts
    from_zip = import_file(slack_zip).posts
    assert from_folder[["post_id", "parent_id", "text"]].equals(
        from_zip[["post_id", "parent_id", "text"]])
