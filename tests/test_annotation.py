"""Human codes in a real SQLite workspace: per-click saves, coders apart, corrections applied."""

from __future__ import annotations

import pandas as pd
import pytest

from coi import import_file
from coi.annotation import (
    annotations,
    apply_corrections,
    coder_id,
    corrections_project,
    create_project,
    notes,
    set_code,
    set_note,
    wide,
)
from coi.errors import CoiError


@pytest.fixture
def stored(workspace, fixtures):
    return workspace.add(import_file(fixtures / "moodle" / "forum_export.csv"))


def test_codes_saved_per_click_and_coders_do_not_overwrite(workspace, stored):
    project = create_project(workspace, stored.id, "pilot")
    ana, ben = coder_id(workspace, project.id, "Ana"), coder_id(workspace, project.id, "Ben")
    set_code(workspace, project.id, ana, "2104", "cp_phase", "triggering")
    set_code(workspace, project.id, ben, "2104", "cp_phase", "exploration")
    set_code(workspace, project.id, ana, "2104", "cp_phase", "exploration")  # changes her mind
    set_code(workspace, project.id, ana, "2104", "sp_affective", True)
    table = wide(annotations(workspace, project.id))
    assert table.set_index("coder").loc["Ana", "cp_phase"] == "exploration"
    assert table.set_index("coder").loc["Ben", "cp_phase"] == "exploration"
    assert table.set_index("coder").loc["Ana", "sp_affective"] == "1"
    with pytest.raises(CoiError, match="already has a project"):
        create_project(workspace, stored.id, "pilot")


def test_notes_memo_flag_skip(workspace, stored):
    project = create_project(workspace, stored.id, "pilot")
    ana = coder_id(workspace, project.id, "Ana")
    set_note(workspace, project.id, ana, "2107", memo="quotes Tomás")
    set_note(workspace, project.id, ana, "2107", flagged=True)
    row = notes(workspace, project.id).iloc[0]
    assert row["memo"] == "quotes Tomás" and row["flagged"] and not row["skipped"]


def test_corrections_override_model_codes(workspace, stored):
    project = corrections_project(workspace, stored.id)
    assert corrections_project(workspace, stored.id).id == project.id
    facilitator = coder_id(workspace, project.id, "facilitator")
    set_code(workspace, project.id, facilitator, "2104", "cp_phase", "integration")
    set_code(workspace, project.id, facilitator, "2104", "tp_direct", 1)
    coded = pd.DataFrame({"post_id": ["2101", "2104"], "cp_phase": ["triggering", "other"],
                          "tp_direct": [0, 0]})
    fixed = apply_corrections(coded, annotations(workspace, project.id)).set_index("post_id")
    assert fixed.loc["2104", "cp_phase"] == "integration" and fixed.loc["2104", "tp_direct"] == 1
    assert fixed.loc["2104", "corrected"] == "cp_phase,tp_direct"
    assert fixed.loc["2101", "corrected"] == ""


def test_sampling_strategies(fixtures):
    from coi.annotation import sample_posts

    posts = import_file(fixtures / "moodle" / "forum_export.csv").posts
    random = sample_posts(posts, 4, strategy="random", seed=1)
    assert len(set(random)) == 4 and "2112" not in random  # placeholders are never sampled
    stratified = sample_posts(posts, 2, strategy="stratified", seed=1)
    threads = posts.set_index("post_id").loc[stratified, "thread_id"]
    assert set(threads) == {"301", "302"}  # one post from each thread
    coded = pd.DataFrame({"post_id": ["2101", "2104"], "p_cp_other": [0.9, 0.4],
                          "p_cp_triggering": [0.1, 0.45], "p_sp_affective": [0.1, 0.5]})
    assert sample_posts(posts, 1, strategy="uncertain", coded=coded) == ["2104"]


def test_assignments_progress_and_next_post(workspace, stored):
    from coi.annotation import assign, next_post, progress

    project = create_project(workspace, stored.id, "pilot")
    assign(workspace, project.id, ["Ana", "Ben"], ["2101", "2104", "2107"])
    ana = coder_id(workspace, project.id, "Ana")
    assert next_post(workspace, project.id, ana) == "2101"
    set_note(workspace, project.id, ana, "2101", done=True)
    set_note(workspace, project.id, ana, "2104", skipped=True)
    assert next_post(workspace, project.id, ana) == "2107"
    table = progress(workspace, project.id).set_index("coder")
    assert table.loc["Ana"].to_dict() == {"assigned": 3, "done": 1, "skipped": 1,
                                          "flagged": 0, "remaining": 1}
    assert table.loc["Ben", "remaining"] == 3


def test_negotiation_settles_disputes(workspace, stored):
    from coi.annotation import final_codes, open_disputes, set_negotiated

    project = create_project(workspace, stored.id, "pilot")
    ana, ben = coder_id(workspace, project.id, "Ana"), coder_id(workspace, project.id, "Ben")
    for coder, phase in ((ana, "exploration"), (ben, "integration")):
        set_code(workspace, project.id, coder, "2104", "cp_phase", phase)
        set_code(workspace, project.id, coder, "2104", "sp_cohesive", 1)
    disputes = open_disputes(workspace, project.id)
    assert disputes[["post_id", "dimension", "Ana", "Ben"]].values.tolist() == [
        ["2104", "cp_phase", "exploration", "integration"]]
    set_negotiated(workspace, project.id, "2104", "cp_phase", "integration",
                   "substantiated agreement with Tomás (B7)")
    assert open_disputes(workspace, project.id).empty
    final = final_codes(workspace, project.id).set_index("post_id")
    assert final.loc["2104", "cp_phase"] == "integration"
    assert final.loc["2104", "sp_cohesive"] == "1"
