"""Import a discussion export into the workspace, with its import report."""

import streamlit as st

from coi.errors import CoiError
from coi.importers import FORMATS, import_bytes
from coi.privacy import Pseudonymizer, default_key_file
from coi.ui import state

st.title("Import a discussion export")
st.write("Formats: " + "; ".join(f"**{k}** — {v}" for k, v in FORMATS.items()))
upload = st.file_uploader("Export file", type=["csv", "tsv", "txt", "json", "jsonl", "ndjson",
                                                "xlsx", "zip"], key="upload")
format = st.selectbox("Format", ["detect automatically", *FORMATS], key="upload_format")
pseudonymize = st.checkbox("Pseudonymize names (also inside posts)", key="upload_pseudo")
if upload is not None and st.button("Import", key="upload_go"):
    try:
        workspace = state.current_workspace()
        pseudonymizer = (Pseudonymizer(key_file=default_key_file(workspace.url))
                         if pseudonymize else None)
        result = import_bytes(upload.name, upload.getvalue(),
                              None if format == "detect automatically" else format,
                              pseudonymizer=pseudonymizer)
        stored = workspace.add(result, pseudonymized=pseudonymize)
    except CoiError as error:
        st.error(str(error))
    else:
        st.success(result.report.summary())
        st.session_state[state.SELECTED] = stored.id
        for issue in result.report.issues:
            st.write(f"- {issue}")
