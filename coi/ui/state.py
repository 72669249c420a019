"""Shared dashboard state: cached resources, the sidebar selections, coded data.

The workspace engine and models are cached resources; posts, coded posts and analytics are
cached data keyed by their arguments (workspace location, discussion id, model fingerprint),
never by globals, so moving between pages never re-codes. Session state holds only ids and
small selections.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from coi.annotation import annotations, apply_corrections, corrections_project
from coi.conditions import Assessment, assess
from coi.pipeline.build import default_model_path, models_dir
from coi.runs import coded_discussion, is_complete, model_fingerprint
from coi.social import layout
from coi.storage import StoredDiscussion, Workspace, default_location
from coi.suggestions import Suggestion, suggest

SELECTED = "discussion_id"
THREAD = "thread_id"
MODEL = "model"


@st.cache_resource(show_spinner=False)
def workspace(location: str) -> Workspace:
    return Workspace(location)


def current_workspace() -> Workspace:
    return workspace(os.environ.get("COI_WORKSPACE") or default_location())


def location() -> str:
    return current_workspace().url


@st.cache_resource(show_spinner="Loading the demo discussions…")
def ensure_demo(location: str) -> int:
    """Import the bundled demos once per workspace (idempotent); the course forum's id."""
    from coi.demo import load_demos

    return load_demos(workspace(location)).id


@st.cache_data(show_spinner=False)
def posts(location: str, discussion_id: int) -> pd.DataFrame:
    return workspace(location).posts(discussion_id)


def discussions() -> list[StoredDiscussion]:
    return current_workspace().discussions()


def available_models() -> dict[str, str]:
    """Label → model folder: the default model and every trained model beside it."""
    models = {"default (coi-default)": str(default_model_path())}
    for folder in dict.fromkeys([default_model_path().parent, models_dir()]):
        if not folder.is_dir():
            continue
        for candidate in sorted(folder.iterdir()):
            if candidate.name != default_model_path().name and (
                    candidate / "pipeline" / "config.cfg").exists():
                models[candidate.name] = str(candidate)
    extra = os.environ.get("COI_MODEL")
    if extra and extra not in models.values():
        models[Path(extra).name] = extra
    return models


def sidebar() -> tuple[StoredDiscussion, str]:
    """The discussion and model chosen in the sidebar (the demo on a fresh workspace)."""
    found = discussions()
    if not found:
        ensure_demo(location())
        found = discussions()
    by_id = {d.id: d for d in found}
    labels = {d.id: f"{d.name} ({d.n_posts} posts)" for d in found}
    chosen = _persisted_select("Discussion", list(by_id), SELECTED, found[-1].id,
                               labels.__getitem__)
    models = available_models()
    names = {path: label for label, path in models.items()}
    model = _persisted_select("Model", list(names), MODEL, next(iter(models.values())),
                              names.__getitem__)
    return by_id[chosen], model


def _persisted_select(label: str, options: list[Any], store: str, default: Any,
                      format_func: Callable[[Any], str]) -> Any:
    """A sidebar selectbox whose choice survives switching pages.

    Streamlit ties a widget's state to the page it is on, so a keyed selectbox on every page
    resets when the page changes. The choice is kept under ``store`` (plain session state)
    and handed to each page's widget as its starting index.
    """
    current = st.session_state.get(store)
    if current not in options:
        current = default
    chosen = st.sidebar.selectbox(label, options, index=options.index(current),
                                  format_func=format_func, key=f"{store}_widget")
    st.session_state[store] = chosen
    return chosen


def coded(discussion_id: int, model: str) -> pd.DataFrame:
    """Model codes for a discussion with the facilitator's corrections applied.

    Codes once per (discussion, model), with a progress bar; afterwards from the cache.
    """
    fingerprint = _ensure_coded(discussion_id, model)
    return _corrected(location(), discussion_id, model, fingerprint,
                      corrections_stamp(discussion_id))


def _ensure_coded(discussion_id: int, model: str) -> str:
    fingerprint = model_fingerprint(model)
    if not is_complete(current_workspace(), discussion_id, fingerprint):
        bar = st.progress(0.0, text="Coding posts with the CoI pipeline…")

        def progress(done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"Coding posts: {done}/{total}")

        coded_discussion(current_workspace(), discussion_id, model=model, progress=progress)
        bar.empty()
    return fingerprint


@st.cache_data(show_spinner=False)
def _model_codes(location: str, discussion_id: int, model: str,
                 fingerprint: str) -> pd.DataFrame:
    return coded_discussion(workspace(location), discussion_id, model=model)


@st.cache_data(show_spinner=False, max_entries=8)
def _corrected(location: str, discussion_id: int, model: str, fingerprint: str,
               stamp: tuple[int, str]) -> pd.DataFrame:
    return apply_corrections(_model_codes(location, discussion_id, model, fingerprint),
                             corrections(discussion_id))


def corrections(discussion_id: int) -> pd.DataFrame:
    workspace_ = current_workspace()
    return annotations(workspace_, corrections_project(workspace_, discussion_id).id)


def corrections_stamp(discussion_id: int) -> tuple[int, str]:
    """Changes whenever a correction is saved (cache key for corrected codes)."""
    table = corrections(discussion_id)
    return len(table), str(table["updated_at"].max()) if len(table) else ""


def analysed(discussion_id: int, model: str,
             overrides: tuple[tuple[str, str, float], ...] = ()
             ) -> tuple[pd.DataFrame, list[Suggestion]]:
    """Thread metrics ranked by attention and the suggestions (cached per inputs)."""
    fingerprint = _ensure_coded(discussion_id, model)
    return _analysed(location(), discussion_id, model, fingerprint,
                     corrections_stamp(discussion_id), overrides)


@st.cache_data(show_spinner="Analysing threads…", max_entries=16)
def _analysed(location: str, discussion_id: int, model: str, fingerprint: str,
              stamp: tuple[int, str], overrides: tuple[tuple[str, str, float], ...]
              ) -> tuple[pd.DataFrame, list[Suggestion]]:
    nested: dict[str, dict[str, float]] = {}
    for rule, param, value in overrides:
        nested.setdefault(rule, {})[param] = value
    return suggest(posts(location, discussion_id),
                   _corrected(location, discussion_id, model, fingerprint, stamp),
                   overrides=nested)


def thread_filter(frame: pd.DataFrame) -> set[str]:
    """Sidebar filters (forum, date range, roles taking part): the thread ids to show."""
    forums = sorted(set(frame["forum"]))
    chosen = st.sidebar.multiselect("Forum / channel", forums, key="filter_forum")
    if chosen:
        frame = frame[frame["forum"].isin(chosen)]
    times = frame["created_at"].dropna()
    if len(times):
        first, last = times.min().date(), times.max().date()
        picked = st.sidebar.date_input("Active between", (first, last), min_value=first,
                                       max_value=last, key="filter_dates")
        if isinstance(picked, tuple) and len(picked) == 2:
            start, end = (pd.Timestamp(d, tz="UTC") for d in picked)
            last_post = frame.groupby("thread_id")["created_at"].max()
            frame = frame[frame["thread_id"].map(last_post).between(
                start, end + pd.Timedelta(days=1)) | frame["created_at"].isna()]
    roles = st.sidebar.multiselect("Threads with posts by", ["instructor", "facilitator",
                                                              "student", "unknown"],
                                   key="filter_roles")
    if roles:
        frame = frame[frame["thread_id"].isin(set(frame.loc[frame["role"].isin(roles),
                                                            "thread_id"]))]
    return set(frame["thread_id"])


def exports(discussion_id: int, model: str, name: str,
            overrides: tuple[tuple[str, str, float], ...] = ()) -> dict[str, bytes]:
    fingerprint = _ensure_coded(discussion_id, model)
    return _exports(location(), discussion_id, model, fingerprint,
                    corrections_stamp(discussion_id), name, overrides)


@st.cache_data(show_spinner="Preparing exports…", max_entries=4)
def _exports(location: str, discussion_id: int, model: str, fingerprint: str,
             stamp: tuple[int, str], name: str,
             overrides: tuple[tuple[str, str, float], ...]) -> dict[str, bytes]:
    from coi.exporting import table_bytes
    from coi.reporting import coded_export, html_report

    all_posts = posts(location, discussion_id)
    codes = _corrected(location, discussion_id, model, fingerprint, stamp)
    threads, suggestions = _analysed(location, discussion_id, model, fingerprint, stamp,
                                     overrides)
    table = coded_export(all_posts, codes)
    return {"csv": table_bytes(table, "csv"), "xlsx": table_bytes(table, "xlsx"),
            "html": html_report(name, all_posts, codes, threads, suggestions).encode("utf-8")}


def social_assessment(discussion_id: int, model: str, forum: str) -> Assessment:
    """The five conditions for one channel ("all" = every forum), cached per inputs, so
    toggling names or opening a suggestion does not recompute the network."""
    fingerprint = _ensure_coded(discussion_id, model)
    return _social(location(), discussion_id, model, fingerprint,
                   corrections_stamp(discussion_id), forum)


@st.cache_data(show_spinner="Reading the community…", max_entries=16)
def _social(location: str, discussion_id: int, model: str, fingerprint: str,
            stamp: tuple[int, str], forum: str) -> Assessment:
    chosen = posts(location, discussion_id)
    if forum != "all":
        chosen = chosen[chosen["forum"] == forum]
    codes = _corrected(location, discussion_id, model, fingerprint, stamp)
    return assess(chosen, codes[codes["post_id"].isin(set(chosen["post_id"]))])


@st.cache_data(show_spinner="Drawing the network…", max_entries=16)
def _layout(location: str, discussion_id: int, forum: str
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    chosen = posts(location, discussion_id)
    return layout(chosen if forum == "all" else chosen[chosen["forum"] == forum])


def network_layout(discussion_id: int, forum: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges of the reply network drawing (cached per discussion and channel)."""
    return _layout(location(), discussion_id, forum)
