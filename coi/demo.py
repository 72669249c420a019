"""The bundled demo discussion: a course forum written for the project (not real learners).

It ships as a Moodle forum export (CSV, exactly as Moodle writes it) plus a roles file, so the
quickstart exercises the same import path a facilitator's own export takes.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from coi.importers import import_file, read_roles
from coi.storage import StoredDiscussion, Workspace

DEMO_NAME = "Demo: EDUC 5120 Designing Online Learning"


def demo_export() -> Path:
    """Path of the demo Moodle export inside the installed package."""
    return Path(str(files("coi") / "data" / "demo" / "moodle_forum_export.csv"))


def demo_roles() -> Path:
    return Path(str(files("coi") / "data" / "demo" / "roles.csv"))


def load_demo(workspace: Workspace) -> StoredDiscussion:
    """Import the demo into ``workspace`` (once; re-running returns the stored copy)."""
    result = import_file(demo_export(), roles=read_roles(demo_roles()),
                         forum="EDUC 5120 Designing Online Learning")
    result.name = DEMO_NAME
    return workspace.add(result, options={"demo": True})
