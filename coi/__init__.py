"""coi — Community of Inquiry discussion coding.

Import discussion exports into a canonical DataFrame, keep them in a workspace, code posts
with the CoI template, and show presences and facilitation suggestions.

>>> import coi
>>> result = coi.import_file("forum_export.csv")        # doctest: +SKIP
>>> result.posts.head()                                 # doctest: +SKIP
"""

from coi.errors import (
    CodebookError,
    CoiError,
    FormatDetectionError,
    ImportFormatError,
    InputLimitError,
    ModelError,
    SchemaError,
    WorkspaceError,
)
from coi.importers import FORMATS, ImportResult, detect_format, import_bytes, import_file
from coi.privacy import Pseudonymizer
from coi.report import ImportIssue, ImportReport
from coi.schema import COLUMNS, ROLES
from coi.storage import Workspace

__all__ = [
    "COLUMNS", "FORMATS", "ROLES", "CodebookError", "CoiError", "FormatDetectionError",
    "ImportFormatError", "ImportIssue", "ImportReport", "ImportResult", "InputLimitError",
    "ModelError", "Pseudonymizer", "SchemaError", "Workspace", "WorkspaceError", "detect_format",
    "import_bytes", "import_file",
]
