"""Streamlit entry point: routes to the dashboard pages (``streamlit run app.py``)."""

import streamlit as st

st.set_page_config(page_title="coi — Community of Inquiry", layout="wide")
pages = st.navigation([
    st.Page("coi/ui/pages/overview.py", title="Course overview", default=True),
    st.Page("coi/ui/pages/import_page.py", title="Import"),
])
pages.run()
