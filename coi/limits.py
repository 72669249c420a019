"""Safety limits for untrusted input (uploads, archives, JSON payloads).

Every upload is untrusted. These limits bound how much a file may make coi read, unpack or
nest. Defaults suit one large course export on a laptop; raise them with environment
variables (``COI_MAX_FILE_MB``, ``COI_MAX_ARCHIVE_MB``, ``COI_MAX_ARCHIVE_ENTRIES``,
``COI_MAX_COMPRESSION_RATIO``, ``COI_MAX_JSON_DEPTH``) or by passing a :class:`Limits`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MB = 1024 * 1024


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Bounds applied while reading one file."""

    max_file_bytes: int = 2048 * MB
    max_archive_bytes: int = 4096 * MB  # total uncompressed size of all entries read
    max_archive_entries: int = 100_000
    max_compression_ratio: int = 200  # uncompressed / compressed, per entry above 1 MB
    max_json_depth: int = 200

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_file_bytes=_env_int("COI_MAX_FILE_MB", 2048) * MB,
            max_archive_bytes=_env_int("COI_MAX_ARCHIVE_MB", 4096) * MB,
            max_archive_entries=_env_int("COI_MAX_ARCHIVE_ENTRIES", 100_000),
            max_compression_ratio=_env_int("COI_MAX_COMPRESSION_RATIO", 200),
            max_json_depth=_env_int("COI_MAX_JSON_DEPTH", 200),
        )
