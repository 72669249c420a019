"""The CoI pipeline: evidence, training, save/reload, the coding schema, evaluation."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import spacy

from coi import corpus, import_file
from coi.codebook import load_codebook
from coi.pipeline import code, evidence_pipeline, load_model, output_columns
from coi.pipeline.evaluation import evaluate, format_report

SCHEMA = ["post_id", "thread_id", "social", "cognitive", "teaching", "sp_affective",
          "sp_interactive", "sp_cohesive", "tp_design", "tp_facilitation", "tp_direct",
          "cp_phase", "needs_reply"]


def spans(text: str, context: dict | None = None) -> set[tuple[str, str]]:
    nlp = evidence_pipeline()
    doc = nlp.make_doc(text)
    doc._.coi_context = context or {}
    doc = nlp(doc)
    return {(span.label_, span.text) for span in doc.spans["coi_evidence"]}


def test_indicator_patterns_mark_evidence():
    found = spans("Hi all! Building on Ana's point, we tried it on my ward last night and "
                  "7 out of 9 improved 😊 (see Smith et al. 2019). @ben, what do you think?")
    for expected in [("SP.cohesive.salutation", "Hi all"),
                     ("CP.integration.convergence", "Building on"),
                     ("SP.interactive.referring", "Ana's point"),
                     ("SP.affective.emotion", "😊"),
                     ("CP.resolution.testing", "7 out of 9"),
                     ("TP.direct.injecting_knowledge", "Smith et al."),
                     ("SP.cohesive.vocative", "@ben"),
                     ("TP.facilitation.drawing_in", "what do you think")]:
        assert expected in found, expected


def test_structural_evidence_from_thread_context():
    found = spans("Tomas, that is a fair point.", {"parent_id": "p1", "quoted": "earlier words",
                                                   "name_hashes": _hashes(["Tomas"])})
    assert ("SP.cohesive.vocative", "Tomas") in found
    nlp = evidence_pipeline()
    doc = nlp.make_doc("ok")
    doc._.coi_context = {"parent_id": "p1", "quoted": "earlier words"}
    structural = {item["indicator"] for item in nlp(doc)._.coi_structural}
    assert structural == {"SP.interactive.continuing_thread", "SP.interactive.quoting"}


def _hashes(names):
    from coi.pipeline.context import name_hashes

    return name_hashes(names)


def test_trained_model_saves_reloads_and_predicts_the_same(tiny_model, fixtures):
    discussion = import_file(fixtures / "moodle" / "forum_export.csv").posts
    first = code(discussion, model=load_model(tiny_model))
    reloaded = spacy.load(tiny_model / "pipeline")
    again = code(discussion, model=reloaded)
    pd.testing.assert_frame_equal(first, again)
    assert (tiny_model / "training.json").exists()
    assert (tiny_model / "configs" / "coi_textcat_cp.cfg").read_text().startswith("\n[paths]")


def test_coded_output_schema_and_evidence(tiny_model, fixtures):
    discussion = import_file(fixtures / "discourse" / "t_877.json")
    coded = code(discussion, model=tiny_model)
    assert list(coded.columns[:len(SCHEMA)]) == SCHEMA
    assert list(coded.columns) == output_columns(load_codebook())  # incl. activity type
    assert len(coded) == int((~discussion.posts["placeholder"]).sum())
    assert set(coded["cp_phase"]) <= {"other", "triggering", "exploration", "integration",
                                      "resolution"}
    assert coded["needs_reply"].between(0, 1).all()
    probabilities = coded[[c for c in coded.columns if c.startswith("p_cp_")]].sum(axis=1)
    assert probabilities.round(6).eq(1).all()
    for evidence, count in zip(coded["evidence"], coded["n_evidence"], strict=True):
        items = json.loads(evidence)
        assert len(items) == count
        for item in items:
            assert {"indicator", "code", "text", "start", "end"} <= set(item)
    # presences are coherent with their categories (rule B5)
    sp = coded[["sp_affective", "sp_interactive", "sp_cohesive"]].max(axis=1)
    assert (coded["social"] == sp).all()
    tp = coded[["tp_design", "tp_facilitation", "tp_direct"]].max(axis=1)
    assert (coded["teaching"] == tp).all()
    assert (coded["cognitive"] == (coded["cp_phase"] != "other")).all()


def test_evidence_offsets_point_into_own_words(tiny_model, fixtures):
    from coi.text import own_words

    discussion = import_file(fixtures / "moodle" / "forum_export.csv").posts
    coded = code(discussion, model=tiny_model).set_index("post_id")
    texts = discussion.set_index("post_id")["text"]
    for post_id, evidence in coded["evidence"].items():
        own = own_words(texts[post_id]).replace("\u2019", "'")
        for item in json.loads(evidence):
            if item["start"] is not None:
                assert own[item["start"]:item["end"]] == item["text"]


def test_evaluation_report(tiny_model):
    report = evaluate(tiny_model, corpus.load("test").head(120))
    assert report["posts"] == 120
    assert {"cp_phase", "social", "teaching", "needs_reply"} <= set(report["dimensions"])
    matrix = report["confusion"]["cp_phase"]["matrix"]
    assert sum(map(sum, matrix)) == 120
    assert -1 <= report["dimensions"]["cp_phase"]["kappa"] <= 1
    assert "confusion matrix for cp_phase" in format_report(report)


def test_missing_model_is_a_clear_error(tmp_path):
    from coi.errors import ModelError

    with pytest.raises(ModelError, match="coi train"):
        load_model(tmp_path / "nothing")


def test_parallel_coding_gives_the_same_codes(tiny_model, monkeypatch):
    import numpy as np

    import coi.pipeline.coding as coding

    posts = corpus.load("test")
    single = code(posts, model=tiny_model)
    monkeypatch.setattr(coding, "PARALLEL_MINIMUM", 0)
    parallel = code(posts, model=tiny_model, n_process=2)
    probabilities = [c for c in single.columns if c.startswith("p_") or c == "needs_reply"]
    decisions = [c for c in single.columns if c not in probabilities]
    pd.testing.assert_frame_equal(single[decisions], parallel[decisions])
    assert np.allclose(single[probabilities].to_numpy(float),
                       parallel[probabilities].to_numpy(float), rtol=0, atol=1e-9)


def test_annotation_export_is_accepted_as_training_data(fixtures):
    from coi.exchange import codes_table
    from coi.pipeline.labels import coded_dimensions, read_labelled

    posts = import_file(fixtures / "moodle" / "forum_export.csv").posts
    real = posts[~posts["placeholder"]]
    final = pd.DataFrame({"post_id": real["post_id"], "cp_phase": "exploration",
                          "sp_affective": 0, "sp_interactive": 1, "sp_cohesive": 0,
                          "tp_design": 0, "tp_facilitation": 0, "tp_direct": 0,
                          "needs_reply": 0})
    table = codes_table(posts, final)
    codebook = coded_dimensions(table, load_codebook())
    assert "activity" not in [d.id for d in codebook.dimensions]  # not coded: not trained
    labelled = read_labelled(table, codebook)
    assert len(labelled) == len(real) and (labelled["social"] == 1).all()
    assert (labelled["depth"] == real.set_index("post_id").loc[labelled["post_id"], "depth"]
            .to_numpy()).all()
