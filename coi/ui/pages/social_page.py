"""Conditions for social learning: the five conditions with evidence, and the reply network."""

import altair as alt
import streamlit as st

from coi.social import pseudonyms, replace_names
from coi.text import escape
from coi.ui import state

discussion, model = state.sidebar()
st.title("Conditions for social learning")
st.caption("For communities of practice, learning channels and cohorts: what the discussion "
           "data says about intention, propensity and skill, relationship strength, activity "
           "match and tool access — and, plainly, what it cannot tell.")
posts = state.posts(state.location(), discussion.id)
forums = sorted(set(posts["forum"]))
forum = st.selectbox("Community / channel", ["all", *forums], key="social_forum")
if forum != "all":
    posts = posts[posts["forum"] == forum]
assessment = state.social_assessment(discussion.id, model, forum)
show_names = st.toggle("Show names (off: pseudonyms)", value=False, key="social_names")
labels = pseudonyms(assessment.people["person"].tolist()) if len(assessment.people) else {}


def name(person: str) -> str:
    return person if show_names else labels.get(person, person)


def names_in(text: str) -> str:
    return text if show_names else replace_names(text, labels)


by_id = posts.set_index("post_id")
for condition in assessment.conditions:
    st.subheader(condition.name)
    for finding in condition.findings:
        st.markdown(f"- {escape(names_in(finding))}", unsafe_allow_html=True)
    if condition.cannot_tell:
        st.caption(f"What the data cannot tell: {condition.cannot_tell}")
    for item in condition.suggestions:
        with st.expander(f"**{item['title']}**"):
            st.markdown(f"**Signal** (`{item['signal']}`): "
                        + escape(names_in(item["description"])), unsafe_allow_html=True)
            st.markdown(f"**You could:** {item['move']}")
            st.caption(f"Source: {item['source']}")
            for ref in item["evidence"]:
                if ref in by_id.index:
                    post = by_id.loc[ref]
                    st.markdown(f"- `{ref}` {escape(name(str(post['author'])))}: "
                                + escape(" ".join(str(post["text"]).split())[:200]),
                                unsafe_allow_html=True)
                else:
                    st.markdown("- " + escape(" → ".join(name(p) for p in ref.split(" → "))),
                                unsafe_allow_html=True)

st.subheader("Reply network")
nodes, edges = state.network_layout(discussion.id, forum)
if len(nodes):
    nodes["label"] = nodes["person"].map(name)
    lines = alt.Chart(edges).mark_rule(opacity=0.35).encode(
        x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None), x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("replies:Q", legend=None))
    points = alt.Chart(nodes).mark_circle(opacity=0.9).encode(
        x="x:Q", y="y:Q", size=alt.Size("posts:Q", legend=None),
        color=alt.Color("community:N", title="cluster"),
        tooltip=["label", "role", "posts", "community"])
    text = alt.Chart(nodes).mark_text(dy=-12, fontSize=10).encode(x="x:Q", y="y:Q",
                                                                  text="label:N")
    st.altair_chart((lines + points + text).properties(height=480), width="stretch")
    shown = (f"the {len(nodes)} most connected of {len(assessment.people)} people; "
             if len(nodes) < len(assessment.people) else "")
    st.caption(f"Showing {shown}line width: replies between two people; colour: clusters "
               "(modularity).")
st.subheader("People")
table = assessment.people.copy()
if len(table):
    table["person"] = table["person"].map(name)
    st.dataframe(table, hide_index=True, width="stretch")
st.subheader("Pairs")
pairs = assessment.pairs.copy()
if len(pairs):
    pairs["person_a"] = pairs["person_a"].map(name)
    pairs["person_b"] = pairs["person_b"].map(name)
    st.dataframe(pairs, hide_index=True, width="stretch")
