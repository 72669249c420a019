"""Annotate: one post at a time, every click saved at once (blind between coders)."""

import streamlit as st

from coi.access import access_file_path
from coi.analytics import PHASES
from coi.annotation import assignments, coder_id, next_post, notes, set_code, set_note
from coi.highlight import post_html
from coi.text import escape
from coi.ui import components, state, workbench
from coi.ui.auth import current_user

BINARY = ("sp_affective", "sp_interactive", "sp_cohesive", "tp_design", "tp_facilitation",
          "tp_direct", "needs_reply")
LABELS = {"sp_affective": "SP affective (emotion, humour, self-disclosure)",
          "sp_interactive": "SP interactive (quotes, refers, asks, thanks, agrees)",
          "sp_cohesive": "SP cohesive (names, we/us, greetings)",
          "tp_design": "TP design & organisation", "tp_facilitation": "TP facilitating discourse",
          "tp_direct": "TP direct instruction", "needs_reply": "Needs a reply"}
#: Single keys for the codes (Streamlit reserves C and R); they do nothing while typing a memo.
PHASE_SHORTCUTS = dict(zip(PHASES, "12345", strict=True))
SHORTCUTS = {"sp_affective": "E", "sp_interactive": "I", "sp_cohesive": "W", "tp_design": "D",
             "tp_facilitation": "F", "tp_direct": "T", "needs_reply": "N"}

discussion, model, project = workbench.project_page("Annotate")
workspace = state.current_workspace()
user = current_user()
if access_file_path() is not None or user.name != "local":  # signed in: code as yourself
    st.session_state[workbench.CODER] = user.name
name = st.sidebar.text_input("Coding as", key=workbench.CODER,
                             help="Your coder name in this project",
                             disabled=access_file_path() is not None or user.name != "local")
if not name.strip():
    st.info("Enter your coder name in the sidebar to start.")
    st.stop()
coder = coder_id(workspace, project.id, name)
assigned = assignments(workspace, project.id, coder)
if not assigned:
    st.warning(f"{name} has no posts assigned in '{project.name}'. Ask the project lead to add "
               "you as a coder.")
    st.stop()

note_table = notes(workspace, project.id)
mine = note_table[note_table["coder_id"] == coder].set_index("post_id") if len(
    note_table) else note_table
done = set(mine.index[mine["done"]]) if len(mine) else set()
st.progress(len(done) / len(assigned), text=f"{len(done)} of {len(assigned)} posts coded")

current_key = f"annotate_current_{project.id}_{coder}"
if st.session_state.get(current_key) not in assigned:
    st.session_state[current_key] = next_post(workspace, project.id, coder) or assigned[0]
status = {p: ("✓ " if p in done else "· ") + p for p in assigned}
post_id = st.selectbox("Post", assigned, format_func=status.__getitem__, key=current_key)

posts = state.posts(state.location(), discussion.id)
post = posts.set_index("post_id").loc[post_id]
saved = workbench.my_codes(project, coder).get(post_id, {})

with st.expander("Thread context (parent and previous posts)", expanded=True):
    for _, earlier in workbench.thread_context(posts, post_id).iterrows():
        st.markdown(f"**{escape(str(earlier['author']))}** ({earlier['role']}): "
                    + escape(" ".join(str(earlier["text"]).split())[:600]),
                    unsafe_allow_html=True)
st.markdown(f"#### {escape(str(post['author']))} ({post['role']}) · `{post_id}`",
            unsafe_allow_html=True)
suggestion = None
if project.show_model:
    codes = state.coded(discussion.id, model).set_index("post_id")
    if post_id in codes.index:
        suggestion = codes.loc[post_id]
st.markdown(post_html(str(post["text"]), suggestion["evidence"] if suggestion is not None
                      else "[]"), unsafe_allow_html=True)
if suggestion is not None:
    st.caption("Model suggestion: " + components.code_badges(suggestion))


def save(code: str, key: str) -> None:
    value = st.session_state[key]
    if code == "cp_phase":
        set_code(workspace, project.id, coder, post_id, code, value)
    else:
        set_code(workspace, project.id, coder, post_id, code, int(bool(value)))


phase_key = f"phase_{project.id}_{coder}_{post_id}"
code_keys = {code: f"{code}_{project.id}_{coder}_{post_id}" for code in BINARY}


def press(code: str, value: str | None = None) -> None:
    """A keyboard shortcut: set the phase or flip a code, exactly as the widget would."""
    key = phase_key if code == "cp_phase" else code_keys[code]
    st.session_state[key] = value if code == "cp_phase" else not st.session_state.get(key)
    save(code, key)


# Widgets take their start values from the workspace once, through Session State (so the
# keyboard shortcuts can set them too without Streamlit's "set twice" warning).
st.session_state.setdefault(phase_key, saved.get("cp_phase") if saved.get("cp_phase") in PHASES
                            else None)
for code, key in code_keys.items():
    st.session_state.setdefault(key, saved.get(code) == "1")
st.radio("Cognitive phase", PHASES, horizontal=True, key=phase_key, on_change=save,
         args=("cp_phase", phase_key))
left, right = st.columns(2)
for index, code in enumerate(BINARY):
    (left if index % 2 == 0 else right).toggle(LABELS[code], key=code_keys[code],
                                               on_change=save, args=(code, code_keys[code]))
keyboard = st.container(horizontal=True, gap="small")  # Streamlit shows each button's key
for phase in PHASES:
    keyboard.button(phase, key=f"key_{phase}",
                    shortcut=PHASE_SHORTCUTS[phase], type="tertiary", on_click=press,
                    args=("cp_phase", phase))
for code in BINARY:
    short = code.removeprefix("sp_").removeprefix("tp_").replace("_", " ")
    keyboard.button(short, key=f"key_{code}", shortcut=SHORTCUTS[code], type="tertiary",
                    on_click=press, args=(code,))
memo_key = f"memo_{project.id}_{coder}_{post_id}"
st.text_area("Memo (decisive indicators, doubts)", key=memo_key,
             value=str(mine.loc[post_id, "memo"]) if post_id in mine.index else "",
             on_change=lambda: set_note(workspace, project.id, coder, post_id,
                                        memo=st.session_state[memo_key]))


def finish(skip: bool = False) -> None:
    if not skip:
        if not st.session_state.get(phase_key):
            st.session_state["annotate_error"] = "Choose a cognitive phase before 'Done'."
            return
        for code in BINARY:
            set_code(workspace, project.id, coder, post_id, code,
                     int(bool(st.session_state.get(code_keys[code]))))
    set_note(workspace, project.id, coder, post_id, done=not skip, skipped=skip)
    st.session_state[current_key] = next_post(workspace, project.id, coder) or post_id


buttons = st.columns(3)
buttons[0].button("Done → next", type="primary", on_click=finish, key="annotate_done",
                  shortcut="Ctrl+Enter")
buttons[1].button("Skip", on_click=finish, kwargs={"skip": True}, key="annotate_skip",
                  shortcut="Ctrl+Shift+S")
flagged = bool(mine.loc[post_id, "flagged"]) if post_id in mine.index else False
buttons[2].button("Unflag" if flagged else "Flag for discussion", key="annotate_flag",
                  on_click=lambda: set_note(workspace, project.id, coder, post_id,
                                            flagged=not flagged))
if st.session_state.get("annotate_error"):
    st.error(st.session_state.pop("annotate_error"))
st.caption("Every choice is saved the moment you make it. Keyboard: 1–5 choose the phase, "
           "E I W D F T N flip the codes (the letter beside each), Ctrl+Enter is 'Done → next', "
           "Ctrl+Shift+S skips; keys typed into the memo stay in the memo. "
           + ("Blind project: other coders' codes are never shown here." if project.blind
              else ""))
