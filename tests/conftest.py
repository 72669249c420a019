"""Shared test fixtures: paths to platform-shaped export files and a fresh workspace."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def slack_zip(tmp_path: Path) -> Path:
    """The Slack export fixture folder zipped the way Slack delivers it."""
    target = tmp_path / "Logistics Slack export Mar 5 2024 - Mar 6 2024.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        root = FIXTURES / "slack" / "export"
        for file in sorted(root.rglob("*.json")):
            archive.write(file, file.relative_to(root).as_posix())
    return target


POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres",
                        connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no server to test against"
        return False


@pytest.fixture
def postgres_url():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import os
    import uuid

    if not postgres_available():
        if os.environ.get("COI_REQUIRE_POSTGRES") == "1":
            pytest.fail("COI_REQUIRE_POSTGRES=1 but no PostgreSQL server on 127.0.0.1:5432")
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    import psycopg

    name = f"coi_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres",
                         autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"{POSTGRES_SERVER}/{name}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres",
                         autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request, tmp_path: Path):
    """A real workspace: a SQLite file, and a PostgreSQL database where a server runs."""
    from coi.storage import Workspace

    if request.param == "sqlite":
        yield Workspace(tmp_path / "workspace.sqlite")
        return
    url = request.getfixturevalue("postgres_url")
    workspace = Workspace(url)
    yield workspace
    workspace.engine.dispose()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A small model trained for real on part of the bootstrap corpus (fast settings)."""
    from coi import corpus
    from coi.pipeline.training import TrainingOptions, train_model

    posts = corpus.load()
    train_threads = sorted(set(posts.loc[posts["split"] == "train", "thread_id"]))[:36]
    dev_threads = sorted(set(posts.loc[posts["split"] == "dev", "thread_id"]))[:6]
    data = posts[posts["thread_id"].isin(train_threads + dev_threads)]
    out = tmp_path_factory.mktemp("models") / "tiny"
    train_model(data, out, TrainingOptions(folds=2, max_epochs=2, eval_frequency=50))
    return out
