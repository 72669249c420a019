"""Coding projects: coders, a sample of posts to code, blind mode, progress, exports."""

import streamlit as st

from coi.annotation import STRATEGIES, assign, create_project, progress, projects, sample_posts
from coi.errors import CoiError
from coi.ui import state, workbench
from coi.ui.auth import require_lead

require_lead()
discussion, model = state.sidebar()
st.title("Coding projects")
workspace = state.current_workspace()

with st.expander("New coding project", expanded=not any(
        p.kind == "coding" for p in projects(workspace, discussion.id))), st.form("new_project"):
    name = st.text_input("Project name", key="project_name")
    coders = st.text_input("Coders (comma-separated names)", key="project_coders")
    size = st.number_input("Posts to code", min_value=5, max_value=discussion.n_posts,
                           value=min(50, discussion.n_posts), key="project_size")
    strategy = st.selectbox("Sample", STRATEGIES, key="project_strategy", format_func={
        "random": "random", "stratified": "stratified by thread",
        "uncertain": "most uncertain first (the model's least confident posts)"}.get)
    blind = st.checkbox("Blind: coders never see each other's codes", value=True,
                        key="project_blind")
    show_model = st.checkbox("Show the model's suggestion while coding (risk of "
                             "anchoring)", value=False, key="project_show_model")
    seed = st.number_input("Random seed", value=1, key="project_seed")
    if st.form_submit_button("Create project"):
        names = [c.strip() for c in coders.split(",") if c.strip()]
        try:
            if len(names) < 1:
                raise CoiError("name at least one coder")
            posts = state.posts(state.location(), discussion.id)
            coded = state.coded(discussion.id, model) if strategy == "uncertain" else None
            chosen = sample_posts(posts, int(size), strategy=strategy, seed=int(seed),
                                  coded=coded)
            project = create_project(workspace, discussion.id, name.strip() or "Project",
                                     blind=blind, show_model=show_model)
            assign(workspace, project.id, names, chosen)
        except CoiError as error:
            st.error(str(error))
        else:
            st.session_state[workbench.PROJECT] = project.id
            st.success(f"Created '{project.name}' with {len(chosen)} posts for "
                       f"{', '.join(names)}.")

project = workbench.choose_project(discussion.id)
if project is not None:
    st.subheader(f"Progress: {project.name}")
    st.caption("blind" if project.blind else "not blind")
    st.dataframe(progress(workspace, project.id), hide_index=True, width="stretch")
    workbench.field_exports(project, discussion)
    workbench.codes_import(project, discussion)
