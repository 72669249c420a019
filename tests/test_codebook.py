"""The codebook is data: loading, validation, and extension without editing Python."""

from __future__ import annotations

import tomllib

import pytest

from coi.codebook import default_codebook_path, load_codebook, parse_codebook
from coi.errors import CodebookError


def test_bundled_codebook_ids_and_columns():
    codebook = load_codebook()
    assert codebook.output_columns() == [
        "social", "cognitive", "teaching", "sp_affective", "sp_interactive", "sp_cohesive",
        "tp_design", "tp_facilitation", "tp_direct", "cp_phase", "needs_reply", "activity"]
    indicators = codebook.indicators()
    assert {"SP.cohesive.vocative", "CP.resolution.testing", "TP.design.netiquette",
            "TP.direct.misconception", "SP.affective.humor"} <= set(indicators)
    assert codebook.label_of_indicator("SP.cohesive.vocative").code == "SP.cohesive"
    assert codebook.dimension("cp").ordered
    assert [r for r, _ in codebook.rules] == ["B1", "B2", "B3", "B4", "B5", "B6", "B7"]


def test_adding_a_presence_is_data_only():
    data = tomllib.loads(default_codebook_path().read_text(encoding="utf-8"))
    data["dimensions"].append({
        "id": "lp", "name": "Learning presence", "kind": "multilabel",
        "labels": [{"code": "LP.planning", "name": "Forethought and planning",
                    "column": "lp_planning",
                    "indicators": [{"id": "LP.planning.goal", "name": "Goal setting"}]},
                   {"code": "LP.monitoring", "name": "Monitoring", "column": "lp_monitoring"}]})
    codebook = parse_codebook(data)
    assert codebook.output_columns()[-2:] == ["lp_planning", "lp_monitoring"]
    assert codebook.subset(["presence", "sp"]).output_columns() == [
        "social", "cognitive", "teaching", "sp_affective", "sp_interactive", "sp_cohesive"]
    assert "p_lp_planning" in codebook.probability_columns()
    assert codebook.label_of_indicator("LP.planning.goal").column == "lp_planning"


@pytest.mark.parametrize("mutation, message", [
    (lambda d: d["dimensions"][1]["labels"].append(d["dimensions"][1]["labels"][0]),
     "defined twice"),
    (lambda d: d["dimensions"][0].update(kind="fuzzy"), "kind must be"),
    (lambda d: d["dimensions"][0]["labels"][0].update(implied_by="nope"), "unknown dimension"),
    (lambda d: d["dimensions"][1]["labels"][0].pop("column"), "output 'column'"),
])
def test_invalid_codebooks_are_explained(mutation, message):
    data = tomllib.loads(default_codebook_path().read_text(encoding="utf-8"))
    mutation(data)
    with pytest.raises(CodebookError, match=message):
        parse_codebook(data)
