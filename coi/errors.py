"""The exceptions coi raises, in one hierarchy.

::

    CoiError                      anything coi reports to a user
    ├── ImportFormatError         a file cannot be read as a discussion export
    │   └── FormatDetectionError  no importer recognises the file
    ├── InputLimitError           a file or archive exceeds a safety limit
    ├── SchemaError               a DataFrame does not follow the canonical schema
    ├── WorkspaceError            the workspace database cannot be opened or written
    ├── CodebookError             the codebook or pattern data is invalid
    └── ModelError                a coding model cannot be loaded, trained or applied

Every message says what happened, where (file, row, field when known) and what to do.
"""

from __future__ import annotations


class CoiError(Exception):
    """Base class: an error meant to be shown to a user, without a traceback."""


class ImportFormatError(CoiError):
    """A file cannot be read as the requested or detected export format.

    Carries the file and, when known, the row (1-based, as a spreadsheet shows it) and field.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.row, self.field = file, row, field
        where = ", ".join(
            part for part in (
                file and f"file {file}",
                row is not None and f"row {row}",
                field and f"field '{field}'",
            ) if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class FormatDetectionError(ImportFormatError):
    """No importer recognised the file; the message lists what was tried."""


class InputLimitError(CoiError):
    """A file, archive entry or payload is larger or deeper than the configured limits."""


class SchemaError(CoiError):
    """A discussion DataFrame is missing canonical columns or holds invalid values."""


class WorkspaceError(CoiError):
    """The workspace database cannot be opened, migrated or written."""


class CodebookError(CoiError):
    """The codebook, indicator patterns or suggestion rules are invalid."""


class ModelError(CoiError):
    """A coding model cannot be loaded, trained or applied."""
