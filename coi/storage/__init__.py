"""Persistent storage: the workspace database and its migrations."""

from coi.storage.workspace import StoredDiscussion, Workspace, database_url, default_location

__all__ = ["StoredDiscussion", "Workspace", "database_url", "default_location"]
