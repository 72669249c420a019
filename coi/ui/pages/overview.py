"""Course overview: every thread ranked by an explained "needs attention" score."""

import altair as alt
import streamlit as st

from coi.ui import components, state

discussion, model = state.sidebar()
st.title("Course overview")
all_posts = state.posts(state.location(), discussion.id)
keep = state.thread_filter(all_posts)
threads, suggestions = state.analysed(discussion.id, model, components.threshold_overrides())
threads = threads[threads["thread_id"].isin(keep)].reset_index(drop=True)
suggestions = [s for s in suggestions if s.thread_id in keep]
posts = all_posts[all_posts["thread_id"].isin(keep)]
coded = state.coded(discussion.id, model)
coded = coded[coded["thread_id"].isin(keep)]

if threads.empty:
    st.info("No coded posts match the filters.")
    st.stop()

components.headline(posts, coded, threads)
st.subheader("Threads, most in need of attention first")
st.caption("Attention = the summed weights of the facilitation signals a thread shows "
           "(see the reasons in 'why' and the suggestions below). Click a row to open the "
           "thread.")
table = components.thread_overview_table(threads)
picked = st.dataframe(table, hide_index=True, width="stretch", key="overview_table",
                      on_select="rerun", selection_mode="single-row",
                      column_config=components.OVERVIEW_COLUMNS,
                      column_order=[c for c in table.columns if c != "thread_id"])
rows = picked.selection.rows if picked and picked.selection else []
if rows:
    st.session_state[state.THREAD] = str(table.iloc[rows[0]]["thread_id"])
    st.switch_page("coi/ui/pages/thread.py")

top = threads.head(components.CHART_THREADS)
st.subheader("Presence balance per thread" + (
    f" (the {len(top)} most in need of attention)" if len(threads) > len(top) else ""))
balance = top.melt(id_vars=["thread_id", "title"],
                   value_vars=["social_pct", "cognitive_pct", "teaching_pct"],
                   var_name="presence", value_name="share of posts (%)")
balance["presence"] = balance["presence"].str.replace("_pct", "")
chart = alt.Chart(balance).mark_bar().encode(
    y=alt.Y("title:N", sort=list(top["title"]), title=None),
    x=alt.X("share of posts (%):Q", scale=alt.Scale(domain=[0, 100])),
    color=alt.Color("presence:N", scale=alt.Scale(
        domain=["social", "cognitive", "teaching"], range=["#f59e0b", "#3b82f6", "#10b981"])),
    yOffset="presence:N", tooltip=["title", "presence", "share of posts (%)"])
st.altair_chart(chart, width="stretch")

st.subheader("Facilitation suggestions")
components.suggestion_list(suggestions, posts, coded, limit=12)
if suggestions:
    st.caption(f"{len(suggestions)} suggestions in {len({s.thread_id for s in suggestions})} "
               "threads (the 12 most urgent shown; every thread's suggestions are in its "
               "thread view). Thresholds: 'Suggestion thresholds' in the sidebar.")
