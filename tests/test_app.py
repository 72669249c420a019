"""The dashboard driven headless (streamlit.testing.v1.AppTest) over the bundled demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from coi import Workspace
from coi.analytics import coded_posts
from coi.annotation import annotations, corrections_project
from coi.demo import demo_export, demo_roles
from coi.importers import import_file, read_roles
from coi.pipeline import code

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("COI_WORKSPACE", str(tmp_path / "ws.sqlite"))
    return AppTest.from_file(APP, default_timeout=120).run()


@pytest.fixture(scope="module")
def expected():
    posts = import_file(demo_export(), roles=read_roles(demo_roles())).posts
    return coded_posts(posts, code(posts))


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_overview_opens_on_the_demo_with_the_right_numbers(app, expected):
    assert not app.exception
    assert [title.value for title in app.title] == ["Course overview"]
    shown = metrics(app)
    assert shown["threads"] == "8" and shown["posts"] == "130"
    assert shown["participants"] == "17"
    for presence in ("social", "cognitive", "teaching"):
        assert shown[f"{presence} presence"] == f"{expected[presence].mean():.0%}"
    table = app.dataframe[0].value
    assert len(table) == 8 and table["posts"].sum() == 130
    assert table["attention"].is_monotonic_decreasing
    assert any("Questions or confusion waiting for a reply" in e.label for e in app.expander)


def test_thread_view_renders_every_post(app, expected):
    app.switch_page("coi/ui/pages/thread.py").run()
    assert not app.exception
    thread_id = app.selectbox(key="thread_id").value
    posts = expected[expected["thread_id"] == thread_id]
    assert app.title[0].value == posts.loc[posts["is_starter"], "title"].iloc[0]
    rendered = " ".join(m.value for m in app.markdown)
    for post_id in posts["post_id"]:
        assert f"`{post_id}`" in rendered
    assert "<mark" in rendered  # evidence highlighted


def test_a_correction_is_stored_and_used(app, tmp_path):
    app.switch_page("coi/ui/pages/thread.py").run()
    workspace = Workspace(tmp_path / "ws.sqlite")
    discussion = workspace.discussions()[-1]
    thread_id = app.selectbox(key="thread_id").value
    first = workspace.posts(discussion.id, thread_id=thread_id)["post_id"].iloc[0]
    form_phase = app.selectbox(key=f"correct_phase_{first}")
    new_phase = "resolution" if form_phase.value != "resolution" else "integration"
    form_phase.select(new_phase)
    app.button(key=f"correct_save_{first}").click().run()
    assert not app.exception
    stored = annotations(workspace, corrections_project(workspace, discussion.id).id)
    assert stored.set_index("code").loc["cp_phase", "value"] == new_phase
    assert set(stored["post_id"]) == {first}
    assert any("corrected by a person" in c.value for c in app.caption)


def test_export_page_prepares_downloads(app):
    app.switch_page("coi/ui/pages/report_page.py").run()
    app.button(key="prepare_exports").click().run()
    assert not app.exception
    assert "Coded posts (CSV)" in [b.label for b in app.get("download_button")]


def test_import_page_loads(app):
    app.switch_page("coi/ui/pages/import_page.py").run()
    assert not app.exception
    assert app.title[0].value == "Import a discussion export"


def test_social_learning_page(app):
    app.switch_page("coi/ui/pages/social_page.py").run()
    assert not app.exception
    headers = [h.value for h in app.subheader]
    assert headers[:5] == ["Intention", "Individual propensity and skill",
                           "Relationship strength", "Activity match",
                           "Tool functionality and accessibility"]
    people = app.dataframe[0].value
    assert len(people) == 17 and people["person"].str.startswith("Person ").all()  # pseudonyms


def test_social_learning_page_on_the_workplace_demo_names_nobody_by_default(app):
    from coi.demo import WORKPLACE_DEMO_NAME

    slack = next(index for index, label in enumerate(app.sidebar.selectbox[0].options)
                 if label.startswith(WORKPLACE_DEMO_NAME))
    app.sidebar.selectbox[0].set_value(app.sidebar.selectbox[0].options[slack]).run()
    app.switch_page("coi/ui/pages/social_page.py").run()
    app.selectbox(key="social_forum").set_value("#new-hires-help").run()
    assert not app.exception
    shown = " ".join(m.value for m in app.markdown)
    assert "gives 43% of the 14 answers" in shown  # the coordinator carries the channel
    assert "Fenna Terpstra" not in shown and "Person " in shown  # pseudonymised findings
    titles = [e.label for e in app.expander]
    assert any("Questions wait long" in t for t in titles)
    app.toggle(key="social_names").set_value(True).run()
    assert "Fenna Terpstra gives 43%" in " ".join(m.value for m in app.markdown)
