"""The bundled demo discussions, written for the project (invented people, not real learners).

* a course forum, shipped as a Moodle forum export (CSV, exactly as Moodle writes it);
* a workplace learning community, shipped as a Slack export folder (two channels of an
  invented company), for the Social learning page.

Each comes with a roles file and goes through the same import path as a user's own export.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from coi.importers import import_file, read_roles
from coi.storage import StoredDiscussion, Workspace

DEMO_NAME = "Demo: EDUC 5120 Designing Online Learning"
WORKPLACE_DEMO_NAME = "Demo: Tallyfreight Slack (workplace learning)"


def demo_export() -> Path:
    """Path of the demo Moodle export inside the installed package."""
    return Path(str(files("coi") / "data" / "demo" / "moodle_forum_export.csv"))


def demo_roles() -> Path:
    return Path(str(files("coi") / "data" / "demo" / "roles.csv"))


def workplace_demo_export() -> Path:
    """Path of the demo Slack export folder inside the installed package."""
    return Path(str(files("coi") / "data" / "demo" / "slack_workplace"))


def workplace_demo_roles() -> Path:
    return Path(str(files("coi") / "data" / "demo" / "slack_roles.csv"))


def load_workplace_demo(workspace: Workspace) -> StoredDiscussion:
    """Import the workplace (Slack) demo into ``workspace`` (once)."""
    result = import_file(workplace_demo_export(), roles=read_roles(workplace_demo_roles()))
    result.name = WORKPLACE_DEMO_NAME
    return workspace.add(result, options={"demo": "workplace"})


def load_demos(workspace: Workspace) -> StoredDiscussion:
    """Import both demos; the course forum last, so it is the one the dashboard opens on."""
    load_workplace_demo(workspace)
    return load_demo(workspace)


def load_demo(workspace: Workspace) -> StoredDiscussion:
    """Import the demo into ``workspace`` (once; re-running returns the stored copy)."""
    result = import_file(demo_export(), roles=read_roles(demo_roles()),
                         forum="EDUC 5120 Designing Online Learning")
    result.name = DEMO_NAME
    return workspace.add(result, options={"demo": True})
