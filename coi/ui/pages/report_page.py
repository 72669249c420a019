"""Exports for review meetings: coded posts (CSV/XLSX) and a self-contained HTML report."""

import streamlit as st

from coi.ui import components, state

discussion, model = state.sidebar()
st.title("Export for review meetings")
overrides = components.threshold_overrides()
st.write("Coded posts, one row per post: the canonical columns, the codes, their "
         "probabilities and the evidence (cells a spreadsheet would run as formulas are "
         "neutralised); and one self-contained HTML report (inline styles and SVG charts, no "
         "external requests) to open in any browser or print to PDF.")
name = discussion.name.replace(" ", "_").replace(":", "")[:60]
if st.button("Prepare exports", key="prepare_exports") or st.session_state.get(
        "exports_for") == (discussion.id, model):
    st.session_state["exports_for"] = (discussion.id, model)
    exports = state.exports(discussion.id, model, discussion.name, overrides)
    left, middle, right = st.columns(3)
    left.download_button("Coded posts (CSV)", exports["csv"], f"{name}_coded.csv", "text/csv",
                         key="download_csv")
    middle.download_button("Coded posts (XLSX)", exports["xlsx"], f"{name}_coded.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="download_xlsx")
    right.download_button("Report (HTML)", exports["html"], f"{name}_report.html",
                          "text/html", key="download_html")
