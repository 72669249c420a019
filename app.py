"""Streamlit entry point: routes to the dashboard pages (``streamlit run app.py``).

Pages live in ``coi/ui/pages`` and only render; the library (``coi``) does the work.
"""

import streamlit as st

st.set_page_config(page_title="coi — Community of Inquiry", page_icon="💬", layout="wide")
pages = st.navigation({
    "Facilitate": [
        st.Page("coi/ui/pages/overview.py", title="Course overview", default=True),
        st.Page("coi/ui/pages/thread.py", title="Thread view"),
        st.Page("coi/ui/pages/report_page.py", title="Export & report"),
    ],
    "Data": [st.Page("coi/ui/pages/import_page.py", title="Import")],
})
pages.run()
