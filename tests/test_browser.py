"""A real browser: `streamlit run app.py` on a free port, driven by Playwright in Chromium.

Chromium comes from the system (Debian's `chromium` package; `.ci/run` installs it). Without
it the test is skipped, unless COI_REQUIRE_BROWSER=1 (set by CI), where it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("COI_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))

if CHROMIUM is None:
    if os.environ.get("COI_REQUIRE_BROWSER") == "1":
        raise RuntimeError("COI_REQUIRE_BROWSER=1 but no chromium binary was found; install "
                           "Debian's chromium package (apt-get install chromium)")
    pytest.skip("no chromium binary on this machine", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")

HOSTILE = ("id,thread,parent,author,role,title,text\n"
           "1,x,,Mallory,student,Hostile thread,\"<script>window.__pwned=1;alert(1)</script>"
           "Hello <img src=x onerror=\"\"window.__pwned=2;alert(2)\"\"> all\"\n"
           "2,x,1,Bob,instructor,,\"<a href=\"\"javascript:window.__pwned=3\"\">click</a> "
           "thanks\"\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from coi import Workspace, import_bytes
    from coi.demo import load_demo

    folder = tmp_path_factory.mktemp("browser")
    workspace = Workspace(folder / "ws.sqlite")
    hostile = workspace.add(import_bytes("hostile.csv", HOSTILE.encode()))
    load_demo(workspace)  # the latest discussion: what the dashboard opens on
    port = free_port()
    env = {**os.environ, "COI_WORKSPACE": str(folder / "ws.sqlite")}
    log = (folder / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        log.close()
        raise RuntimeError("streamlit did not start within 60 s")
    yield url, hostile.id, folder / "ws.sqlite"
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message),  # type: ignore
                                          dialog.dismiss()))
        yield page
        browser.close()


def settle(page) -> None:
    """Wait until the script run has finished and charts and tables have drawn."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=120_000)
    page.wait_for_timeout(1500)


def test_overview_and_thread_view_render(server, page):
    url, *_ = server
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Course overview").wait_for(timeout=120_000)
    page.get_by_text("Threads, most in need of attention first").wait_for(timeout=60_000)
    page.get_by_text("Facilitation suggestions").first.wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60_000)
    page.locator(".vega-embed").first.wait_for(timeout=60_000)
    settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert page.get_by_text("teaching presence").count() >= 1

    page.get_by_role("link", name="Thread view").click()
    page.get_by_text("Inquiry trajectory").wait_for(timeout=60_000)
    page.get_by_text("Reply tree").wait_for()
    page.get_by_text("Posts", exact=True).wait_for()
    page.locator("mark").first.wait_for(timeout=60_000)  # highlighted evidence spans
    assert page.locator("mark").count() > 0
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "thread.png"), full_page=True)


def test_hostile_post_never_executes(server, page):
    url, hostile_id, _ = server
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Course overview").wait_for(timeout=120_000)
    page.get_by_role("link", name="Thread view").click()
    page.get_by_text("Inquiry trajectory").wait_for(timeout=60_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="hostile (2 posts)").click()
    page.get_by_text("Hostile thread").first.wait_for(timeout=120_000)
    page.get_by_text("Hello").first.wait_for(timeout=30_000)  # the post renders as text
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
    assert page.evaluate("window.__pwned === undefined")
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.locator("img[onerror]").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


def test_upload_a_slack_export_with_a_roles_file(server, page, tmp_path):
    """The Import page: a Slack export zip plus a roles CSV, through the real upload widget."""
    import zipfile

    from coi import Workspace
    from coi.demo import workplace_demo_export, workplace_demo_roles

    url, _, location = server
    export = tmp_path / "tallyfreight slack export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for path in sorted(workplace_demo_export().rglob("*.json")):
            archive.write(path, f"export/{path.relative_to(workplace_demo_export())}")
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Course overview").wait_for(timeout=120_000)
    page.get_by_role("link", name="Import").click()
    page.get_by_role("heading", name="Import a discussion export").wait_for(timeout=60_000)
    uploads = page.locator("[data-testid='stFileUploader'] input[type='file']")
    uploads.nth(0).set_input_files(str(export))
    uploads.nth(1).set_input_files(str(workplace_demo_roles()))
    page.get_by_text("slack_roles.csv").wait_for(timeout=30_000)
    page.get_by_text("export.zip").wait_for(timeout=30_000)  # shown shortened
    page.get_by_role("button", name="Import").click()
    page.get_by_text("169 posts").first.wait_for(timeout=120_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "import.png"), full_page=True)
    workspace = Workspace(location)
    stored = max(workspace.discussions(), key=lambda d: d.id)  # the upload
    assert stored.n_posts == 169
    roles = workspace.posts(stored.id).groupby("author")["role"].first()
    assert roles["Ines Okafor-Lind"] == "facilitator" and roles["Fenna Terpstra"] == "facilitator"
    assert (roles == "student").sum() == len(roles) - 2


def test_killing_the_app_mid_session_loses_no_annotation(tmp_path, page):
    """Annotate in the browser, SIGKILL the server, and find every click in the workspace."""
    import signal

    from coi import Workspace
    from coi.annotation import annotations, assign, coder_id, create_project, notes
    from coi.demo import load_demo

    workspace = Workspace(tmp_path / "ws.sqlite")
    discussion = load_demo(workspace)
    project = create_project(workspace, discussion.id, "Kill test")
    post_ids = workspace.posts(discussion.id)["post_id"].tolist()[:3]
    assign(workspace, project.id, ["Ana"], post_ids)
    port = free_port()
    log = (tmp_path / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "COI_WORKSPACE": str(tmp_path / "ws.sqlite")})
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        page.goto(f"{url}/annotate", wait_until="domcontentloaded")
        name = page.get_by_role("textbox", name="Coding as")
        name.fill("Ana")
        name.press("Enter")
        page.get_by_text("Cognitive phase").wait_for(timeout=120_000)
        radio = page.locator("[data-testid='stRadio']")  # not the shortcut buttons' labels
        radio.get_by_text("exploration", exact=True).click()
        settle(page)
        page.get_by_role("button", name="Done → next").click()
        settle(page)
        radio.get_by_text("integration", exact=True).click()
        settle(page)  # the second post's phase is set, but the post is not finished
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
        log.close()
    ana = coder_id(workspace, project.id, "Ana")
    saved = annotations(workspace, project.id, ana)
    phases = saved[saved["code"] == "cp_phase"].set_index("post_id")["value"].to_dict()
    assert phases == {post_ids[0]: "exploration", post_ids[1]: "integration"}
    finished = notes(workspace, project.id)
    assert finished.set_index("post_id").loc[post_ids[0], "done"]


def test_annotating_with_the_keyboard_only(server, page):
    """1–5 choose the phase, letters flip codes, Ctrl+Enter finishes; keys typed into the memo
    stay in the memo (they must not flip codes)."""
    from coi import Workspace
    from coi.annotation import annotations, assign, coder_id, create_project, notes

    url, _hostile_id, workspace_path = server
    workspace = Workspace(workspace_path)
    discussion = workspace.discussions()[-1]
    project = create_project(workspace, discussion.id, "Keyboard test")
    post_ids = workspace.posts(discussion.id)["post_id"].tolist()[:2]
    assign(workspace, project.id, ["Kim"], post_ids)
    page.goto(f"{url}/annotate", wait_until="domcontentloaded")
    name = page.get_by_role("textbox", name="Coding as")
    name.fill("Kim")
    name.press("Enter")
    page.get_by_text("Cognitive phase").wait_for(timeout=120_000)
    settle(page)
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no widget focused
    for key in ("3", "e", "n"):
        page.keyboard.press(key)
        settle(page)
    memo = page.get_by_role("textbox", name="Memo (decisive indicators, doubts)")
    memo.click()
    page.keyboard.type("tentative: it reads like a question")  # real key events: t, d, e, n…
    memo.press("Tab")
    settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "annotate_keyboard.png"), full_page=True)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Control+Enter")
    settle(page)
    kim = coder_id(workspace, project.id, "Kim")
    saved = annotations(workspace, project.id, kim)
    first = saved[saved["post_id"] == post_ids[0]].set_index("code")["value"].to_dict()
    assert first["cp_phase"] == "exploration"
    assert first["sp_affective"] == "1" and first["needs_reply"] == "1"
    assert first["tp_direct"] == "0" and first["tp_design"] == "0"  # memo letters did not leak
    note = notes(workspace, project.id).set_index("post_id").loc[post_ids[0]]
    assert note["done"] and note["memo"] == "tentative: it reads like a question"
