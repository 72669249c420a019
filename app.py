"""Streamlit entry point: routes to the dashboard pages (``streamlit run app.py``).

Pages live in ``coi/ui/pages`` and only render; the library (``coi``) does the work.
"""

import streamlit as st

from coi.ui.auth import USER, require_user

st.set_page_config(page_title="coi — Community of Inquiry", page_icon="💬", layout="wide")
user = require_user()
st.session_state.setdefault(USER, {"name": user.name, "role": user.role,
                                   "projects": user.projects, "email": user.email})
if not user.is_lead:  # coders: their own coding work only
    st.navigation([st.Page("coi/ui/pages/annotate.py", title="Annotate")]).run()
    st.stop()
pages = st.navigation({
    "Facilitate": [
        st.Page("coi/ui/pages/overview.py", title="Course overview", default=True),
        st.Page("coi/ui/pages/thread.py", title="Thread view"),
        st.Page("coi/ui/pages/social_page.py", title="Social learning"),
        st.Page("coi/ui/pages/report_page.py", title="Export & report"),
    ],
    "Research": [
        st.Page("coi/ui/pages/projects.py", title="Coding projects"),
        st.Page("coi/ui/pages/annotate.py", title="Annotate"),
        st.Page("coi/ui/pages/agreement_page.py", title="Agreement"),
        st.Page("coi/ui/pages/negotiate.py", title="Negotiate"),
        st.Page("coi/ui/pages/train_page.py", title="Train & validate"),
    ],
    "Data": [st.Page("coi/ui/pages/import_page.py", title="Import")],
})
pages.run()
