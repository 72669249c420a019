"""Reply-tree repair and derived structure on hand-built tables."""

from __future__ import annotations

import pandas as pd

from coi.report import ImportReport
from coi.schema import validate
from coi.threads import derive_structure, repair_reply_tree


def frame(rows):
    data = pd.DataFrame(rows, columns=["post_id", "thread_id", "parent_id", "created_at"])
    data["author"] = "a"
    data["text"] = data["post_id"]
    data["created_at"] = pd.to_datetime(data["created_at"], utc=True)
    return data


def build(rows, **kwargs):
    report = ImportReport("test")
    repaired = derive_structure(repair_reply_tree(frame(rows), report, **kwargs))
    return repaired.set_index("post_id"), report


def test_depth_position_replies():
    posts, report = build([("a", "t", "", "2024-01-01"), ("b", "t", "a", "2024-01-03"),
                           ("c", "t", "b", "2024-01-02"), ("d", "t", "a", "2024-01-04")])
    assert posts["depth"].to_dict() == {"a": 0, "b": 1, "c": 2, "d": 1}
    assert posts["position"].to_dict() == {"a": 1, "c": 2, "b": 3, "d": 4}
    assert posts["n_replies"].to_dict() == {"a": 2, "b": 1, "c": 0, "d": 0}
    assert not report.issues


def test_missing_thread_ids_inherited_from_root():
    posts, _ = build([("a", "", "", None), ("b", "", "a", None), ("c", "", "b", None)])
    assert set(posts["thread_id"]) == {"a"}


def test_flat_threads_without_reply_links_summarised_once():
    posts, report = build([("a", "t", "", "2024-01-01"), ("b", "t", "", "2024-01-02"),
                           ("c", "t", "", "2024-01-03")], has_reply_links=False)
    assert posts.loc["b", "parent_id"] == "a" and posts.loc["c", "depth"] == 1
    assert [i.severity for i in report.issues] == ["info"]


def test_thread_without_starter_promotes_earliest_post():
    posts, report = build([("b", "t", "zz", "2024-01-02"), ("c", "t", "b", "2024-01-03"),
                           ("a", "t", "yy", "2024-01-01")])
    assert posts.loc["a", "parent_id"] == ""
    assert posts.loc["b", "parent_id"] == "a" and posts.loc["c", "depth"] == 2
    validate_frame = posts.reset_index()
    for column in ("role", "title", "raw_text", "platform", "forum"):
        validate_frame[column] = "unknown" if column == "role" else ""
    validate_frame["placeholder"] = False
    validate(validate_frame)
    assert len(report.issues) == 3  # two missing parents, no starter


def test_long_chain_has_no_recursion_limit():
    rows = [(str(i), "t", str(i - 1) if i else "", None) for i in range(5000)]
    posts, _ = build(rows)
    assert posts.loc["4999", "depth"] == 4999
