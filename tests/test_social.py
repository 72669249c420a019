"""The social-learning lens: reply network, relationships, people, conditions, conversations."""

from __future__ import annotations

import pandas as pd
import pytest

from coi import import_file
from coi.conditions import CONDITIONS, assess, load_social_rules
from coi.errors import CodebookError
from coi.report import ImportReport
from coi.schema import coerce
from coi.social import (
    group_conversations,
    mention_pattern,
    mentions_tool_trouble,
    people,
    relationships,
    responded_to,
    responses,
    signal_pattern,
    states_goal,
)
from coi.threads import derive_structure, repair_reply_tree


def discussion(rows):
    frame = pd.DataFrame([{"post_id": p, "thread_id": t, "parent_id": parent, "author": a,
                           "role": role, "text": text,
                           "created_at": pd.Timestamp("2025-03-01", tz="UTC")
                           + pd.Timedelta(hours=h), "forum": "#team"}
                          for p, t, parent, a, role, text, h in rows])
    return coerce(derive_structure(repair_reply_tree(coerce(frame), ImportReport("t"))))


ROWS = [
    ("1", "a", "", "Ana", "student", "My goal this quarter is to learn SQL. How do I start?", 0),
    ("2", "a", "1", "Ben", "student", "Start with SELECT.", 1),
    ("3", "a", "2", "Ana", "student", "Thanks Ben, tried it!", 2),
    ("4", "a", "3", "Ben", "student", "Great, next try JOINs.", 3),
    ("5", "b", "", "Cal", "student", "Anyone know how to pivot?", 30),
    ("6", "c", "", "Dee", "student", "Sharing my notes.", 400),
    ("7", "d", "", "Dee", "student", "More notes.", 401),
    ("8", "b", "5", "Ana", "student", "Ben, can you help Cal?", 60),
    ("9", "b", "8", "Ben", "student", "Cal, use pivot_table.", 61),
    ("10", "b", "9", "Ana", "student", "Ben, thanks!", 62),
    ("11", "a", "4", "Ana", "student", "JOINs worked.", 70),
]


def test_relationships_and_people():
    posts = discussion(ROWS)
    pairs = relationships(posts).set_index(["person_a", "person_b"])
    assert pairs.loc[("Ana", "Ben"), "reciprocated"] == 1
    assert pairs.loc[("Ana", "Ben"), "exchanges"] == 6
    assert pairs.loc[("Ana", "Ben"), "strength"] == "strong"  # two-way, two threads
    table = people(posts, newcomer_days=5).set_index("person")
    assert table.loc["Dee", "only_broadcasts"] and table.loc["Dee", "isolated"]
    assert table.loc["Dee", "newcomer"]
    assert table.loc["Ana", "states_goals"] == 1 and table.loc["Ana", "questions"] >= 1
    assert table.loc["Ben", "answers"] >= 1
    assert table.loc["Ana", "median_hours_to_first_reply"] == 1.0
    assert states_goal("what I want to get out of this is confidence")


def test_conditions_with_evidence_and_plain_limits():
    posts = discussion(ROWS)
    assessment = assess(posts)
    assert [c.id for c in assessment.conditions] == list(CONDITIONS)
    tool = assessment.conditions[-1]
    assert "cannot be read from posts" in tool.cannot_tell
    suggestions = {s["signal"]: s for c in assessment.conditions for s in c.suggestions}
    assert "isolated_newcomers" in suggestions
    assert suggestions["isolated_newcomers"]["evidence"] == ["Dee"]
    assert {r["id"] for r in load_social_rules()} >= {"unanswered_questions", "slow_replies"}


def test_unanswered_questions_suggest_a_rota():
    rows = [(str(i), f"t{i}", "", f"P{i}", "student", f"How do I do thing {i}?", i)
            for i in range(6)] + [("9", "t0", "0", "P1", "student", "Like this.", 10)]
    assessment = assess(discussion(rows))
    activity = next(c for c in assessment.conditions if c.id == "activity_match")
    signal = next(s for s in activity.suggestions if s["signal"] == "unanswered_questions")
    assert "Q&A rota" in signal["move"] and len(signal["evidence"]) == 5


def test_chat_channel_grouped_into_conversations(fixtures):
    posts = import_file(fixtures / "slack" / "export").posts
    grouped = group_conversations(posts, gap_minutes=30)
    assert grouped["thread_id"].nunique() < posts["thread_id"].nunique()
    assert grouped.groupby("thread_id")["is_starter"].sum().eq(1).all()
    # thread replies stay with their starter
    parent = "learn-python:1709633700.123456"
    replies = grouped[grouped["parent_id"] == parent]
    assert len(replies) == 3
    result = import_file(fixtures / "slack" / "export", group_minutes=30)
    assert any("grouped into" in issue.message for issue in result.report.issues)


def test_mentions_join_a_recent_conversation():
    rows = [("1", "x1", "", "Ana Ruiz", "student", "anyone used dbt?", 0),
            ("2", "x2", "", "Ben", "student", "lunch?", 0.9),
            ("3", "x3", "", "Cal", "student", "@ana yes, dbt is great", 1.0)]
    grouped = group_conversations(discussion(rows), gap_minutes=30).set_index("post_id")
    assert grouped.loc["3", "thread_id"] == grouped.loc["1", "thread_id"]
    assert grouped.loc["3", "parent_id"] == "1"
    assert grouped.loc["2", "thread_id"] != grouped.loc["1", "thread_id"]


def chat(rows):
    """A Slack-style channel: one-level threads, platform slack."""
    posts = discussion(rows)
    posts["platform"] = "slack"
    return posts


def test_chat_replies_respond_to_the_person_they_address():
    # Slack threads are flat: every reply's parent is the first message.
    rows = [("1", "t", "", "Ana Ruiz", "student", "how do I pivot in SQL?", 0),
            ("2", "t", "1", "Ben Okoro", "student", "use CASE WHEN. does that make sense?", 1),
            ("3", "t", "1", "Cal Diaz", "student", "@Ana Ruiz also look at FILTER", 2),
            ("4", "t", "1", "Ana Ruiz", "student", "@ben yes, thanks both", 3),
            ("5", "u", "", "Dee", "student", "@cal loved your talk", 4)]
    found = responses(chat(rows))
    pairs = set(zip(found["post_id"], found["target_author"], strict=True))
    assert ("2", "Ana Ruiz") in pairs  # the first reply answers the starter
    assert ("3", "Ana Ruiz") in pairs and ("3", "Ben Okoro") not in pairs  # the mention wins
    assert ("4", "Ben Okoro") in pairs and ("4", "Cal Diaz") not in pairs
    assert ("5", "Cal Diaz") in pairs  # a bare mention in a stand-alone message
    # Ben's question inside the thread counts as answered by Ana's later reply
    assert "2" in responded_to(chat(rows))
    # in a forum the same rows mean replies to the parent (the starter)
    forum = responses(discussion(rows))
    assert set(forum.loc[forum["post_id"] == "4", "target_author"]) == {"Ben Okoro"}


def test_mentions_resolve_full_names_handles_and_unique_first_names():
    pattern = mention_pattern(["Ana Ruiz", "Ana Lima", "ben.okoro", "Cal Diaz"])
    text = "@Ana Ruiz and @ana and @ben.okoro and @cal and @nobody"
    assert pattern.findall(text) == ["Ana Ruiz", "ben.okoro", "cal"]  # "@ana" is ambiguous


def test_signal_phrases_are_data(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[patterns]\nquestion = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(CodebookError, match="not a valid regular expression"):
        signal_pattern("question", str(rules))
    extended = tmp_path / "extended.toml"
    extended.write_text('[patterns]\nlearning_goal = ["\\\\bI aim\\\\b"]\n', encoding="utf-8")
    assert signal_pattern("learning_goal", str(extended)).search("I aim to finish")
    assert states_goal("My 90-day goal is to own the carrier scorecard")
    assert not states_goal("The goal of the assignment is clear")
    assert mentions_tool_trouble("Slack doesn't notify me, I never saw the mentions")
    assert not mentions_tool_trouble("> I never saw the mentions\n\nglad you fixed it")


def test_workplace_demo_tells_what_a_facilitator_would_not_know():
    """The bundled Slack demo: each planted pattern is found, with the posts behind it."""
    from coi.demo import workplace_demo_export, workplace_demo_roles
    from coi.importers import read_roles

    posts = import_file(workplace_demo_export(), roles=read_roles(workplace_demo_roles())).posts
    help_channel = assess(posts[posts["forum"] == "#new-hires-help"])
    signals = {s["signal"]: s for c in help_channel.conditions for s in c.suggestions}
    assert help_channel.metrics["median_hours_to_first_response"] > 24  # questions wait a day
    assert len(signals["slow_replies"]["evidence"]) >= 4
    assert {"Zanele Khoza", "Radu Ciobanu"} <= set(signals["isolated_newcomers"]["evidence"])
    assert signals["tool_trouble"]["evidence"]
    circle = assess(posts[posts["forum"] == "#data-learning-circle"])
    strong = circle.pairs[circle.pairs["strength"] == "strong"]
    strong_pairs = set(zip(strong["person_a"], strong["person_b"], strict=True))
    assert ("Gunnar Høiby", "Precious Mahlangu") in strong_pairs  # the mentoring pair
    assert ("Beatriz Calado", "Tomasz Wierzbicki") in strong_pairs  # the review pair
    assert circle.metrics["top_connector"] == "Marisol Etxeberria"  # the hub
    broadcasters = set(circle.people.loc[circle.people["only_broadcasts"], "person"])
    assert "Björn Ekdahl" in broadcasters  # posts links, never replies


def test_both_demos_load_once_and_the_course_opens(tmp_path):
    from coi import Workspace
    from coi.demo import DEMO_NAME, WORKPLACE_DEMO_NAME, load_demos

    workspace = Workspace(tmp_path / "ws.sqlite")
    course = load_demos(workspace)
    again = load_demos(workspace)
    found = workspace.discussions()
    assert [d.name for d in found] == [WORKPLACE_DEMO_NAME, DEMO_NAME]  # course last: opens
    assert course.id == again.id and not again.created
    slack = workspace.posts(found[0].id)
    assert set(slack["forum"]) == {"#data-learning-circle", "#new-hires-help"}
    assert set(slack["role"]) == {"facilitator", "student"}  # from the roles file


def test_network_drawing_keeps_the_most_connected_people():
    from coi.social import layout

    posts = discussion(ROWS)
    nodes, edges = layout(posts, max_people=2)
    assert set(nodes["person"]) == {"Ana", "Ben"}  # the pair with the most exchanges
    assert set(edges["source"]) | set(edges["target"]) <= {"Ana", "Ben"}
    everyone, _ = layout(posts)
    assert set(everyone["person"]) == {"Ana", "Ben", "Cal", "Dee"}


def test_hyphenated_first_names_can_be_mentioned():
    pattern = mention_pattern(["Sun-hee Jang", "Ben Okoro"])
    assert pattern.findall("@sun-hee and @Sun could you look") == ["sun-hee", "Sun"]
