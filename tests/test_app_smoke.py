"""The dashboard starts on a fresh workspace and opens on the bundled demo."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_app_opens_on_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("COI_WORKSPACE", str(tmp_path / "ws.sqlite"))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "Course overview" in [title.value for title in app.title]
    table = app.dataframe[0].value
    assert len(table) == 8 and table["posts"].sum() == 130
