"""Generic tables: recognised column names, explicit mappings, JSONL, XLSX, minimal files."""

from __future__ import annotations

import pandas as pd
import pytest

from coi import ImportFormatError, import_file


def test_common_column_names_are_recognised(fixtures):
    result = import_file(fixtures / "generic" / "forum_posts.csv")
    assert result.format == "generic"
    posts = result.posts.set_index("post_id")
    assert posts.loc["m3", "parent_id"] == "m2" and posts.loc["m3", "depth"] == 2
    assert posts.loc["m1", "role"] == "instructor" and posts.loc["m2", "role"] == "student"
    assert posts.loc["m1", "created_at"] == pd.Timestamp("2024-05-02 07:00", tz="UTC")
    assert posts.loc["m1", "forum"] == "Literacy Coaching"
    assert posts.loc["m1", "title"] == "Lesson study kickoff"
    assert set(result.posts["thread_id"]) == {"T1", "T2"}


def test_only_id_and_text_each_post_its_own_thread(fixtures):
    result = import_file(fixtures / "generic" / "minimal.csv")
    posts = result.posts
    assert list(posts["thread_id"]) == ["1", "2", "3"]
    assert posts["is_starter"].all() and (posts["role"] == "unknown").all()
    assert posts["created_at"].isna().all()
    assert not [i for i in result.report.issues if i.severity != "info"]


def test_jsonl_convokit_style(fixtures):
    posts = import_file(fixtures / "generic" / "utterances.jsonl").posts.set_index("post_id")
    assert posts.loc["u3", "parent_id"] == "u2" and posts.loc["u3", "depth"] == 2
    assert posts.loc["u1", "created_at"] == pd.Timestamp(1709633700, unit="s", tz="UTC")
    assert posts.loc["u2", "author"] == "lee"


def test_explicit_mapping_and_xlsx(tmp_path):
    frame = pd.DataFrame({"Nr": [10, 11], "Beitrag": ["Frage?", "Antwort."],
                          "Antwort auf": ["", 10], "Wer": ["Kai", "Lea"],
                          "Zeit": [pd.Timestamp("2024-01-02 10:00"),
                                   pd.Timestamp("2024-01-02 11:00")]})
    path = tmp_path / "export.xlsx"
    frame.to_excel(path, index=False)
    result = import_file(path, columns={"post_id": "Nr", "text": "Beitrag",
                                        "parent_id": "Antwort auf", "author": "Wer",
                                        "created_at": "Zeit"}, timezone="Europe/Berlin")
    posts = result.posts.set_index("post_id")
    assert posts.loc["11", "parent_id"] == "10" and posts.loc["11", "thread_id"] == "10"
    assert posts.loc["10", "created_at"] == pd.Timestamp("2024-01-02 09:00", tz="UTC")


def test_mapping_to_a_missing_column_names_the_columns(fixtures):
    with pytest.raises(ImportFormatError, match="columns are") as error:
        import_file(fixtures / "generic" / "minimal.csv", columns={"text": "Body"})
    assert "minimal.csv" in str(error.value)


def test_no_text_column_explains_how_to_map(tmp_path):
    path = tmp_path / "weird.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ImportFormatError, match="--column text=YOUR_COLUMN"):
        import_file(path)
