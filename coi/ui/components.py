"""Rendering pieces shared by the dashboard pages (Streamlit only; no analysis here)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coi.analytics import PHASES
from coi.annotation import coder_id, corrections_project, set_code
from coi.highlight import post_html
from coi.suggestions import Suggestion, load_rules
from coi.text import escape
from coi.ui import state

OVERVIEW_COLUMNS = {
    "attention": st.column_config.NumberColumn("attention", format="%.1f"),
    "social_pct": st.column_config.ProgressColumn("SP %", min_value=0, max_value=100,
                                                  format="%d%%"),
    "cognitive_pct": st.column_config.ProgressColumn("CP %", min_value=0, max_value=100,
                                                     format="%d%%"),
    "teaching_pct": st.column_config.ProgressColumn("TP %", min_value=0, max_value=100,
                                                    format="%d%%"),
    "staff_pct": st.column_config.NumberColumn("staff %", format="%d%%"),
    "last_activity": st.column_config.DatetimeColumn("last activity", format="YYYY-MM-DD HH:mm"),
}
PHASE_LABELS = {p: p.capitalize() for p in PHASES}
CHART_THREADS = 30


def threshold_overrides() -> tuple[tuple[str, str, float], ...]:
    """Sidebar controls for the suggestion rules' thresholds (defaults from rules.toml)."""
    overrides = []
    with st.sidebar.expander("Suggestion thresholds"):
        for rule in load_rules():
            for param, default in rule.params.items():
                value = st.number_input(f"{rule.id}: {param}", value=float(default),
                                        key=f"threshold_{rule.id}_{param}",
                                        step=0.05 if float(default) < 1 else 1.0)
                if value != float(default):
                    overrides.append((rule.id, param, value))
    return tuple(overrides)


def headline(posts: pd.DataFrame, coded: pd.DataFrame, threads: pd.DataFrame) -> None:
    real = posts[~posts["placeholder"]]
    columns = st.columns(6)
    columns[0].metric("threads", len(threads))
    columns[1].metric("posts", len(real))
    columns[2].metric("participants", real["author"].nunique())
    columns[3].metric("social presence", f"{coded['social'].mean():.0%}")
    columns[4].metric("cognitive presence", f"{coded['cognitive'].mean():.0%}")
    columns[5].metric("teaching presence", f"{coded['teaching'].mean():.0%}")
    need = int((threads["attention"] > 0).sum())
    st.markdown(f"**{need} of {len(threads)} threads show at least one facilitation "
                "signal.** Shares are the share of posts showing each presence.")


def thread_overview_table(threads: pd.DataFrame) -> pd.DataFrame:
    columns = ["thread_id", "title", "attention", "attention_reasons", "posts", "participants",
               "social_pct", "cognitive_pct", "teaching_pct", "highest_phase", "staff_pct",
               "n_unanswered_needs", "activity", "forum", "last_activity"]
    table = threads[[c for c in columns if c in threads.columns]].copy()
    return table.rename(columns={"attention_reasons": "why", "n_unanswered_needs": "unanswered",
                                 "highest_phase": "highest phase"})


def suggestion_list(suggestions: list[Suggestion], posts: pd.DataFrame, coded: pd.DataFrame,
                    limit: int | None = None) -> None:
    if not suggestions:
        st.info("No facilitation signals at the current thresholds.")
        return
    by_id = posts.set_index("post_id")
    titles = posts[posts["is_starter"]].set_index("thread_id")["title"]
    for item in suggestions[:limit]:
        title = titles.get(item.thread_id, item.thread_id)
        with st.expander(f"**{item.title}** — {title}", expanded=False):
            st.markdown(f"**Signal** (`{item.signal}`): {item.description}")
            st.markdown(f"**You could:** {item.move}")
            st.caption(f"Source: {item.source}")
            if item.evidence:
                st.markdown("**Posts behind this signal:**")
                for post_id in item.evidence[:5]:
                    if post_id in by_id.index:
                        post = by_id.loc[post_id]
                        excerpt = " ".join(str(post["text"]).split())[:220]
                        st.markdown(f"- `{post_id}` {escape(str(post['author']))} "
                                    f"({post['role']}): {escape(excerpt)}",
                                    unsafe_allow_html=True)
            if st.button("Open thread", key=f"open_{item.signal}_{item.thread_id}"):
                st.session_state[state.THREAD] = item.thread_id
                st.switch_page("coi/ui/pages/thread.py")


def code_badges(row: pd.Series) -> str:
    badges = []
    for column, label in (("social", "SP"), ("cognitive", "CP"), ("teaching", "TP")):
        if int(row.get(column, 0)):
            badges.append(label)
    details = [c.replace("sp_", "SP ").replace("tp_", "TP ") for c in
               ("sp_affective", "sp_interactive", "sp_cohesive", "tp_design",
                "tp_facilitation", "tp_direct") if int(row.get(c, 0))]
    phase = row.get("cp_phase", "other")
    activity = row.get("activity")
    return (f"**{' · '.join(badges) or 'no presence'}** — phase: **{phase}** "
            f"({row.get(f'p_cp_{phase}', 0):.0%}) · {', '.join(details) or 'no categories'}"
            f" · needs a reply: {row.get('needs_reply', 0):.0%}"
            + (f" · activity: {str(activity).replace('_', ' ')}" if activity else ""))


def post_card(post: pd.Series, codes: pd.Series, discussion_id: int) -> None:
    """A post with its codes, confidence, highlighted evidence and a correction form."""
    header = (f"**{escape(str(post['author']) or '—')}** ({post['role']}) · "
              f"`{post['post_id']}` · depth {post['depth']}")
    if not pd.isna(post["created_at"]):
        header += f" · {post['created_at']:%Y-%m-%d %H:%M}"
    st.markdown(header, unsafe_allow_html=True)
    st.markdown(post_html(str(post["text"]), codes.get("evidence", "[]")),
                unsafe_allow_html=True)
    st.markdown(code_badges(codes))
    if codes.get("corrected"):
        st.caption(f"corrected by a person: {codes['corrected']}")
    with st.popover("Correct codes"):
        correction_form(post["post_id"], codes, discussion_id)


def correction_form(post_id: str, codes: pd.Series, discussion_id: int) -> None:
    with st.form(key=f"correct_{post_id}"):
        name = st.text_input("Your name", value=st.session_state.get("coder_name", "facilitator"),
                             key=f"correct_name_{post_id}")
        phase = st.selectbox("Cognitive phase", PHASES, index=PHASES.index(codes["cp_phase"]),
                             key=f"correct_phase_{post_id}")
        values = {}
        for column in ("sp_affective", "sp_interactive", "sp_cohesive", "tp_design",
                       "tp_facilitation", "tp_direct"):
            values[column] = st.checkbox(column, value=bool(int(codes[column])),
                                         key=f"correct_{column}_{post_id}")
        if st.form_submit_button("Save correction", key=f"correct_save_{post_id}"):
            st.session_state["coder_name"] = name
            workspace = state.current_workspace()
            project = corrections_project(workspace, discussion_id)
            coder = coder_id(workspace, project.id, name or "facilitator")
            changes = {"cp_phase": phase} if phase != codes["cp_phase"] else {}
            changes.update({k: int(v) for k, v in values.items() if int(v) != int(codes[k])})
            sp = any(values[c] for c in ("sp_affective", "sp_interactive", "sp_cohesive"))
            tp = any(values[c] for c in ("tp_design", "tp_facilitation", "tp_direct"))
            for column, value in (("social", int(sp)), ("teaching", int(tp)),
                                  ("cognitive", int(phase != "other"))):
                if value != int(codes[column]):
                    changes[column] = value
            for column, value in changes.items():
                set_code(workspace, project.id, coder, post_id, column, value)
            st.success(f"Saved {len(changes)} change(s); they are used from now on.")
            st.rerun()
