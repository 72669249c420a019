"""Course overview: every thread of the selected discussion in one table."""

import streamlit as st

from coi.analytics import thread_table
from coi.ui import state

discussion = state.selected_discussion()
st.title("Course overview")
if discussion is not None:
    posts = state.posts(state.location(), discussion.id)
    threads = thread_table(posts)
    st.caption(f"{discussion.name}: {len(posts)} posts in {len(threads)} threads, imported "
               f"{discussion.imported_at:%Y-%m-%d}")
    st.dataframe(threads, hide_index=True, use_container_width=True)
