"""Agreement between a project's coders, with the disagreeing posts one click away."""

import pandas as pd
import streamlit as st

from coi.agreement import agreement, disagreements
from coi.annotation import annotations, wide
from coi.codebook import load_codebook
from coi.errors import CoiError
from coi.pipeline.labels import fill_implied
from coi.ui import state, workbench
from coi.ui.auth import require_lead

require_lead()
discussion, model, project = workbench.project_page("Inter-rater agreement")
table = wide(annotations(state.current_workspace(), project.id))
if table.empty or table["coder"].nunique() < 2:
    st.info("Agreement needs codes from at least two coders.")
    st.stop()
dimensions = [c for c in load_codebook().output_columns() if c in table.columns]
complete = table.dropna(subset=[c for c in dimensions if c != "needs_reply"], how="any")
codes = fill_implied(complete, load_codebook())
dimensions = [c for c in load_codebook().output_columns() if c in codes.columns]
try:
    stats = agreement(codes, dimensions)
except CoiError as error:
    st.warning(str(error))
    st.stop()
summary = pd.DataFrame([{
    "code": name, "posts": s["units"], "% agreement": s["percent_agreement"],
    "Cohen's κ": s["cohen_kappa"], "Krippendorff's α": s["krippendorff_alpha_nominal"],
    "α ordinal": s.get("krippendorff_alpha_ordinal"), "Gwet's AC1": s["gwet_ac1"]}
    for name, s in stats.items()])
st.dataframe(summary, hide_index=True, width="stretch")
st.caption("κ per pair of coders (mean shown); α allows any number of coders and missing "
           "codes; ordinal α for the cognitive phase uses other < triggering < exploration < "
           "integration < resolution. Posts count when at least two coders finished them.")
if "cp_phase" in stats:
    st.subheader("Cognitive phase: confusion between coders")
    for pair, confusion in stats["cp_phase"]["confusion"].items():
        first, second = pair.split("|")
        frame = pd.DataFrame(confusion["matrix"], index=[f"{first}: {v}" for v in
                                                         confusion["labels"]],
                             columns=[f"{second}: {v}" for v in confusion["labels"]])
        st.dataframe(frame, width="stretch")
st.subheader("Disagreements")
disputes = disagreements(codes, dimensions)
st.write(f"{disputes['post_id'].nunique() if len(disputes) else 0} posts with at least one "
         "disagreement.")
if len(disputes):
    picked = st.dataframe(disputes, hide_index=True, width="stretch", on_select="rerun",
                          selection_mode="single-row", key="disputes_table")
    if picked and picked.selection and picked.selection.rows:
        st.session_state["negotiate_post"] = str(disputes.iloc[picked.selection.rows[0]][
            "post_id"])
        st.switch_page("coi/ui/pages/negotiate.py")
