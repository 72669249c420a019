"""Hostile input: fuzzed and mutated exports never crash, hang or write files.

Every importer gets random and mutated CSV/JSON/JSONL/zip/XLSX bytes (Hypothesis). The only
acceptable outcomes are an ImportResult or a CoiError (a clear message); anything else — an
uncaught exception, a hang past the deadline, a file written — fails the test.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coi import CoiError, InputLimitError, import_bytes
from coi.limits import Limits
from tests.conftest import FIXTURES, zip_bytes

LIMITS = Limits(max_file_bytes=2_000_000, max_archive_bytes=5_000_000,
                max_archive_entries=200, max_compression_ratio=50, max_json_depth=50)
FUZZ = settings(max_examples=60, deadline=3000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SEEDS = {name: (FIXTURES / path).read_bytes() for name, path in {
    "moodle.csv": "moodle/forum_export.csv", "moodle.json": "moodle/forum_export.json",
    "view.json": "canvas/discussion_topic_4410_view.json",
    "topics.json": "canvas/course_88_topics.json", "t_877.json": "discourse/t_877.json",
    "posts.csv": "generic/forum_posts.csv", "utterances.jsonl": "generic/utterances.jsonl",
}.items()}


def attempt(name: str, data: bytes) -> None:
    before = set(os.listdir("."))
    with contextlib.suppress(CoiError):
        import_bytes(name, data, limits=LIMITS)
    assert set(os.listdir(".")) == before  # nothing written next to the process


@pytest.fixture(autouse=True)
def in_empty_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@FUZZ
@given(st.sampled_from(sorted(SEEDS)), st.data())
def test_mutated_platform_exports(name, data):
    raw = bytearray(SEEDS[name])
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if action == "flip":
            raw[position] = data.draw(st.integers(0, 255))
        elif action == "delete":
            del raw[position:position + data.draw(st.integers(1, 50))]
        elif action == "insert":
            raw[position:position] = data.draw(st.binary(min_size=1, max_size=40))
        else:
            del raw[position:]
        if not raw:
            raw = bytearray(b"x")
    attempt(name, bytes(raw))


@FUZZ
@given(st.text(max_size=3000), st.sampled_from(["x.csv", "x.tsv", "x.txt", "x.jsonl"]))
def test_random_text(text, name):
    attempt(name, text.encode("utf-8", "surrogatepass"))


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=30),
                    lambda children: st.lists(children, max_size=6)
                    | st.dictionaries(st.sampled_from(
                        ["id", "text", "post_stream", "posts", "view", "participants",
                         "replies", "parent_id", "user_id", "message", "created_at",
                         "reply_to_post_number", "post_number", "discussion", "parent",
                         "topic", "ts", "thread_ts", "deleted", "cooked"]), children,
                        max_size=8), max_leaves=40)


@FUZZ
@given(JSON)
def test_random_json_structures(document):
    attempt("x.json", json.dumps(document).encode())


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(
    ["general/2024-01-01.json", "users.json", "channels.json", "../evil.json", "/abs.json",
     "a/b/c.json", "t_1.json", "x/../../y.json", "C:/win.json", "dir/2024-13-45.json"]),
    st.one_of(JSON.map(lambda d: json.dumps(d).encode()), st.binary(max_size=200))),
    max_size=6))
def test_random_zip_archives(entries):
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():  # duplicate entry names are part of the hostile input
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in entries:
                archive.writestr(name, content)
    attempt("export.zip", buffer.getvalue())


def test_zip_bomb_and_entry_flood_refused():
    bomb = zip_bytes({"general/2024-03-05.json": b"[" + b" " * (30 * 1024 * 1024) + b"]"})
    with pytest.raises(InputLimitError):
        import_bytes("bomb.zip", bomb, limits=LIMITS)
    flood = zip_bytes({f"general/2024-01-{i % 28 + 1:02d}-{i}.json": b"[]" for i in range(500)})
    with pytest.raises(InputLimitError, match="entries"):
        import_bytes("flood.zip", flood, limits=LIMITS)


def billion_laughs_workbook() -> bytes:
    """A real .xlsx whose worksheet XML declares nested entities (10^9 'lol's if expanded)."""
    import openpyxl

    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["id", "text"])
    book.active.append([1, "hello"])
    book.save(buffer)
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10))
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode()
                           + content.replace(b"<t>hello</t>", b"<t>&lol9;</t>"))
            archive.writestr(item, content)
    return out.getvalue()


def test_billion_laughs_in_an_xlsx_is_refused_quickly():
    import time

    start = time.perf_counter()
    with pytest.raises(CoiError, match="entit"):
        import_bytes("laughs.xlsx", billion_laughs_workbook(), limits=LIMITS)
    assert time.perf_counter() - start < 5


def test_oversized_upload_refused_before_parsing():
    with pytest.raises(InputLimitError, match="limit"):
        import_bytes("huge.csv", b"id,text\n" + b"1,x\n" * 600_000, limits=LIMITS)


def test_nothing_escapes_the_archive(tmp_path):
    entries = {"../../../../tmp/coi_pwned.json": b"[]", "general/2024-01-01.json": b"[]",
               "users.json": b"[]"}
    with contextlib.suppress(CoiError):
        import_bytes("slip.zip", zip_bytes(entries), limits=LIMITS)
    assert not Path("/tmp/coi_pwned.json").exists()
