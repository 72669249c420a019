"""Pseudonymisation on import: stable pseudonyms, names replaced in bodies, key kept apart."""

from __future__ import annotations

import json

from coi import Pseudonymizer, Workspace, import_file


def test_names_replaced_in_author_and_body_key_separate(fixtures, tmp_path):
    key_file = tmp_path / "keys" / "key.json"
    result = import_file(fixtures / "moodle" / "forum_export.csv",
                         pseudonymizer=Pseudonymizer(key_file=key_file))
    posts = result.posts.set_index("post_id")
    assert posts.loc["2101", "author"] == "Participant 01"
    assert set(posts["author"]) - {""} == {"Participant 01", "Participant 02", "Participant 03",
                                           "Participant 04"}
    # "Tomás, convenience is fine…" and "thanks Mei!" name people inside bodies
    assert "Tomás" not in posts.loc["2107", "text"] and "Participant 02" in posts.loc["2107",
                                                                                        "text"]
    assert "Mei" not in posts.loc["2110", "text"]
    assert "Tomás" not in posts.loc["2107", "raw_text"]
    key = json.loads(key_file.read_text())
    assert key["Helen Okafor"] == "Participant 01"
    workspace = Workspace(tmp_path / "ws.sqlite")
    workspace.add(result, pseudonymized=True)
    stored = workspace.posts()
    assert not stored["author"].str.contains("Helen").any()
    assert not (tmp_path / "ws.sqlite").read_bytes().count(b"Helen Okafor")


def test_pseudonyms_stable_across_imports(fixtures, tmp_path):
    key_file = tmp_path / "key.json"
    first = import_file(fixtures / "moodle" / "forum_export.csv",
                        pseudonymizer=Pseudonymizer(key_file=key_file)).posts
    second = import_file(fixtures / "canvas" / "course_88_topics.json",
                         pseudonymizer=Pseudonymizer(key_file=key_file)).posts
    again = import_file(fixtures / "moodle" / "forum_export.csv",
                        pseudonymizer=Pseudonymizer(key_file=key_file)).posts
    assert list(first["author"]) == list(again["author"])
    assert "Participant 05" in set(second["author"])


def test_common_words_that_are_also_names_survive():
    import pandas as pd

    posts = pd.DataFrame({"author": ["Will Smith", "Grace Ho"],
                          "text": ["I will try it", "By the grace of the deadline, @Will agreed"],
                          "raw_text": ["", ""], "title": ["", ""]})
    out = Pseudonymizer().apply(posts)
    assert out.loc[0, "text"] == "I will try it"
    assert out.loc[1, "text"] == "By the grace of the deadline, @Participant 01 agreed"
