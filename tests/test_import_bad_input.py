"""Malformed and hostile files: a clear message naming file/row/field, valid posts kept."""

from __future__ import annotations

import json
import zipfile

import pytest

from coi import FormatDetectionError, ImportFormatError, InputLimitError, import_bytes, import_file
from coi.limits import Limits
from tests.conftest import zip_bytes

CSV = "id,thread,parent,author,text\n"


def issues(result, severity=None):
    return [i for i in result.report.issues if severity is None or i.severity == severity]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_encodings_from_excel_and_windows(encoding):
    data = (CSV + "1,t,,Zoë Müller,Café façade — naïve résumé\n").encode(encoding)
    if encoding == "utf-16":  # Excel's "Unicode text" is tab-separated UTF-16
        data = data.decode("utf-16").replace(",", "\t").encode("utf-16")
    posts = import_bytes("export.csv", data).posts
    assert posts.loc[0, "author"] == "Zoë Müller"
    assert posts.loc[0, "text"] == "Café façade — naïve résumé"


def test_duplicate_ids_exact_copy_dropped_different_post_renamed():
    data = CSV + "1,t,,A,hello\n1,t,,A,hello\n1,t,,B,another post\n2,t,1,C,reply\n"
    result = import_bytes("dup.csv", data.encode())
    assert list(result.posts["post_id"]) == ["1", "1~2", "2"]
    warning = issues(result, "warning")[0]
    assert (warning.row, warning.field) == (4, "post_id")
    assert issues(result, "info")[0].row == 3


def test_missing_parent_and_cycle_are_repaired_and_reported():
    data = (CSV + "1,t,,A,start\n2,t,99,B,orphan\n3,t,4,C,cycle a\n4,t,3,D,cycle b\n"
            "5,t,5,E,self\n")
    result = import_bytes("broken.csv", data.encode())
    posts = result.posts.set_index("post_id")
    assert posts.loc["2", "parent_id"] == "1"
    assert {posts.loc["3", "parent_id"], posts.loc["4", "parent_id"]} == {"1", "3"} or {
        posts.loc["3", "parent_id"], posts.loc["4", "parent_id"]} == {"4", "1"}
    assert posts.loc["5", "parent_id"] == "1"
    messages = [str(i) for i in issues(result, "warning")]
    assert any("row 3" in m and "99" in m and "parent_id" in m for m in messages)
    assert any("cycle" in m for m in messages)
    assert len(posts) == 5


def test_parent_in_another_thread_is_reattached():
    data = CSV + "1,t1,,A,start one\n2,t2,,B,start two\n3,t2,1,C,confused reply\n"
    posts = import_bytes("x.csv", data.encode()).posts.set_index("post_id")
    assert posts.loc["3", "thread_id"] == "t2" and posts.loc["3", "parent_id"] == "2"


def test_empty_bodies_kept_as_placeholders_with_location():
    data = CSV + "1,t,,A,start\n2,t,1,B,\n3,t,2,C,reply to empty\n"
    result = import_bytes("empty.csv", data.encode())
    posts = result.posts.set_index("post_id")
    assert posts.loc["2", "placeholder"] and posts.loc["3", "depth"] == 2
    warning = issues(result, "warning")[0]
    assert (warning.row, warning.field, warning.post_id) == (3, "text", "2")


def test_ragged_rows_reported_by_row_and_valid_rows_kept():
    data = CSV + "1,t,,A,fine\n2,t,1,B,an unquoted, comma,breaks this\n3,t,1,C,also fine\n"
    result = import_bytes("ragged.csv", data.encode())
    assert list(result.posts["post_id"]) == ["1", "3"]
    error = issues(result, "error")[0]
    assert error.row == 3 and "fields" in error.message


def test_missing_text_column_is_a_clear_error():
    with pytest.raises(ImportFormatError) as error:
        import_bytes("nocol.csv", b"id,author\n1,A\n")
    assert "nocol.csv" in str(error.value) and "text column" in str(error.value)


def test_malformed_json_names_line_and_column():
    with pytest.raises(ImportFormatError) as error:
        import_bytes("topic.json", b'{"post_stream": {"posts": [\n{"id": 1,,}]}}')
    assert "line 2" in str(error.value) and "topic.json" in str(error.value)


def test_jsonl_bad_lines_skipped_with_line_numbers():
    data = b'{"id": 1, "text": "ok"}\n{"id": 2, "text": \n{"id": 3, "text": "also ok"}\n'
    result = import_bytes("posts.jsonl", data)
    assert list(result.posts["post_id"]) == ["1", "3"]
    assert issues(result, "error")[0].row == 2


def test_unknown_binary_and_unsupported_formats():
    with pytest.raises(FormatDetectionError, match="Supported"):
        import_bytes("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    with pytest.raises(FormatDetectionError, match="not supported"):
        import_bytes("backup.mbz", b"\x1f\x8b\x08" + b"x" * 100)
    with pytest.raises(ImportFormatError, match="empty"):
        import_bytes("empty.csv", b"   \n")


def test_forced_format_that_does_not_fit(fixtures):
    with pytest.raises(ImportFormatError, match="does not look like a slack export"):
        import_file(fixtures / "moodle" / "forum_export.csv", format="slack")


def test_zip_slip_entries_are_refused_and_reported(fixtures):
    root = fixtures / "slack" / "export"
    entries = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.json")}
    entries["../../evil/2024-03-05.json"] = b"[]"
    entries["/etc/2024-03-05.json"] = b"[]"
    result = import_bytes("slack.zip", zip_bytes(entries))
    slips = [i for i in issues(result, "error") if "zip-slip" in i.message]
    assert len(slips) == 2
    assert len(result.posts) == 9


def test_zip_bomb_refused_before_decompressing():
    bomb = zip_bytes({"general/2024-03-05.json": b"[" + b" " * (50 * 1024 * 1024) + b"]"})
    with pytest.raises(InputLimitError, match="zip bomb"):
        import_bytes("bomb.zip", bomb)
    with pytest.raises(InputLimitError, match="above the"):
        import_bytes("bomb.zip", bomb, limits=Limits(max_archive_bytes=1024 * 1024))


def test_file_size_limit():
    with pytest.raises(InputLimitError, match="limit"):
        import_bytes("big.csv", b"id,text\n" + b"1,x\n" * 1000, limits=Limits(max_file_bytes=100))


def test_deeply_nested_json_refused():
    deep = b"[" * 5000 + b"]" * 5000
    with pytest.raises(InputLimitError):
        import_bytes("deep.json", deep)


def test_slack_day_file_that_is_broken_is_skipped_others_kept(fixtures):
    root = fixtures / "slack" / "export"
    entries = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.json")}
    entries["learn-python/2024-03-07.json"] = b'[{"type": "message", "ts": '
    result = import_bytes("slack.zip", zip_bytes(entries))
    assert len(result.posts) == 9
    error = issues(result, "error")[0]
    assert "2024-03-07.json" in error.file and "malformed JSON" in error.message


def test_canvas_entry_without_id_reported(fixtures):
    view = json.loads((fixtures / "canvas" / "discussion_topic_4410_view.json").read_text())
    view["view"][1]["replies"] = [{"user_id": 57, "message": "<p>no id</p>"}]
    result = import_bytes("view.json", json.dumps(view).encode())
    assert any("without an id" in i.message for i in issues(result, "error"))
    assert len(result.posts) == 7


def test_zip_of_json_that_is_nothing_known():
    data = zip_bytes({"a.json": b'{"hello": 1}'})
    with pytest.raises(FormatDetectionError, match="zip archive not recognised"):
        import_bytes("x.zip", data)
    with pytest.raises(ImportFormatError, match="zip"):
        import_bytes("x.zip", b"PK\x03\x04broken")


def test_xlsx_is_a_zip_but_read_as_a_table(tmp_path):
    import pandas as pd

    path = tmp_path / "t.xlsx"
    pd.DataFrame({"id": [1], "text": ["=HYPERLINK(\"http://x\")"]}).to_excel(path, index=False)
    with zipfile.ZipFile(path) as archive:
        assert "[Content_Types].xml" in archive.namelist()
    assert import_file(path).posts.loc[0, "text"] == '=HYPERLINK("http://x")'
