"""Exports for review meetings: coded posts (CSV/XLSX) and a self-contained HTML report."""

import streamlit as st

from coi.exporting import table_bytes
from coi.reporting import coded_export, html_report
from coi.ui import components, state

discussion, model = state.sidebar()
st.title("Export for review meetings")
posts = state.posts(state.location(), discussion.id)
coded = state.coded(discussion.id, model)
threads, suggestions = state.analysed(posts, coded, components.threshold_overrides())

table = coded_export(posts, coded)
st.write(f"{len(table)} coded posts, one row per post: the canonical columns, the codes, "
         "their probabilities and the evidence. Cells a spreadsheet would run as formulas "
         "are neutralised.")
left, right, third = st.columns(3)
name = discussion.name.replace(" ", "_").replace(":", "")[:60]
left.download_button("Coded posts (CSV)", table_bytes(table, "csv"), f"{name}_coded.csv",
                     "text/csv", key="download_csv")
right.download_button("Coded posts (XLSX)", table_bytes(table, "xlsx"), f"{name}_coded.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key="download_xlsx")
report = html_report(discussion.name, posts, coded, threads, suggestions)
third.download_button("Report (HTML)", report.encode("utf-8"), f"{name}_report.html",
                      "text/html", key="download_html")
st.caption("The HTML report is one self-contained file (inline styles and SVG charts, no "
           "external requests): open it in any browser, print it to PDF if needed.")
