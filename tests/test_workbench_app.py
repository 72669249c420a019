"""The researchers' workbench in the app: two coders, agreement, negotiation, training.

Two coders code the same 50 posts through the Annotate page (every click saved at once); the
Agreement page's figures are checked against an independent computation; disagreements are
negotiated on the Negotiate page; the negotiated set trains a model whose validation report
appears on the Train & validate page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score
from streamlit.testing.v1 import AppTest

from coi import Workspace
from coi.annotation import annotations, assignments, coder_id, projects, wide

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PHASES = ["other", "triggering", "exploration", "integration", "resolution"]
BINARY = ["sp_affective", "sp_interactive", "sp_cohesive", "tp_design", "tp_facilitation",
          "tp_direct", "needs_reply"]


def planned_codes(index: int, coder: str) -> dict[str, object]:
    """Varied codes so every label occurs; coder B disagrees on every 7th phase."""
    phase = PHASES[index % 5]
    if coder == "Ben" and index % 7 == 3:
        phase = PHASES[(index + 1) % 5]
    codes = {"cp_phase": phase}
    for code, (modulus, remainder) in zip(BINARY, [(3, 0), (4, 1), (5, 2), (6, 0), (7, 1),
                                                   (4, 3), (5, 4)], strict=True):
        codes[code] = int(index % modulus == remainder)
    if coder == "Ben" and index % 11 == 5:
        codes["sp_affective"] = 1 - codes["sp_affective"]
    return codes


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbench")
    import os

    os.environ["COI_WORKSPACE"] = str(folder / "ws.sqlite")
    os.environ["COI_MODELS_DIR"] = str(folder / "models")
    app = AppTest.from_file(APP, default_timeout=300).run()
    app.switch_page("coi/ui/pages/projects.py").run()
    app.text_input(key="project_name").input("Pilot")
    app.text_input(key="project_coders").input("Ana, Ben")
    app.number_input(key="project_size").set_value(50)
    app.selectbox(key="project_strategy").select("stratified")
    app.button(key="FormSubmitter:new_project-Create project").click().run()
    assert not app.exception
    yield app, Workspace(folder / "ws.sqlite")
    del os.environ["COI_WORKSPACE"], os.environ["COI_MODELS_DIR"]


def test_two_coders_code_fifty_posts_in_the_app(session):
    app, workspace = session
    project = projects(workspace)[-1]
    app.switch_page("coi/ui/pages/annotate.py").run()
    for coder in ("Ana", "Ben"):
        app.text_input(key="coder_name").input(coder).run()
        order = assignments(workspace, project.id, coder_id(workspace, project.id, coder))
        assert len(order) == 50
        for index, post_id in enumerate(order):
            assert app.selectbox(key=f"annotate_current_{project.id}_"
                                     f"{coder_id(workspace, project.id, coder)}").value == post_id
            codes = planned_codes(index, coder)
            prefix = f"{project.id}_{coder_id(workspace, project.id, coder)}_{post_id}"
            app.radio(key=f"phase_{prefix}").set_value(codes["cp_phase"])
            for code in BINARY:
                if codes[code]:
                    app.toggle(key=f"{code}_{prefix}").set_value(True)
            app.button(key="annotate_done").click().run()
            assert not app.exception
    stored = wide(annotations(workspace, project.id))
    assert len(stored) == 100 and stored.groupby("coder").size().to_dict() == {"Ana": 50,
                                                                               "Ben": 50}


def test_agreement_page_matches_an_independent_computation(session):
    app, workspace = session
    project = projects(workspace)[-1]
    app.switch_page("coi/ui/pages/agreement_page.py").run()
    assert not app.exception
    summary = app.dataframe[0].value.set_index("code")
    table = wide(annotations(workspace, project.id)).pivot(index="post_id", columns="coder",
                                                           values="cp_phase")
    expected = cohen_kappa_score(table["Ana"], table["Ben"])
    assert summary.loc["cp_phase", "Cohen's κ"] == pytest.approx(expected, abs=1e-4)
    assert summary.loc["cp_phase", "posts"] == 50


def test_negotiate_every_disagreement_in_the_app(session):
    app, workspace = session
    app.switch_page("coi/ui/pages/negotiate.py").run()
    for _ in range(40):
        if any("No open disagreements" in s.value for s in app.success):
            break
        form_radio = next(r for r in app.radio if r.key.startswith("negotiate_value_"))
        form_radio.set_value(form_radio.options[-1])
        app.text_input(key=form_radio.key.replace("negotiate_value_", "negotiate_why_")).input(
            "rule B7")
        submit = next(b for b in app.button if b.label == "Record")
        submit.click().run()
        assert not app.exception
    assert any("No open disagreements" in s.value for s in app.success)


def test_negotiated_set_trains_a_model_shown_in_the_app(session):
    app, _ = session
    app.switch_page("coi/ui/pages/train_page.py").run()
    assert "50 posts with complete agreed or negotiated codes" in app.markdown[0].value
    app.button(key="train_go").click().run(timeout=900)
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    headers = [h.value for h in app.subheader]
    assert any(h.startswith("Held-out validation") for h in headers)
    assert "Learning curve" in headers
    assert len(app.dataframe) >= 4
