"""Serving to a team: token sign-in, roles, own projects only, blind codes stay private."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from coi import Workspace
from coi.access import AccessFile, User
from coi.annotation import assign, coder_id, create_project, set_code
from coi.cli import main
from coi.demo import load_demo

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_tokens_are_hashed_and_checked(tmp_path):
    access = AccessFile()
    token = access.add_user("ana", "coder", ["Pilot"])
    path = tmp_path / "access.json"
    access.save(path)
    assert token not in path.read_text()
    loaded = AccessFile.load(path)
    assert loaded.authenticate("ana", token) == User("ana", "coder", ("Pilot",))
    assert loaded.authenticate("ana", token + "x") is None
    assert loaded.authenticate("nobody", token) is None


def test_roles_and_blind_visibility():
    coder = User("ana", "coder", ("Pilot",))
    lead = User("lee", "lead")
    assert coder.may_see_project("Pilot") and not coder.may_see_project("Other")
    assert lead.may_see_project("Other")
    assert not coder.may_see_codes_of("ben", blind=True)
    assert coder.may_see_codes_of("ana", blind=True) and lead.may_see_codes_of("ben", blind=True)


@pytest.fixture
def served(tmp_path, monkeypatch, capsys):
    workspace = Workspace(tmp_path / "ws.sqlite")
    discussion = load_demo(workspace)
    pilot = create_project(workspace, discussion.id, "Pilot")
    create_project(workspace, discussion.id, "Secret")
    posts = workspace.posts(discussion.id)["post_id"].tolist()[:3]
    assign(workspace, pilot.id, ["ana", "ben"], posts)
    set_code(workspace, pilot.id, coder_id(workspace, pilot.id, "ben"), posts[0], "cp_phase",
             "resolution")
    access_path = tmp_path / "access.json"
    monkeypatch.setenv("COI_ACCESS_FILE", str(access_path))
    monkeypatch.setenv("COI_WORKSPACE", str(tmp_path / "ws.sqlite"))
    assert main(["access", "add-user", "ana", "--role", "coder", "--projects", "Pilot"]) == 0
    token = capsys.readouterr().out.strip().split()[-1]
    return token, posts


def test_sign_in_required_and_wrong_token_refused(served):
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert [t.value for t in app.title] == ["Sign in to coi"]
    app.text_input(key="sign_in_name").input("ana")
    app.text_input(key="sign_in_token").input("wrong")
    app.button(key="FormSubmitter:sign_in-Sign in").click().run()
    assert "Unknown name or wrong token." in [e.value for e in app.error]


def test_coder_annotates_own_project_only_and_never_sees_other_codes(served):
    token, posts = served
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.text_input(key="sign_in_name").input("ana")
    app.text_input(key="sign_in_token").input(token)
    app.button(key="FormSubmitter:sign_in-Sign in").click().run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Annotate"]
    assert app.selectbox(key="project_id").options == ["Pilot"]  # not "Secret"
    assert app.text_input(key="coder_name").value == "ana"
    assert app.text_input(key="coder_name").disabled
    radio = next(r for r in app.radio if r.key.startswith("phase_"))
    assert radio.value is None  # ben's "resolution" for this post is not shown to ana
    assert "resolution" not in " ".join(m.value for m in app.markdown)
