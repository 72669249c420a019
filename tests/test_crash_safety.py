"""Kill the process in the middle of an import, a coding run and a training run: the workspace
stays consistent, a re-run resumes or redoes cleanly, and a good model is never replaced by a
half-written one. (Killing an annotation session: tests/test_browser.py.)"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

from coi import Workspace, import_file
from coi.runs import coded_discussion, model_fingerprint
from coi.storage import tables

ROOT = Path(__file__).resolve().parents[1]


def run_and_kill(code: str, after: float) -> None:
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def consistent(workspace: Workspace) -> None:
    with workspace.engine.connect() as connection:
        for discussion in workspace.discussions():
            stored = connection.execute(select(func.count()).select_from(tables.posts).where(
                tables.posts.c.discussion_id == discussion.id)).scalar_one()
            assert stored == discussion.n_posts
        orphans = connection.execute(select(func.count()).select_from(tables.posts).where(
            tables.posts.c.discussion_id.not_in(select(tables.discussions.c.id)))).scalar_one()
        assert orphans == 0


def test_killed_import_leaves_no_half_discussion(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_import import generate

    export = tmp_path / "big.csv"
    generate(export, 60_000)
    ws = tmp_path / "ws.sqlite"
    for after in (1.5, 3.0, 4.5):  # while parsing, converting, or writing to the database
        run_and_kill(f"from coi.cli import main; main(['import', {str(export)!r}, "
                     f"'--workspace', {str(ws)!r}, '--quiet'])", after)
        consistent(Workspace(ws))
    workspace = Workspace(ws)
    stored = workspace.add(import_file(export))
    assert workspace.posts(stored.id).shape[0] == 60_000
    consistent(workspace)


def test_killed_coding_run_resumes(tmp_path, tiny_model):
    from coi import corpus

    ws = tmp_path / "ws.sqlite"
    workspace = Workspace(ws)
    posts = corpus.load()[list(corpus.load().columns[:16])]
    from coi.importers import ImportResult
    from coi.report import ImportReport

    stored = workspace.add(ImportResult(posts, ImportReport("corpus"), "corpus", "generic", "x"))
    # SIGKILL itself right after the third batch is committed: a real crash mid-run
    script = (f"import os, signal; from coi import Workspace; import coi.runs as r; "
              f"r.BATCH = 100; store = r._store; calls = []\n"
              f"def crash(*a):\n    store(*a); calls.append(1)\n"
              f"    if len(calls) == 3: os.kill(os.getpid(), signal.SIGKILL)\n"
              f"r._store = crash\n"
              f"r.coded_discussion(Workspace({str(ws)!r}), {stored.id}, "
              f"model={str(tiny_model)!r})")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=300)
    with workspace.engine.connect() as connection:
        partial = connection.execute(select(func.count()).select_from(
            tables.coded_posts)).scalar_one()
        run = connection.execute(select(tables.model_runs)).mappings().all()
    assert len(run) == 1 and not run[0]["complete"]
    assert 0 < partial < len(posts)  # killed half-way: some batches were committed
    resumed = coded_discussion(workspace, stored.id, model=tiny_model)
    assert len(resumed) == len(posts) and resumed["post_id"].is_unique
    fresh = coded_discussion(Workspace(tmp_path / "fresh.sqlite"), Workspace(
        tmp_path / "fresh.sqlite").add(ImportResult(posts, ImportReport("c"), "c", "generic",
                                                    "y")).id, model=tiny_model)
    pd.testing.assert_frame_equal(
        resumed.drop(columns=[c for c in resumed.columns if c.startswith("p_")]),
        fresh.drop(columns=[c for c in fresh.columns if c.startswith("p_")]))


def test_killed_training_keeps_the_good_model(tmp_path, tiny_model):
    import shutil

    from coi import corpus
    from coi.pipeline.build import load_model

    good = tmp_path / "model"
    shutil.copytree(tiny_model, good)
    before = model_fingerprint(good)
    data = tmp_path / "labelled.jsonl"
    corpus.load().head(400).to_json(data, orient="records", lines=True, date_format="iso")
    # SIGKILL while the new model is being written (the combiner's files), i.e. the worst moment
    script = (f"import os, signal; from coi.pipeline import components as c\n"
              f"def crash(self, path, exclude=()):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
              f"c.CombinerComponent.to_disk = crash\n"
              f"from coi.cli import main; main(['train', '--data', {str(data)!r}, "
              f"'--out', {str(good)!r}, '--folds', '2', '--max-epochs', '2'])")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=600)
    assert model_fingerprint(good) == before
    assert load_model(good).pipe_names[-1] == "coi_combiner"
