"""Course overview: every thread ranked by an explained "needs attention" score."""

import altair as alt
import streamlit as st

from coi.ui import components, state

discussion, model = state.sidebar()
st.title("Course overview")
posts = state.filters(state.posts(state.location(), discussion.id))
coded = state.coded(discussion.id, model)
coded = coded[coded["post_id"].isin(set(posts["post_id"]))]
threads, suggestions = state.analysed(posts, coded, components.threshold_overrides())

if threads.empty:
    st.info("No coded posts match the filters.")
    st.stop()

components.headline(posts, coded, threads)
st.subheader("Threads, most in need of attention first")
st.caption("Attention = the summed weights of the facilitation signals a thread shows "
           "(see the reasons column and the suggestions below). Click a row to open the "
           "thread.")
table = components.thread_overview_table(threads)
picked = st.dataframe(table, hide_index=True, width="stretch", key="overview_table",
                      on_select="rerun", selection_mode="single-row",
                      column_config=components.OVERVIEW_COLUMNS)
rows = picked.selection.rows if picked and picked.selection else []
if rows:
    st.session_state[state.THREAD] = str(table.iloc[rows[0]]["thread_id"])
    st.switch_page("coi/ui/pages/thread.py")

st.subheader("Presence balance per thread")
balance = threads.melt(id_vars=["thread_id", "title"],
                       value_vars=["social_pct", "cognitive_pct", "teaching_pct"],
                       var_name="presence", value_name="share of posts (%)")
balance["presence"] = balance["presence"].str.replace("_pct", "")
chart = alt.Chart(balance).mark_bar().encode(
    y=alt.Y("title:N", sort=list(threads["title"]), title=None),
    x=alt.X("share of posts (%):Q", scale=alt.Scale(domain=[0, 100])),
    color=alt.Color("presence:N", scale=alt.Scale(
        domain=["social", "cognitive", "teaching"], range=["#f59e0b", "#3b82f6", "#10b981"])),
    yOffset="presence:N", tooltip=["title", "presence", "share of posts (%)"])
st.altair_chart(chart, width="stretch")

st.subheader("Facilitation suggestions")
components.suggestion_list(suggestions, posts, coded, limit=12)
if suggestions:
    st.caption(f"{len(suggestions)} suggestions in {len({s.thread_id for s in suggestions})} "
               "threads. Thresholds can be changed under 'Suggestion thresholds' in the "
               "sidebar.")
