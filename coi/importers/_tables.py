"""Tabular sources (CSV/TSV, XLSX, JSON records, JSONL) read as string tables with row numbers.

Every table returned has string cells, lower-cased stripped header names, and a ``_row``
column holding the row number a user would look for: the spreadsheet row (header = row 1) for
CSV/XLSX, the record number for JSON, the line number for JSONL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

import pandas as pd

from coi.errors import ImportFormatError, InputLimitError
from coi.importers._io import Source, check_depth, check_zip_infos, decode_text, load_json
from coi.limits import Limits
from coi.report import ImportReport
from coi.threads import ROW

csv.field_size_limit(64 * 1024 * 1024)


def normalise_header(name: object) -> str:
    return str(name).replace("\ufeff", "").strip().lower()


def _frame(header: list[str], rows: list[list[str]], numbers: list[int], name: str,
           report: ImportReport) -> pd.DataFrame:
    columns = [normalise_header(h) for h in header]
    seen: dict[str, int] = {}
    for index, column in enumerate(columns):
        if not column:
            columns[index] = column = f"column_{index + 1}"
        if column in seen:
            seen[column] += 1
            report.warning(f"column name '{column}' appears twice; the second is read as "
                           f"'{column}_{seen[column]}'", file=name, field=column)
            columns[index] = f"{column}_{seen[column]}"
        else:
            seen[column] = 1
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(
        columns=columns, dtype=object)
    frame = frame.fillna("").astype(str)
    frame[ROW] = numbers
    return frame


def read_csv(source: Source, report: ImportReport) -> pd.DataFrame:
    """CSV or TSV with any common encoding; malformed rows are reported and skipped.

    Well-formed files take pandas' C parser; a file with a malformed row is re-read with the
    csv module, which knows each record's row number, so the report can name it.
    """
    text = decode_text(source.data, source.name, report)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > max(first_line.count(","),
                                                     first_line.count(";")) else (
        ";" if first_line.count(";") > first_line.count(",") else ",")
    fast = _read_csv_fast(text, delimiter, source.name, report)
    if fast is not None:
        return fast
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFormatError("the file is empty", file=source.name) from None
    except csv.Error as exc:
        raise ImportFormatError(f"cannot read the header row: {exc}", file=source.name,
                                row=1) from None
    rows: list[list[str]] = []
    numbers: list[int] = []
    width = len(header)
    record = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            record += 1
            report.error(f"unreadable row ({exc}); skipped", file=source.name, row=record)
            continue
        record += 1
        if not values or not any(v.strip() for v in values):
            continue
        if len(values) > width:
            if not any(v.strip() for v in values[width:]):
                values = values[:width]
            else:
                report.error(f"row has {len(values)} fields but the header has {width} (an "
                             "unquoted delimiter or line break in a post?); skipped",
                             file=source.name, row=record)
                continue
        elif len(values) < width:
            values = values + [""] * (width - len(values))
        rows.append(values)
        numbers.append(record)
    report.records_read = len(rows) + report.skipped
    return _frame(header, rows, numbers, source.name, report)


def _read_csv_fast(text: str, delimiter: str, name: str,
                   report: ImportReport) -> pd.DataFrame | None:
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, on_bad_lines="error", engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    header = list(frame.columns)
    if any(str(h).startswith("Unnamed: ") or "." in str(h) and str(h).rsplit(".", 1)[0] in
           header for h in header):
        return None  # blank or duplicate header names: the careful reader reports them
    columns = [normalise_header(h) for h in header]
    if "" in columns or len(set(columns)) != len(columns):
        return None
    frame.columns = columns
    frame[ROW] = range(2, len(frame) + 2)
    frame = frame.loc[(frame[columns] != "").any(axis=1)].reset_index(drop=True)
    report.records_read = len(frame)
    return frame


def read_xlsx(source: Source, report: ImportReport, limits: Limits) -> pd.DataFrame:
    """First worksheet of an .xlsx workbook; dates become ISO strings."""
    import openpyxl  # imported lazily: only XLSX imports pay for it

    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        check_zip_infos(archive.infolist(), source.name, limits)
        _refuse_xml_entities(archive, source.name)
        # data_only=False: a post typed as "=…" is kept as typed, not as a missing value
        workbook = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True,
                                          data_only=False)
    except zipfile.BadZipFile:
        raise ImportFormatError("not a readable .xlsx workbook (is it an old .xls? save it as "
                                ".xlsx or CSV)", file=source.name) from None
    except (KeyError, ValueError, OSError) as exc:
        raise ImportFormatError(f"cannot open the workbook: {exc}", file=source.name) from None
    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = cells
                continue
            width = len(header)
            rows.append((cells + [""] * width)[:width])
            numbers.append(number)
    finally:
        workbook.close()
    if header is None:
        raise ImportFormatError("the first worksheet is empty", file=source.name)
    report.encoding = "xlsx"
    report.records_read = len(rows)
    return _frame(header, rows, numbers, source.name, report)


def _refuse_xml_entities(archive: zipfile.ZipFile, name: str) -> None:
    """Workbooks never need DTDs: entity declarations are how 'billion laughs' payloads
    expand a few bytes into gigabytes, so they are refused before any XML is parsed."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as handle:
                head = handle.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise InputLimitError(f"{name}: {info.filename} declares XML entities (a "
                                      "'billion laughs' payload?); refused")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def records_frame(records: list[Any], name: str, report: ImportReport,
                  numbers: list[int] | None = None) -> pd.DataFrame:
    """A list of JSON objects as a string table (nested values kept as JSON text)."""
    header: list[str] = []
    known: set[str] = set()
    kept: list[dict[str, Any]] = []
    kept_numbers: list[int] = []
    for index, record in enumerate(records):
        number = numbers[index] if numbers else index + 1
        if not isinstance(record, dict):
            report.error(f"expected an object with post fields, found {type(record).__name__}; "
                         "skipped", file=name, row=number)
            continue
        for key in record:
            norm = normalise_header(key)
            if norm not in known:
                known.add(norm)
                header.append(norm)
        kept.append({normalise_header(k): v for k, v in record.items()})
        kept_numbers.append(number)
    rows = [[_json_cell(record.get(column)) for column in header] for record in kept]
    report.records_read = len(records)
    return _frame(header, rows, kept_numbers, name, report)


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_jsonl(source: Source, report: ImportReport, limits: Limits) -> pd.DataFrame:
    text = decode_text(source.data, source.name, report)
    records: list[Any] = []
    numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
            check_depth(value, source.name, limits)
        except json.JSONDecodeError as exc:
            report.error(f"malformed JSON on this line ({exc.msg}); skipped", file=source.name,
                         row=number)
            continue
        except RecursionError:
            report.error("JSON nested too deeply; skipped", file=source.name, row=number)
            continue
        records.append(value)
        numbers.append(number)
    frame = records_frame(records, source.name, report, numbers)
    report.records_read = len(records) + sum(
        1 for issue in report.issues if issue.severity == "error")
    return frame


def read_json_records(source: Source, report: ImportReport, limits: Limits) -> Any:
    """Parse a JSON document (any shape); the caller decides how to read it."""
    return load_json(decode_text(source.data, source.name, report), source.name, limits)
