"""Negotiation: walk the disagreements, see each coder's code and memo, record the outcome."""

import streamlit as st

from coi.agreement import agreement
from coi.annotation import coders_table, final_codes, open_disputes, set_negotiated
from coi.highlight import post_html
from coi.text import escape
from coi.ui import state, workbench
from coi.ui.auth import require_lead

require_lead()
discussion, model, project = workbench.project_page(
    "Negotiate disagreements",
    "Coders discuss each disagreement and record the agreed code (negotiated coding, "
    "Garrison et al. 2006). Coders' codes are shown here, so open this page only when "
    "independent coding is finished.")
workspace = state.current_workspace()
disputes = open_disputes(workspace, project.id)
coded = coders_table(workspace, project.id)
if coded.empty:
    st.info("Nothing coded yet.")
    st.stop()
final = final_codes(workspace, project.id)
columns = [c for c in coded.columns if c not in {"post_id", "coder", "memo"}]
before = agreement(coded[["post_id", "coder", *columns]].dropna(subset=columns, how="all"),
                   columns) if coded["coder"].nunique() > 1 else {}
settled = final.dropna(subset=[c for c in columns if c in final.columns])
st.write(f"Agreement before negotiation (mean Cohen's κ over codes): "
         f"{sum(s['cohen_kappa'] for s in before.values()) / max(len(before), 1):.3f}; "
         f"after negotiation: {len(settled)} of {len(final)} posts fully settled "
         f"({len(disputes)} disputes open).")
if disputes.empty:
    st.success("No open disagreements.")
    st.stop()
posts = state.posts(state.location(), discussion.id).set_index("post_id")
queue = list(dict.fromkeys(disputes["post_id"]))
if st.session_state.get("negotiate_post") not in queue:
    st.session_state["negotiate_post"] = queue[0]
post_id = st.selectbox("Disputed post", queue, key="negotiate_post")
post = posts.loc[post_id]
st.markdown(f"**{escape(str(post['author']))}** ({post['role']}) · `{post_id}`",
            unsafe_allow_html=True)
st.markdown(post_html(str(post["text"])), unsafe_allow_html=True)
mine = coded[coded["post_id"] == post_id]
for row in mine.itertuples():
    st.caption(f"{row.coder}'s memo: {getattr(row, 'memo', '') or '—'}")
for dispute in disputes[disputes["post_id"] == post_id].to_dict("records"):
    code = dispute["dimension"]
    values = sorted({str(v) for k, v in dispute.items() if k not in {"post_id", "dimension"}
                     and v == v and v is not None})
    with st.form(key=f"negotiate_{post_id}_{code}"):
        st.markdown(f"**{code}**: " + ", ".join(
            f"{k} → `{v}`" for k, v in dispute.items() if k not in {"post_id", "dimension"}))
        value = st.radio("Negotiated code", values, horizontal=True,
                         key=f"negotiate_value_{post_id}_{code}")
        rationale = st.text_input("Rationale (rule of the codebook)",
                                  key=f"negotiate_why_{post_id}_{code}")
        if st.form_submit_button("Record"):
            set_negotiated(workspace, project.id, post_id, code, value, rationale)
            st.rerun()
