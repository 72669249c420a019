"""Exports for the field: codes tables, ENA table, REFI-QDA codebook and project; import back."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from coi import import_file
from coi.annotation import create_project, final_codes
from coi.exchange import (
    CODEBOOK_NS,
    PROJECT_NS,
    codebook_xml,
    codes_table,
    ena_table,
    import_codes,
    read_codes,
    write_qdc,
    write_qdpx,
)

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{12}$")
P = f"{{{PROJECT_NS}}}"


@pytest.fixture
def discussion(fixtures):
    return import_file(fixtures / "moodle" / "forum_export.csv").posts


@pytest.fixture
def two_coders(discussion):
    rows = []
    for coder, phase in (("Ana", "exploration"), ("Ben", "integration")):
        for post_id in discussion.loc[~discussion["placeholder"], "post_id"]:
            rows.append({"post_id": post_id, "coder": coder, "cp_phase": phase,
                         "sp_affective": 1 if coder == "Ana" else 0, "sp_interactive": 1,
                         "sp_cohesive": 0, "tp_design": 0, "tp_facilitation": 0,
                         "tp_direct": 1 if post_id == "2101" else 0})
    return pd.DataFrame(rows)


def test_codes_table_and_round_trip_into_a_project(workspace, fixtures, discussion, two_coders,
                                                   tmp_path):
    table = codes_table(discussion, two_coders)
    assert list(table.columns[:3]) == ["post_id", "coder", "thread_id"]
    path = tmp_path / "codes.csv"
    table.to_csv(path, index=False)
    stored = workspace.add(import_file(fixtures / "moodle" / "forum_export.csv"))
    project = create_project(workspace, stored.id, "reimport")
    assert import_codes(workspace, project.id, read_codes(path)) == len(two_coders) * 7
    final = final_codes(workspace, project.id).set_index("post_id")
    assert final.loc["2104", "sp_interactive"] == "1"
    assert pd.isna(final.loc["2104", "cp_phase"])  # disputed, not negotiated yet


def test_ena_table_shape(discussion, two_coders):
    table = ena_table(discussion, two_coders[two_coders["coder"] == "Ana"])
    codes = ["SP_affective", "SP_interactive", "SP_cohesive", "TP_design", "TP_facilitation",
             "TP_direct", "CP_triggering", "CP_exploration", "CP_integration", "CP_resolution"]
    assert list(table.columns[:8]) == ["UserName", "Role", "Forum", "Conversation", "Line",
                                       "PostID", "Time", "Text"]
    assert list(table.columns[8:]) == codes
    assert table[codes].isin([0, 1]).all().all() and not table.isna().any().any()
    for _, conversation in table.groupby("Conversation"):
        assert conversation["Line"].is_monotonic_increasing
    assert table["CP_exploration"].sum() == len(table)


def check_codes(element, guids, namespace):
    for code in element.iter(f"{{{namespace}}}Code"):
        assert GUID.match(code.get("guid")) and code.get("name")
        assert code.get("isCodable") in {"true", "false"}
        assert code.get("guid") not in guids
        guids.add(code.get("guid"))


def test_refi_qda_codebook():
    root = ET.fromstring(codebook_xml())
    assert root.tag == f"{{{CODEBOOK_NS}}}CodeBook"
    assert [child.tag for child in root] == [f"{{{CODEBOOK_NS}}}Codes"]
    guids: set[str] = set()
    check_codes(root, guids, CODEBOOK_NS)
    names = {c.get("name").split()[0] for c in root.iter(f"{{{CODEBOOK_NS}}}Code")}
    assert {"SP.affective", "TP.direct", "CP.integration"} <= names


def test_refi_qda_project_one_user_per_coder(tmp_path, discussion, two_coders):
    path = write_qdpx(tmp_path / "course.qdpx", discussion, two_coders, "Week 3 forum")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = ET.fromstring(archive.read("project.qde"))
        texts = {n: archive.read(n).decode() for n in names if n.startswith("Sources/")}
    assert root.tag == f"{P}Project" and root.get("name") == "Week 3 forum"
    order = [child.tag.removeprefix(P) for child in root]
    assert order == ["Users", "CodeBook", "Sources"]
    users = {u.get("name"): u.get("guid") for u in root.iter(f"{P}User")}
    assert set(users) == {"Ana", "Ben"}
    code_guids: set[str] = set()
    check_codes(root, code_guids, PROJECT_NS)
    sources = list(root.iter(f"{P}TextSource"))
    assert len(sources) == 2 and len(texts) == 2
    for source in sources:
        text = texts[f"Sources/{source.get('guid')}.txt"]
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
        for selection in source.iter(f"{P}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
            for coding in selection.iter(f"{P}Coding"):
                assert coding.get("creatingUser") in users.values()
                ref = coding.find(f"{P}CodeRef")
                assert ref.get("targetGUID") in code_guids
    first = next(s for s in root.iter(f"{P}PlainTextSelection") if s.get("name") == "post 2101")
    coders = {c.get("creatingUser") for c in first.iter(f"{P}Coding")}
    assert coders == set(users.values())


def test_cli_import_codes(tmp_path, fixtures, two_coders, discussion, capsys):
    from coi.cli import main

    ws = str(tmp_path / "ws.sqlite")
    assert main(["import", str(fixtures / "moodle" / "forum_export.csv"), "--workspace", ws,
                 "--quiet"]) == 0
    path = tmp_path / "codes.jsonl"
    codes_table(discussion, two_coders).to_json(path, orient="records", lines=True,
                                                date_format="iso")
    assert main(["import-codes", str(path), "--project", "Pilot", "--workspace", ws]) == 0
    assert "stored 112 codes in project 'Pilot'" in capsys.readouterr().out
    foreign = tmp_path / "foreign.csv"
    pd.DataFrame({"post_id": ["x1"], "cp_phase": ["other"]}).to_csv(foreign, index=False)
    assert main(["import-codes", str(foreign), "--project", "Pilot", "--workspace", ws]) == 2
    assert "not in discussion" in capsys.readouterr().err


def test_qdpx_against_the_official_schema_when_available(tmp_path, discussion, two_coders):
    """The REFI-QDA consortium publishes the XSDs (qdasoftware.org); they are not bundled here.
    Point COI_REFI_QDA_XSD at Project-mrt2019.xsd (and COI_REFI_QDA_CODEBOOK_XSD at
    Codebook.xsd) to validate against them."""
    import os

    schema_path = os.environ.get("COI_REFI_QDA_XSD")
    if not schema_path:
        pytest.skip("COI_REFI_QDA_XSD not set (official REFI-QDA schema not bundled)")
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(schema_path)
    path = write_qdpx(tmp_path / "course.qdpx", discussion, two_coders, "Week 3 forum")
    with zipfile.ZipFile(path) as archive:
        project = archive.read("project.qde").decode()
    schema.validate(project)
    assert not schema.is_valid(project.replace('isCodable="true"', 'isCodable="yes"', 1))
    codebook_schema = os.environ.get("COI_REFI_QDA_CODEBOOK_XSD")
    if codebook_schema:
        xmlschema.XMLSchema(codebook_schema).validate(
            write_qdc(tmp_path / "coi.qdc").read_text(encoding="utf-8"))


def test_ena_table_loads_into_an_ena_implementation():
    """pyena reproduces rENA's accumulation and projection exactly (its own validation); the
    table must load with only a column mapping, and the network must show what the codes say:
    instructors connect teaching-presence codes more than students do."""
    pyena = pytest.importorskip("pyena")
    from pyena.core.adjacency import get_rena_pair_order

    from coi import corpus

    posts = corpus.load("test")
    negotiated = corpus.codes()
    table = ena_table(posts, negotiated[negotiated["coder"] == "negotiated"])
    codes = [c for c in table.columns if c.startswith(("SP_", "TP_", "CP_"))]
    data = table.rename(columns={"UserName": "unit", "Conversation": "conversation",
                                 "Line": "turn", "Role": "group"})
    data = data[data["group"].isin(["instructor", "student"])]
    ena = pyena.ENA(codes=codes, unit_col="unit", conversation_col="conversation",
                    group_col="group", window_size=4, rotation="means",
                    mr_groups=("instructor", "student"))
    ena.fit(data)
    assert ena.coords_.shape == (data["unit"].nunique(), 2)
    assert np.isfinite(ena.coords_).all()
    pairs = get_rena_pair_order(codes)
    teaching = [i for i, pair in enumerate(pairs) if any(c.startswith("TP_") for c in pair)]
    groups = np.array(ena.group_ids_)
    weight = ena.av_normalized_[:, teaching].sum(axis=1)
    assert weight[groups == "instructor"].mean() > 2 * weight[groups == "student"].mean()
