"""Several coders writing at once, from separate processes, lose nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing

from coi import Workspace, import_file
from coi.annotation import annotations, coder_id, create_project, set_code, set_note

CODES = ("cp_phase", "sp_affective", "sp_interactive", "sp_cohesive", "tp_direct")


def code_posts(location: str, project_id: int, coder: str, post_ids: list[str]) -> None:
    workspace = Workspace(location)
    me = coder_id(workspace, project_id, coder)
    for index, post_id in enumerate(post_ids):
        for code in CODES:
            value = "exploration" if code == "cp_phase" else index % 2
            set_code(workspace, project_id, me, post_id, code, value)
        set_note(workspace, project_id, me, post_id, memo=f"{coder} {index}", done=True)
    workspace.engine.dispose()


def test_four_coders_in_four_processes(workspace, fixtures):
    stored = workspace.add(import_file(fixtures / "generic" / "minimal.csv"))
    project = create_project(workspace, stored.id, "concurrent")
    post_ids = [f"p{i}" for i in range(60)]  # codes need not match posts for this test
    location = workspace.url
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=code_posts, args=(location, project.id, f"coder{n}",
                                                          post_ids)) for n in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=240)
        assert process.exitcode == 0
    table = annotations(workspace, project.id)
    assert len(table) == 4 * len(post_ids) * len(CODES)
    assert table.groupby("coder").size().to_dict() == {f"coder{n}": 300 for n in range(4)}
