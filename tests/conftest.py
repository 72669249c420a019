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


@pytest.fixture
def workspace(tmp_path: Path):
    from coi.storage import Workspace

    return Workspace(tmp_path / "workspace.sqlite")


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()
