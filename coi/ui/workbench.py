"""Shared pieces of the researchers' workbench pages (Streamlit rendering only)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from coi.annotation import Project, annotations, coders_table, final_codes, projects
from coi.exchange import codebook_xml, codes_table, ena_table, write_qdpx
from coi.exporting import table_bytes
from coi.storage import StoredDiscussion
from coi.ui import state

PROJECT = "project_id"
CODER = "coder_name"


def project_page(title: str, caption: str | None = None) -> tuple[StoredDiscussion, Any,
                                                                     Project]:
    """The common head of the research pages: sidebar, title, and the chosen coding project
    (the page stops with a hint when there is none yet)."""
    discussion, model = state.sidebar()
    st.title(title)
    if caption:
        st.caption(caption)
    project = choose_project(discussion.id)
    if project is None:
        st.stop()
    return discussion, model, project


def choose_project(discussion_id: int) -> Project | None:
    """The project chosen in the sidebar, among those the signed-in user may see."""
    from coi.ui.auth import current_user

    user = current_user()
    found = [p for p in projects(state.current_workspace(), discussion_id)
             if p.kind == "coding" and user.may_see_project(p.name)]
    if not found:
        st.info("No coding project on this discussion for you yet"
                + (": create one on 'Coding projects'." if user.is_lead else "."))
        return None
    by_id = {p.id: p for p in found}
    if st.session_state.get(PROJECT) not in by_id:
        st.session_state[PROJECT] = found[-1].id
    chosen = st.sidebar.selectbox("Coding project", list(by_id),
                                  format_func=lambda i: by_id[i].name, key=PROJECT)
    return by_id[chosen]


def field_exports(project: Project, discussion: StoredDiscussion) -> None:
    st.subheader("Exports for the field")
    workspace = state.current_workspace()
    posts = state.posts(state.location(), discussion.id)
    long = coders_table(workspace, project.id)
    final = final_codes(workspace, project.id)
    if long.empty:
        st.caption("Nothing coded yet.")
        return
    name = project.name.replace(" ", "_")[:40]
    columns = st.columns(5)
    columns[0].download_button("Codes per coder (CSV)", table_bytes(codes_table(posts, long),
                                                                    "csv"),
                               f"{name}_codes.csv", key="export_codes_csv")
    columns[1].download_button("Final codes (JSONL)", table_bytes(
        codes_table(posts, final), "jsonl"), f"{name}_final.jsonl", key="export_final_jsonl")
    columns[2].download_button("ENA table (CSV)", table_bytes(ena_table(posts, final), "csv"),
                               f"{name}_ena.csv", key="export_ena")
    columns[3].download_button("REFI-QDA codebook (.qdc)", codebook_xml(), "coi.qdc",
                               key="export_qdc")
    with tempfile.TemporaryDirectory() as folder:
        path = write_qdpx(Path(folder) / "project.qdpx", posts, long, project.name)
        columns[4].download_button("REFI-QDA project (.qdpx)", path.read_bytes(),
                                   f"{name}.qdpx", key="export_qdpx")


def codes_import(project: Project, discussion: StoredDiscussion) -> None:
    """Load a codes table (e.g. an earlier export, or codes from another tool) back in."""
    from coi.errors import CoiError
    from coi.exchange import import_codes

    st.subheader("Import codes into this project")
    upload = st.file_uploader("Codes table (CSV/JSONL/XLSX with post_id, coder and code "
                              "columns)", type=["csv", "jsonl", "xlsx"], key="codes_upload")
    if upload is not None and st.button("Import codes", key="codes_upload_go"):
        from coi.exchange import read_codes

        suffix = Path(upload.name).suffix
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            handle.write(upload.getvalue())
            handle.flush()
            try:
                table = read_codes(handle.name)
                known = set(state.posts(state.location(), discussion.id)["post_id"])
                table = table[table["post_id"].astype(str).isin(known)]
                stored = import_codes(state.current_workspace(), project.id, table)
            except CoiError as error:
                st.error(str(error))
            else:
                st.success(f"Stored {stored} codes.")


def my_codes(project: Project, coder: int) -> dict[str, dict[str, str]]:
    """post_id → {code: value} for one coder (the only codes a blind coder may see)."""
    table = annotations(state.current_workspace(), project.id, coder)
    result: dict[str, dict[str, str]] = {}
    for row in table.itertuples():
        result.setdefault(row.post_id, {})[row.code] = row.value
    return result


def thread_context(posts: pd.DataFrame, post_id: str, before: int = 3) -> pd.DataFrame:
    """The parent and the previous posts of ``post_id`` in its thread."""
    post = posts.set_index("post_id").loc[post_id]
    thread = posts[posts["thread_id"] == post["thread_id"]].sort_values("position")
    earlier = thread[thread["position"] < post["position"]].tail(before)
    parent = thread[thread["post_id"] == post["parent_id"]]
    return pd.concat([parent, earlier]).drop_duplicates("post_id").sort_values("position")
