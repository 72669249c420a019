"""Sign-in for the dashboard (see :mod:`coi.access` for the modes and roles)."""

from __future__ import annotations

import streamlit as st

from coi.access import LOCAL_USER, AccessFile, User, access_file_path

USER = "signed_in_user"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all: OIDC is simply not configured
        return False


def require_user() -> User:
    """The signed-in user; shows the sign-in form and stops the page until there is one."""
    path = access_file_path()
    if _oidc_configured():
        if not st.user.is_logged_in:
            st.title("coi")
            st.button("Sign in", on_click=st.login, key="oidc_login")
            st.stop()
        email = str(st.user.get("email", ""))
        if path is None:
            return User(email or "user", "lead", email=email)
        user = AccessFile.load(path).by_email(email)
        if user is None:
            st.error(f"{email} has no access to this coi workspace; ask a project lead.")
            st.button("Sign out", on_click=st.logout, key="oidc_logout")
            st.stop()
        return user
    if path is None:
        return LOCAL_USER
    saved = st.session_state.get(USER)
    if saved:
        return User(**saved)
    st.title("Sign in to coi")
    with st.form("sign_in"):
        name = st.text_input("Name", key="sign_in_name")
        token = st.text_input("Access token", type="password", key="sign_in_token")
        if st.form_submit_button("Sign in"):
            user = AccessFile.load(path).authenticate(name.strip(), token.strip())
            if user is None:
                st.error("Unknown name or wrong token.")
            else:
                st.session_state[USER] = {"name": user.name, "role": user.role,
                                          "projects": user.projects, "email": user.email}
                st.rerun()
    st.stop()


def current_user() -> User:
    saved = st.session_state.get(USER)
    if saved:
        return User(**saved)
    return require_user()


def require_lead() -> User:
    user = current_user()
    if not user.is_lead:
        st.error("This page is for project leads.")
        st.stop()
    return user
