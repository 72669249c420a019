"""Writing tables for people and tools: CSV/XLSX safe for spreadsheets, JSONL, Parquet.

Spreadsheet programs execute cells that start with ``= + - @`` (and tab/CR) as formulas, so an
exported post reading ``=HYPERLINK("http://evil", "click")`` could run in a reviewer's Excel.
:func:`spreadsheet_safe` prefixes such text cells with an apostrophe (OWASP's advice); numbers,
dates and JSON/Parquet outputs are left as they are.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from coi.errors import CoiError

TABLE_FORMATS = ("csv", "xlsx", "jsonl", "parquet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot be interpreted as spreadsheet formulas."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            out[column] = series.map(_neutralise)
    return out


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def format_from_path(path: str | Path, default: str = "csv") -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"json": "jsonl", "ndjson": "jsonl", "pq": "parquet"}.get(suffix, suffix) if suffix \
        in TABLE_FORMATS + ("json", "ndjson", "pq") else default


def write_table(frame: pd.DataFrame, path: str | Path, format: str | None = None) -> Path:
    """Write ``frame`` atomically (a temp file renamed into place) in the given format."""
    path = Path(path)
    format = format or format_from_path(path)
    if format not in TABLE_FORMATS:
        raise CoiError(f"unknown export format '{format}'; choose one of {TABLE_FORMATS}")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        table_bytes(frame, format, Path(temp))
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path


def table_bytes(frame: pd.DataFrame, format: str, target: Path | None = None) -> bytes:
    """Serialise ``frame``; writes to ``target`` when given, else returns the bytes."""
    import io

    buffer: io.BytesIO | Path = target if target is not None else io.BytesIO()
    native, frame = frame, _plain_times(frame)
    if format == "csv":
        data = spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")
        if isinstance(buffer, Path):
            buffer.write_bytes(data)
        else:
            buffer.write(data)
    elif format == "xlsx":
        spreadsheet_safe(frame).to_excel(buffer, index=False, engine="openpyxl")
    elif format == "jsonl":
        data = frame.to_json(orient="records", lines=True, force_ascii=False,
                             date_format="iso").encode("utf-8")
        if isinstance(buffer, Path):
            buffer.write_bytes(data)
        else:
            buffer.write(data)
    elif format == "parquet":
        native.to_parquet(buffer, index=False)
    else:
        raise CoiError(f"unknown export format '{format}'; choose one of {TABLE_FORMATS}")
    return b"" if isinstance(buffer, Path) else buffer.getvalue()


def _plain_times(frame: pd.DataFrame) -> pd.DataFrame:
    """ISO-8601 strings for timezone-aware columns in text formats that cannot hold them."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].map(lambda t: "" if pd.isna(t) else t.isoformat())
    return out
