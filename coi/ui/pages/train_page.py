"""Train and validate a model from the project's negotiated codes; the learning curve."""

import json
import re

import pandas as pd
import streamlit as st

from coi.annotation import final_codes
from coi.errors import CoiError
from coi.pipeline.build import models_dir
from coi.ui import state, workbench
from coi.ui.auth import require_lead
from coi.validation import labelled_posts, validate_codes

require_lead()
discussion, model, project = workbench.project_page("Train & validate a model")
workspace = state.current_workspace()
posts = state.posts(state.location(), discussion.id)
final = final_codes(workspace, project.id)
try:
    usable = labelled_posts(posts, final) if not final.empty else final
except CoiError as error:
    st.warning(str(error))
    st.stop()
st.write(f"{len(usable)} posts with complete agreed or negotiated codes in '{project.name}'.")
slug = re.sub(r"[^a-z0-9]+", "-", project.name.lower()).strip("-") or "project"
target = models_dir() / f"{slug}-{project.id}"
held_out = st.slider("Share of coded threads held out for validation", 0.1, 0.5, 0.25, 0.05,
                     key="train_held_out")
report_path = target / "validation.json"
if st.button("Train and validate", type="primary", key="train_go"):
    with st.spinner("Training (cross-fitted), validating and drawing the learning curve… "
                    "this takes a few minutes"):
        try:
            report = validate_codes(posts, final, target, held_out=held_out)
        except CoiError as error:
            st.error(str(error))
            st.stop()
        report_path.write_text(json.dumps(report, indent=2, default=str))
if report_path.exists():
    report = json.loads(report_path.read_text())
    st.success(f"Model saved to {target}; choose it in the sidebar's model list.")
    st.subheader(f"Held-out validation ({report['held_out_posts']} posts)")
    st.dataframe(pd.DataFrame(report["dimensions"]).T, width="stretch")
    st.dataframe(pd.DataFrame(report["labels"]).T, width="stretch")
    confusion = report["confusion"]["cp_phase"]
    st.dataframe(pd.DataFrame(confusion["matrix"], index=confusion["labels"],
                              columns=confusion["labels"]), width="stretch")
    st.subheader("Does it generalise? Cohen's κ with Shaffer's ρ (threshold κ 0.65)")
    st.dataframe(pd.DataFrame(report["shaffer_rho"]).T, width="stretch")
    st.caption("ρ < 0.05 means a κ this high on this sample would be unlikely if the true κ "
               "on the whole data set were below 0.65 (Shaffer 2017).")
    st.subheader("Learning curve")
    curve = pd.DataFrame([p for p in report["learning_curve"] if "error" not in p])
    if len(curve):
        st.line_chart(curve.set_index("posts")[["kappa_cp_phase", "mean_presence_f1"]])
        st.caption("If the curve still rises at the right, coding more posts should help.")
