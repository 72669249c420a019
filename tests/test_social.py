"""The social-learning lens: reply network, relationships, people, conditions, conversations."""

from __future__ import annotations

import pandas as pd

from coi import import_file
from coi.conditions import CONDITIONS, assess, load_social_rules
from coi.report import ImportReport
from coi.schema import coerce
from coi.social import group_conversations, people, relationships, states_goal
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
