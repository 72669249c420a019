"""Facilitation signals on hand-built coded threads: each fires with the right evidence."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from coi.errors import CodebookError
from coi.report import ImportReport
from coi.schema import coerce
from coi.suggestions import evaluate, load_rules, suggest
from coi.threads import derive_structure, repair_reply_tree

SIGNALS = {"inquiry_stalled", "low_social_presence", "low_teaching_presence",
           "instructor_dominated", "unanswered_post", "dominant_voice", "isolated_participant"}


def thread(rows):
    """rows: (post_id, parent, author, role, text, codes dict)."""
    posts = pd.DataFrame([{"post_id": pid, "thread_id": "t", "parent_id": parent,
                           "author": author, "role": role, "text": text,
                           "created_at": pd.Timestamp("2025-01-01", tz="UTC")
                           + pd.Timedelta(hours=i)}
                          for i, (pid, parent, author, role, text, _) in enumerate(rows)])
    posts = coerce(derive_structure(repair_reply_tree(coerce(posts), ImportReport("t"))))
    base = {"social": 1, "cognitive": 1, "teaching": 0, "sp_affective": 0,
            "sp_interactive": 1, "sp_cohesive": 1, "tp_design": 0, "tp_facilitation": 0,
            "tp_direct": 0, "cp_phase": "exploration", "needs_reply": 0.1,
            "evidence": json.dumps([]), "n_evidence": 0}
    coded = pd.DataFrame([{"post_id": pid, "thread_id": "t", **base, **codes}
                          for pid, _, _, _, _, codes in rows])
    return posts, coded


def fired(posts, coded, **overrides):
    _, suggestions = suggest(posts, coded, overrides=overrides)
    return {s.signal: s for s in suggestions}


def test_all_required_signals_exist_with_sources():
    rules = {rule.id: rule for rule in load_rules()}
    assert set(rules) >= SIGNALS
    assert all(rule.source and rule.move for rule in rules.values())


def test_inquiry_stalled_with_exploration_evidence():
    rows = [("p0", "", "Ana", "student", "What should we do?", {"cp_phase": "triggering"})]
    rows += [(f"p{i}", "p0", f"S{i}", "student", "idea", {}) for i in range(1, 10)]
    posts, coded = thread(rows)
    signal = fired(posts, coded)["inquiry_stalled"]
    assert signal.thread_id == "t" and signal.evidence[0] == "p9"
    assert "The last 10 posts include 9 that share ideas" in signal.description
    assert "inquiry_stalled" not in fired(posts, coded, inquiry_stalled={"min_posts": 20})
    # an integrating post late in the thread means inquiry is moving again
    coded.loc[coded["post_id"] == "p8", "cp_phase"] = "integration"
    assert "inquiry_stalled" not in fired(posts, coded)


def test_instructor_dominated_and_low_teaching():
    rows = [("p0", "", "Prof", "instructor", "prompt", {"teaching": 1, "tp_direct": 1})]
    rows += [(f"p{i}", "p0", "Prof" if i % 2 else f"S{i}", "instructor" if i % 2 else "student",
              "text", {}) for i in range(1, 10)]
    posts, coded = thread(rows)
    signals = fired(posts, coded)
    assert set(signals["instructor_dominated"].evidence) == {"p0", "p1", "p3", "p5", "p7", "p9"}
    assert signals["low_teaching_presence"].evidence[0] == "p1"


def test_unanswered_confused_post_and_isolated_participant():
    rows = [("p0", "", "Ana", "student", "topic", {}),
            ("p1", "p0", "Ben", "student", "reply Ana", {}),
            ("p2", "p0", "Quiet Kim", "student", "I'm lost, help?", {"needs_reply": 0.9}),
            ("p3", "p1", "Ana", "student", "thanks Ben", {}),
            ("p4", "p0", "Ben", "student", "more", {})]
    posts, coded = thread(rows)
    signals = fired(posts, coded)
    assert signals["unanswered_post"].evidence == ("p2",)
    assert signals["isolated_participant"].evidence == ("p2",)
    assert "Quiet Kim" in signals["isolated_participant"].description


def test_low_social_presence_and_dominant_voice():
    rows = [("p0", "", "Ana", "student", "q", {"sp_cohesive": 0, "sp_interactive": 0})]
    rows += [(f"p{i}", "p0", "Ana" if i < 5 else f"S{i}", "student", "x",
              {"sp_cohesive": 0, "sp_interactive": 0, "social": 0}) for i in range(1, 8)]
    posts, coded = thread(rows)
    signals = fired(posts, coded)
    assert "low_social_presence" in signals and "dominant_voice" in signals
    assert "Ana wrote 62%" in signals["dominant_voice"].description


def test_threads_are_ranked_by_attention():
    rows = [("p0", "", "Ana", "student", "q", {})]
    posts, coded = thread(rows)
    threads, _ = suggest(posts, coded)
    assert list(threads.columns[-2:]) == ["attention", "attention_reasons"]


def test_rule_expressions_are_safe():
    assert evaluate("posts >= 3 and not x", {"posts": 4, "x": False})
    for bad in ("__import__('os').system('x')", "posts.__class__", "[p for p in posts]",
                "f(posts)"):
        with pytest.raises(CodebookError):
            evaluate(bad, {"posts": 1})
