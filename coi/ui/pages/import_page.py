"""Import a discussion export into the workspace, with its import report."""

import streamlit as st

from coi.errors import CoiError
from coi.importers import FORMATS, import_bytes, read_roles_bytes
from coi.privacy import Pseudonymizer, default_key_file
from coi.ui import state

st.title("Import a discussion export")
st.write("Formats: " + "; ".join(f"**{k}** — {v}" for k, v in FORMATS.items()))
upload = st.file_uploader("Export file", type=["csv", "tsv", "txt", "json", "jsonl", "ndjson",
                                                "xlsx", "zip"], key="upload")
format = st.selectbox("Format", ["detect automatically", *FORMATS], key="upload_format")
roles_upload = st.file_uploader(
    "Roles file (optional): a CSV/XLSX with columns user, role (instructor, facilitator, "
    "student) — needed for Slack/Teams and for exports that carry no roles",
    type=["csv", "tsv", "txt", "xlsx"], key="upload_roles")
pseudonymize = st.checkbox("Pseudonymize names (also inside posts)", key="upload_pseudo")
group_minutes = st.number_input(
    "Chat channels without reply threads: group stand-alone messages into conversations "
    "separated by this many quiet minutes (0 = keep every message as its own thread)",
    min_value=0, max_value=24 * 60, value=0, step=5, key="upload_group")
if upload is not None and st.button("Import", key="upload_go"):
    try:
        workspace = state.current_workspace()
        pseudonymizer = (Pseudonymizer(key_file=default_key_file(workspace.url))
                         if pseudonymize else None)
        roles = (read_roles_bytes(roles_upload.name, roles_upload.getvalue())
                 if roles_upload is not None else None)
        result = import_bytes(upload.name, upload.getvalue(),
                              None if format == "detect automatically" else format,
                              roles=roles, pseudonymizer=pseudonymizer,
                              group_minutes=int(group_minutes) or None)
        stored = workspace.add(result, pseudonymized=pseudonymize,
                               options={"roles": roles or {},
                                        "group_minutes": int(group_minutes) or None})
    except CoiError as error:
        st.error(str(error))
    else:
        st.success(result.report.summary())
        st.session_state[state.SELECTED] = stored.id
        for issue in result.report.issues:
            st.write(f"- {issue}")
