"""Cached resources and shared selections for the dashboard pages.

The workspace engine is a cached resource; query results are cached data keyed by their
arguments (never by globals). The selected discussion lives in ``st.session_state`` as an id,
not as a DataFrame.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from coi.storage import StoredDiscussion, Workspace, default_location

SELECTED = "discussion_id"


@st.cache_resource(show_spinner=False)
def workspace(location: str) -> Workspace:
    return Workspace(location)


def current_workspace() -> Workspace:
    return workspace(os.environ.get("COI_WORKSPACE") or default_location())


@st.cache_resource(show_spinner="Loading the demo discussion…")
def ensure_demo(location: str) -> int:
    """Import the bundled demo once per workspace (idempotent)."""
    from coi.demo import load_demo

    return load_demo(workspace(location)).id


@st.cache_data(show_spinner=False)
def posts(location: str, discussion_id: int) -> pd.DataFrame:
    return workspace(location).posts(discussion_id)


def location() -> str:
    return current_workspace().url


def discussions() -> list[StoredDiscussion]:
    return current_workspace().discussions()


def selected_discussion() -> StoredDiscussion | None:
    """The discussion chosen in the sidebar (the demo on a fresh workspace)."""
    found = discussions()
    if not found:
        ensure_demo(location())
        found = discussions()
    by_id = {d.id: d for d in found}
    chosen = st.session_state.get(SELECTED)
    if chosen not in by_id:
        chosen = found[-1].id
    labels = {d.id: f"{d.name} ({d.n_posts} posts)" for d in found}
    chosen = st.sidebar.selectbox("Discussion", list(by_id), index=list(by_id).index(chosen),
                                  format_func=labels.__getitem__, key=SELECTED)
    return by_id[chosen]
