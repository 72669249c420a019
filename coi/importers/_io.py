"""Reading untrusted bytes: size limits, encodings, JSON, archives (zip-slip, zip bombs)."""

from __future__ import annotations

import codecs
import io
import json
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coi.errors import ImportFormatError, InputLimitError
from coi.limits import MB, Limits
from coi.report import ImportReport


@dataclass
class Source:
    """A file to import: its display name and its bytes (read once, size-checked)."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    @classmethod
    def from_path(cls, path: str | Path, limits: Limits) -> Source:
        path = Path(path)
        if not path.exists():
            raise ImportFormatError("no such file; check the path", file=str(path))
        if path.is_dir():
            return cls(path.name, _zip_directory(path, limits))
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise InputLimitError(
                f"{path}: the file is {size / MB:.0f} MB, above the "
                f"{limits.max_file_bytes / MB:.0f} MB limit. Split the export, or raise "
                "COI_MAX_FILE_MB if you trust the file.")
        return cls(path.name, path.read_bytes())

    @classmethod
    def from_bytes(cls, name: str, data: bytes, limits: Limits) -> Source:
        if len(data) > limits.max_file_bytes:
            raise InputLimitError(
                f"{name}: the upload is {len(data) / MB:.0f} MB, above the "
                f"{limits.max_file_bytes / MB:.0f} MB limit.")
        return cls(name, data)


def _zip_directory(path: Path, limits: Limits) -> bytes:
    """An unpacked export folder (e.g. a Slack export) read as if it were its zip."""
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(path.rglob("*")):
            if file.is_symlink() or not file.is_file():
                continue
            total += file.stat().st_size
            if total > limits.max_archive_bytes:
                raise InputLimitError(f"{path}: the folder holds more than "
                                      f"{limits.max_archive_bytes / MB:.0f} MB.")
            archive.write(file, file.relative_to(path).as_posix())
    return buffer.getvalue()


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, name: str, report: ImportReport | None = None) -> str:
    """Decode bytes whose encoding is unknown: BOMs, UTF-8, UTF-16 without BOM, cp1252.

    Excel's "Unicode text" is UTF-16 with a BOM; Excel's CSV on Windows is cp1252; Moodle's CSV
    writer adds a UTF-8 BOM. A last resort (latin-1) never fails but is reported.
    """
    encoding = _detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # a BOM or NULs promised an encoding the bytes do not keep
        encoding = next((e for e in ("utf-8", "cp1252") if _decodes(data, e)), "latin-1")
        text = data.decode(encoding)
    if report is not None:
        report.encoding = encoding
        if encoding in {"cp1252", "latin-1"}:
            report.info(f"the file is not UTF-8; it was read as {encoding}. If accented letters "
                        "look wrong, re-save the export as UTF-8.", file=name)
    return text.replace("\x00", "")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _detect_encoding(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    sample = data[:4096]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        return "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
    return next((e for e in ("utf-8", "cp1252") if _decodes(data, e)), "latin-1")


def load_json(text: str, name: str, limits: Limits) -> Any:
    """Parse JSON with a clear error (line and column) and a nesting-depth limit."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}. Check that the "
            "file is complete (not truncated) and was saved as JSON.", file=name,
            row=exc.lineno) from None
    except RecursionError:
        raise InputLimitError(f"{name}: JSON nested too deeply to be a discussion export.") \
            from None
    check_depth(value, name, limits)
    return value


def check_depth(value: Any, name: str, limits: Limits) -> None:
    """Refuse payloads nested deeper than ``limits.max_json_depth`` (walks without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limits.max_json_depth:
            raise InputLimitError(f"{name}: JSON nested deeper than {limits.max_json_depth} "
                                  "levels; refused. Raise COI_MAX_JSON_DEPTH if the file is "
                                  "genuine.")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def safe_zip_entries(source: Source, limits: Limits, report: ImportReport,
                     *, suffixes: tuple[str, ...] = (".json",)) -> dict[str, bytes]:
    """Read the entries of a zip archive safely; returns {normalised path: bytes}.

    Entries whose names escape the archive (absolute paths, ``..``) are refused and reported
    (zip-slip); nothing is ever extracted to disk. Archives with too many entries, entries with
    an absurd compression ratio, or a total uncompressed size above the limit are refused
    before anything is decompressed (zip bombs). Declared sizes are enforced while reading,
    so a forged header cannot smuggle more bytes.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
    except zipfile.BadZipFile:
        raise ImportFormatError("not a readable zip archive (it may be truncated)",
                                file=source.name) from None
    with archive:
        infos = archive.infolist()
        check_zip_infos(infos, source.name, limits)
        entries: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            normalised = posixpath.normpath(name)
            if (name.startswith("/") or normalised.startswith("..") or ":" in name.split("/")[0]
                    or "/../" in f"/{name}/"):
                report.error("archive entry points outside the archive (zip-slip); skipped",
                             file=f"{source.name}:{name}")
                continue
            if not normalised.lower().endswith(suffixes) or "__MACOSX" in normalised:
                continue
            entries[normalised] = _read_bounded(archive, info, source.name)
        return entries


def check_zip_infos(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    """Refuse zip bombs from the central directory, before decompressing anything."""
    if len(infos) > limits.max_archive_entries:
        raise InputLimitError(f"{name}: the archive has {len(infos)} entries, above the "
                              f"{limits.max_archive_entries} limit; refused.")
    total = sum(info.file_size for info in infos)
    if total > limits.max_archive_bytes:
        raise InputLimitError(f"{name}: the archive would unpack to {total / MB:.0f} MB, above "
                              f"the {limits.max_archive_bytes / MB:.0f} MB limit; refused.")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > limits.max_compression_ratio:
            raise InputLimitError(
                f"{name}: entry {info.filename!r} expands {ratio:.0f}× "
                f"({info.file_size / MB:.0f} MB); refused as a likely zip bomb.")


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ImportFormatError(f"cannot read archive entry {info.filename!r}: {exc}",
                                file=name) from None
    if len(data) > info.file_size:
        raise InputLimitError(f"{name}: entry {info.filename!r} holds more data than its header "
                              "declares; refused.")
    return data
