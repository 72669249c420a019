"""Thread view: presences, inquiry trajectory, reply tree, participation, coded posts."""

import altair as alt
import pandas as pd
import streamlit as st

from coi.analytics import PHASES, coded_posts, participation, phase_trajectory
from coi.text import escape
from coi.ui import components, state

PHASE_AXIS = "[" + ",".join(f"'{p}'" for p in PHASES) + "][datum.value]"

discussion, model = state.sidebar()
posts = state.posts(state.location(), discussion.id)
threads, suggestions = state.analysed(discussion.id, model, components.threshold_overrides())
coded = state.coded(discussion.id, model)

titles = dict(zip(threads["thread_id"], threads["title"], strict=True))
order = list(threads["thread_id"])
if st.session_state.get(state.THREAD) not in titles:
    st.session_state[state.THREAD] = order[0]
thread_id = st.selectbox("Thread", order, format_func=lambda t: f"{titles[t]} ({t})",
                         key=state.THREAD)
thread_posts = posts[posts["thread_id"] == thread_id]
data = coded_posts(thread_posts, coded)
metrics = threads.set_index("thread_id").loc[thread_id]

st.title(titles[thread_id] or thread_id)
st.caption(f"{metrics['posts']} posts · {metrics['participants']} participants · staff wrote "
           f"{metrics['staff_pct']}% · highest phase reached: {metrics['highest_phase']} · "
           + (f"main activity: {str(metrics['activity']).replace('_', ' ')} · "
              if "activity" in metrics else "") + f"forum: {metrics['forum']}")

mine = [s for s in suggestions if s.thread_id == thread_id]
st.subheader("Facilitation suggestions")
components.suggestion_list(mine, posts, coded)

left, right = st.columns(2)
with left:
    st.subheader("Presence balance")
    balance = pd.DataFrame({"presence": ["social", "cognitive", "teaching"],
                            "share of posts (%)": [metrics["social_pct"],
                                                   metrics["cognitive_pct"],
                                                   metrics["teaching_pct"]]})
    st.altair_chart(alt.Chart(balance).mark_bar().encode(
        x=alt.X("presence:N", sort=None, title=None),
        y=alt.Y("share of posts (%):Q", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("presence:N", legend=None, scale=alt.Scale(
            domain=["social", "cognitive", "teaching"],
            range=["#f59e0b", "#3b82f6", "#10b981"]))), width="stretch")
with right:
    st.subheader("Inquiry trajectory")
    axis = st.radio("Along", ["post order", "time"], horizontal=True, key="trajectory_axis")
    trajectory = phase_trajectory(data)
    x = (alt.X("position:Q", title="post in thread", axis=alt.Axis(tickMinStep=1, format="d"))
         if axis == "post order"
         else alt.X("created_at:T", title="time"))
    st.altair_chart(alt.Chart(trajectory).mark_line(point=True, interpolate="step-after")
                    .encode(x=x, y=alt.Y("phase_rank:Q", title="cognitive phase",
                                         scale=alt.Scale(domain=[0, 4]),
                                         axis=alt.Axis(values=list(range(5)),
                                                       labelExpr=PHASE_AXIS)),
                            tooltip=["position", "author", "role", "cp_phase"]),
                    width="stretch")

st.subheader("Reply tree")
tree_lines = []
for _, post in thread_posts.sort_values("position").iterrows():
    phase = data.set_index("post_id")["cp_phase"].get(post["post_id"], "—")
    indent = "&nbsp;" * 4 * int(post["depth"])
    who = escape(str(post["author"]) or "—")
    tree_lines.append(f"{indent}↳ <b>{who}</b> <i>({post['role']})</i> · "
                      f"<code>{escape(str(post['post_id']))}</code> · {phase}"
                      if post["depth"] else f"<b>{who}</b> <i>({post['role']})</i> · "
                      f"<code>{escape(str(post['post_id']))}</code> · {phase}")
st.markdown("<div style='font-size:0.9em;line-height:1.6'>" + "<br>".join(tree_lines)
            + "</div>", unsafe_allow_html=True)

st.subheader("Participation")
st.dataframe(participation(thread_posts), hide_index=True, width="stretch")

st.subheader("Posts")
codes_by_id = data.set_index("post_id")
for _, post in thread_posts.sort_values("position").iterrows():
    with st.container(border=True):
        if post["placeholder"] or post["post_id"] not in codes_by_id.index:
            st.markdown(f"`{post['post_id']}` — {escape(str(post['text']))} (not coded)")
            continue
        components.post_card(post, codes_by_id.loc[post["post_id"]], discussion.id)
