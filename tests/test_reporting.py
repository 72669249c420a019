"""Coded exports and the HTML report: complete, self-contained, and script-proof."""

from __future__ import annotations

import json
import re

import pandas as pd

from coi import import_bytes
from coi.highlight import post_html
from coi.reporting import coded_export, html_report
from coi.suggestions import suggest


def hostile_discussion():
    csv = ("id,thread,parent,author,role,text\n"
           "1,t,,Mallory,student,\"<script>alert('x')</script> hi <img src=x onerror=alert(1)>\"\n"
           "2,t,1,Bob,instructor,\"=HYPERLINK(\"\"http://evil\"\")\"\n")
    return import_bytes("hostile.csv", csv.encode()).posts


def fake_codes(posts):
    return pd.DataFrame({"post_id": posts["post_id"], "thread_id": posts["thread_id"],
                         "social": 1, "cognitive": 1, "teaching": 0, "sp_affective": 0,
                         "sp_interactive": 1, "sp_cohesive": 0, "tp_design": 0,
                         "tp_facilitation": 0, "tp_direct": 0, "cp_phase": "exploration",
                         "needs_reply": 0.9, "p_cp_exploration": 0.8,
                         "evidence": json.dumps([{"indicator": "SP.cohesive.salutation",
                                                  "code": "SP.cohesive", "text": "hi",
                                                  "start": 0, "end": 2}]), "n_evidence": 1})


def test_post_html_escapes_and_highlights():
    html = post_html("> quoted <b>x</b>\nhi <script>alert(1)</script>",
                     [{"indicator": "SP.cohesive.salutation", "code": "SP.cohesive",
                       "text": "hi", "start": 0, "end": 2}])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark" in html and ">hi</mark>" in html
    assert "<blockquote class='coi-quote'>quoted &lt;b&gt;x&lt;/b&gt;</blockquote>" in html


def test_html_report_is_self_contained_and_safe():
    posts = hostile_discussion()
    coded = fake_codes(posts)
    threads, suggestions = suggest(posts, coded)
    report = html_report("Hostile <course>", posts, coded, threads, suggestions)
    assert "<script" not in report.lower() and "onerror=alert" not in report.replace(
        "onerror=alert(1)&gt;", "")
    assert not re.search(r"(src|href)=['\"]?https?://", report)  # no external requests
    assert "Hostile &lt;course&gt;" in report and "<svg" in report
    assert "Questions or confusion waiting for a reply" in report


def test_coded_export_has_posts_and_codes():
    posts = hostile_discussion()
    table = coded_export(posts, fake_codes(posts))
    assert {"post_id", "author", "text", "cp_phase", "evidence"} <= set(table.columns)
    assert len(table) == 2
