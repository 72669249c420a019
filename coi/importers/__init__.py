"""Importers: discussion exports → the canonical DataFrame (:mod:`coi.schema`) + a report.

``import_file(path)`` detects the format, reads it, cleans the text, repairs the reply tree,
derives depth/position/replies and (optionally) pseudonymises names. Supported formats:

=========  =================================================================================
moodle     Moodle forum export (CSV, JSON flat or array-of-sheets, XLSX)
canvas     Canvas discussion topic full view JSON (one or several topics, or a zip of them)
discourse  Discourse topic JSON ``/t/{id}.json`` (one or several, or a zip)
slack      Slack workspace export (zip or unpacked folder)
generic    any CSV/TSV/JSON/JSONL/XLSX table, with common column names or a column mapping
=========  =================================================================================
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from coi.errors import FormatDetectionError, ImportFormatError
from coi.importers import canvas, discourse, generic, moodle, slack
from coi.importers._common import ImportOptions, normalise_role, parse_times
from coi.importers._io import Source, decode_text, load_json, safe_zip_entries
from coi.importers._tables import read_csv, read_jsonl, read_xlsx, records_frame
from coi.limits import Limits
from coi.report import ImportReport
from coi.schema import coerce
from coi.threads import ROW, derive_structure, repair_reply_tree

FORMATS: dict[str, str] = {
    "moodle": "Moodle forum export (CSV, JSON or XLSX from the forum's Export page)",
    "canvas": "Canvas discussion topic full view JSON (/discussion_topics/:id/view)",
    "discourse": "Discourse topic JSON (/t/{id}.json), one or several",
    "slack": "Slack workspace export (zip or unpacked folder)",
    "generic": "any CSV/TSV/JSON/JSONL/XLSX table with id and text columns",
}

__all__ = ["FORMATS", "ImportOptions", "ImportResult", "detect_format", "import_bytes",
           "import_file", "read_roles"]


@dataclass
class ImportResult:
    """An imported discussion: canonical posts, the import report, and where it came from."""

    posts: pd.DataFrame
    report: ImportReport
    name: str
    format: str
    sha256: str


def import_file(path: str | Path, format: str | None = None, *,
                columns: dict[str, str] | None = None, roles: dict[str, str] | None = None,
                forum: str = "", timezone: str = "UTC", limits: Limits | None = None,
                pseudonymizer: Any = None, group_minutes: int | None = None) -> ImportResult:
    """Import a discussion export from disk (a file, or a Slack export folder).

    Parameters
    ----------
    path : the export file or folder.
    format : one of :data:`FORMATS`; detected from the content when omitted.
    columns : canonical → file column names, for generic tables.
    roles : author name or platform user id → role.
    forum : the course/forum/channel name when the export has none.
    timezone : the zone of times written without one.
    pseudonymizer : a :class:`coi.privacy.Pseudonymizer` to replace names on import.
    group_minutes : for chat channels without reply threads: group stand-alone messages into
        conversations by this time gap and @mentions (:func:`coi.social.group_conversations`).
    """
    limits = limits or Limits.from_env()
    source = Source.from_path(path, limits)
    return _import(source, format, ImportOptions(columns or {}, roles or {}, forum, timezone,
                                                 limits), pseudonymizer, group_minutes)


def import_bytes(name: str, data: bytes, format: str | None = None, *,
                 columns: dict[str, str] | None = None, roles: dict[str, str] | None = None,
                 forum: str = "", timezone: str = "UTC", limits: Limits | None = None,
                 pseudonymizer: Any = None, group_minutes: int | None = None) -> ImportResult:
    """Import an uploaded export held in memory (the dashboard's upload path)."""
    limits = limits or Limits.from_env()
    source = Source.from_bytes(name, data, limits)
    return _import(source, format, ImportOptions(columns or {}, roles or {}, forum, timezone,
                                                 limits), pseudonymizer, group_minutes)


def detect_format(path: str | Path) -> str:
    """The format :func:`import_file` would use for ``path``."""
    limits = Limits.from_env()
    source = Source.from_path(path, limits)
    return _load(source, ImportReport(source.name), limits)[0]


def _import(source: Source, format: str | None, options: ImportOptions,
            pseudonymizer: Any, group_minutes: int | None = None) -> ImportResult:
    if format is not None and format not in FORMATS:
        raise ImportFormatError(f"unknown format '{format}'; choose one of "
                                f"{', '.join(FORMATS)}", file=source.name)
    report = ImportReport(source.name)
    detected, payload = _load(source, report, options.limits)
    chosen = format or detected
    if format and format != detected and not (format == "generic" and isinstance(
            payload, pd.DataFrame)):
        raise ImportFormatError(f"the file does not look like a {format} export (it reads as "
                                f"{detected}); drop --format to let coi detect it",
                                file=source.name)
    report.format = chosen
    forum = source.stem
    if chosen == "moodle":
        posts = moodle.read(payload, options, report, forum)
    elif chosen == "generic":
        posts = generic.read(payload, options, report)
    elif chosen == "canvas":
        posts = canvas.read(payload, options, report, forum)
    elif chosen == "discourse":
        posts = discourse.read(payload, options, report, forum)
    else:
        posts = slack.read(payload, options, report)
    posts = finalise(posts, options, report, has_reply_links=chosen != "generic" or (
        "parent_id" in generic.resolve_columns(payload, options.columns, source.name)))
    if group_minutes:
        from coi.social import group_conversations

        before = posts["thread_id"].nunique()
        posts = group_conversations(posts, gap_minutes=group_minutes)
        report.info(f"{before} stand-alone threads grouped into "
                    f"{posts['thread_id'].nunique()} conversations (gap {group_minutes} min, "
                    "@mentions)")
    if pseudonymizer is not None:
        posts = pseudonymizer.apply(posts)
    report.posts_kept = len(posts)
    report.threads = posts["thread_id"].nunique()
    return ImportResult(posts, report, source.stem, chosen, hashlib.sha256(source.data
                                                                          ).hexdigest())


def _load(source: Source, report: ImportReport, limits: Limits) -> tuple[str, Any]:
    """Read the payload once and name its format: (format, DataFrame | documents | entries)."""
    data = source.data
    if not data.strip():
        raise ImportFormatError("the file is empty", file=source.name)
    if data[:2] == b"PK":
        return _load_zip(source, report, limits)
    if source.suffix in {".jsonl", ".ndjson"}:
        return _table_format(read_jsonl(source, report, limits))
    head = data[:64].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if source.suffix == ".json" or head[:1] in {b"[", b"{"}:
        document = load_json(decode_text(data, source.name, report), source.name, limits)
        return _json_format(document, source.name, report)
    if source.suffix in {".xls", ".ods", ".pdf", ".html", ".htm", ".xml", ".mbz"}:
        raise FormatDetectionError(
            f"{source.suffix} files are not supported; export the forum as CSV, JSON or XLSX "
            f"({', '.join(FORMATS)})", file=source.name)
    if _looks_binary(data):
        raise FormatDetectionError(
            "this is not a text, JSON, XLSX or zip export coi can read. Supported: "
            + "; ".join(f"{k}: {v}" for k, v in FORMATS.items()), file=source.name)
    return _table_format(read_csv(source, report))


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    control = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    zeros = sample.count(0)
    return control > len(sample) // 10 and not (zeros > len(sample) // 4 and control - zeros
                                                 < len(sample) // 20)


def _table_format(table: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    columns = set(table.columns)
    return ("moodle" if moodle.matches(columns) else "generic"), table


def _json_format(document: Any, name: str, report: ImportReport) -> tuple[str, Any]:
    items = document if isinstance(document, list) else [document]
    if items and all(discourse.is_topic(item) for item in items):
        return "discourse", [(name, document)]
    if items and all(canvas.is_view(item) for item in items):
        return "canvas", [(name, document)]
    records = _records(document)
    if records is not None:
        return _table_format(records_frame(records, name, report))
    raise FormatDetectionError(
        "JSON not recognised: expected a Canvas discussion view, a Discourse topic, a Moodle "
        "forum export, or a list of post objects. Supported: " + ", ".join(FORMATS), file=name)


def _records(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        if document and all(isinstance(sheet, list) for sheet in document):  # Moodle sheets
            return [row for sheet in document for row in sheet]
        return document
    if isinstance(document, dict):
        lists = [v for v in document.values() if isinstance(v, list) and v and all(
            isinstance(x, dict) for x in v)]
        if len(lists) == 1:  # e.g. {"posts": [...]}
            return lists[0]
    return None


def _load_zip(source: Source, report: ImportReport, limits: Limits) -> tuple[str, Any]:
    import io
    import zipfile

    try:
        names = zipfile.ZipFile(io.BytesIO(source.data)).namelist()
    except zipfile.BadZipFile:
        raise ImportFormatError("not a readable zip archive (it may be truncated)",
                                file=source.name) from None
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return _table_format(read_xlsx(source, report, limits))
    entries = safe_zip_entries(source, limits, report)
    if slack.is_export(list(entries)):
        return "slack", entries
    documents = []
    for entry, data in sorted(entries.items()):
        location = f"{source.name}:{entry}"
        try:
            documents.append((location, load_json(decode_text(data, location), location,
                                                  limits)))
        except ImportFormatError as exc:
            report.error(f"{exc}; skipped", file=location)
    items = [item for _, doc in documents for item in (doc if isinstance(doc, list) else [doc])]
    if items and all(discourse.is_topic(item) for item in items):
        return "discourse", documents
    if items and all(canvas.is_view(item) for item in items):
        return "canvas", documents
    raise FormatDetectionError(
        "zip archive not recognised: expected a Slack export, or JSON files of Canvas "
        "discussion views or Discourse topics", file=source.name)


def finalise(posts: pd.DataFrame, options: ImportOptions, report: ImportReport, *,
             has_reply_links: bool = True) -> pd.DataFrame:
    """Shared last steps: times, roles, empty posts, reply-tree repair, derived columns."""
    posts = posts.reset_index(drop=True)
    if ROW not in posts.columns:
        posts[ROW] = range(1, len(posts) + 1)
    if "placeholder" not in posts.columns:
        posts["placeholder"] = False
    posts["placeholder"] = posts["placeholder"].fillna(False).astype(bool)
    if not pd.api.types.is_datetime64_any_dtype(posts["created_at"]):
        posts["created_at"] = parse_times(posts["created_at"].fillna(""), posts[ROW],
                                          "created_at", report, options.timezone)
    posts = _apply_roles(posts, options.roles)
    posts = _mark_empty(posts, report)
    posts = repair_reply_tree(posts, report, has_reply_links=has_reply_links)
    if not (posts["forum"].astype(str) != "").all():
        posts["forum"] = posts["forum"].replace("", options.forum or report.source)
    return coerce(derive_structure(posts))


def _apply_roles(posts: pd.DataFrame, roles: dict[str, str]) -> pd.DataFrame:
    if not roles:
        return posts
    lookup = {str(k).strip().lower(): normalise_role(v) for k, v in roles.items()}
    ids = posts.get("_author_id", pd.Series("", index=posts.index)).astype(str).str.lower()
    names = posts["author"].astype(str).str.strip().str.lower()
    mapped = ids.map(lookup).fillna(names.map(lookup))
    posts["role"] = mapped.fillna(posts["role"]).fillna("unknown")
    return posts


def _mark_empty(posts: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    empty = (~posts["placeholder"]) & (posts["text"].astype(str).str.strip() == "")
    for row, pid in zip(posts.loc[empty, ROW][:50], posts.loc[empty, "post_id"][:50],
                        strict=False):
        report.warning("empty post body; kept as a placeholder (not coded)", row=int(row),
                       field="text", post_id=str(pid))
    if empty.sum() > 50:
        report.warning(f"{int(empty.sum()) - 50} more empty posts kept as placeholders")
    posts.loc[empty, "placeholder"] = True
    posts.loc[empty, "text"] = "[empty post]"
    return posts


def read_roles(path: str | Path) -> dict[str, str]:
    """A role mapping file: a table whose first column names users (name or platform id) and
    whose ``role`` column (else the second column) gives their role."""
    limits = Limits.from_env()
    return _roles(Source.from_path(path, limits), limits)


def read_roles_bytes(name: str, data: bytes) -> dict[str, str]:
    """:func:`read_roles` for an uploaded roles file held in memory."""
    limits = Limits.from_env()
    return _roles(Source.from_bytes(name, data, limits), limits)


def _roles(source: Source, limits: Limits) -> dict[str, str]:
    report = ImportReport(source.name)
    table = read_xlsx(source, report, limits) if source.data[:2] == b"PK" else read_csv(
        source, report)
    columns = [c for c in table.columns if c != ROW]
    if len(columns) < 2:
        raise ImportFormatError("a roles file needs two columns: user and role",
                                file=source.name)
    role_column = "role" if "role" in columns else columns[1]
    user_column = next(c for c in columns if c != role_column)
    return {str(user).strip(): str(role).strip() for user, role in zip(
        table[user_column], table[role_column], strict=True) if str(user).strip()}
