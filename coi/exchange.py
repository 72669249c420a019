"""Exports for the field, and the way back in.

* :func:`codes_table` — one row per post (and coder), one column per code: CSV/JSONL;
* :func:`ena_table` — an Epistemic Network Analysis table: units (author, role), conversation
  = thread, the posts in order, every code as a 0/1 column (the shape rENA and webENA read);
* :func:`write_qdc` / :func:`write_qdpx` — REFI-QDA codebook (``.qdc``) and project
  (``.qdpx``: a zip of ``project.qde`` and the thread texts) with one user per coder, so the work
  opens in NVivo, ATLAS.ti, MAXQDA or QualCoder;
* :func:`read_codes` / :func:`import_codes` — a codes CSV/JSONL back into a coding project.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from coi.codebook import Codebook, load_codebook
from coi.errors import CoiError
from coi.text import own_words

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PHASE_COLUMNS = ("triggering", "exploration", "integration", "resolution")
_NAMESPACE = uuid.UUID("6f0d3a51-2b7e-4d55-9a57-39f1c6a1b0c4")  # stable GUIDs for coi ids


def guid(*parts: object) -> str:
    """A stable GUID for a coi object (same input → same GUID across exports)."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(map(str, parts))))


# -- tables ---------------------------------------------------------------------------------------
def codes_table(posts: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Posts with their codes: one row per post (and coder, when ``codes`` has one)."""
    columns = ["post_id", "thread_id", "parent_id", "author", "role", "created_at", "forum",
               "title", "depth", "position", "n_replies", "is_starter", "text"]
    merged = codes.merge(posts[columns], on="post_id", how="left", validate="many_to_one",
                         suffixes=("", "_post"))
    if "thread_id_post" in merged.columns:
        merged["thread_id"] = merged["thread_id"].fillna(merged.pop("thread_id_post"))
    first = [c for c in ("post_id", "coder") if c in merged.columns]
    rest = [c for c in merged.columns if c not in first and c not in columns]
    return merged[first + [c for c in columns if c != "post_id"] + rest]


def ena_table(posts: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """The ENA input: one row per post in conversation order, codes as 0/1 integers.

    Units: ``UserName`` (author) and ``Role``; conversation: ``Forum`` + ``Conversation``
    (the thread); ``Line`` numbers the posts within a conversation; ``Text`` holds the author's
    own words. Code columns: ``SP_affective`` … ``TP_direct`` and one column per cognitive
    phase (``CP_triggering`` … ``CP_resolution``; "other" is all zeros).
    """
    data = codes.merge(posts, on="post_id", how="inner", suffixes=("", "_post"))
    data = data.sort_values(["forum", "thread_id", "position"], kind="stable")
    table = pd.DataFrame({
        "UserName": data["author"].to_numpy(), "Role": data["role"].to_numpy(),
        "Forum": data["forum"].to_numpy(), "Conversation": data["thread_id"].to_numpy(),
        "Line": data["position"].astype(int).to_numpy(), "PostID": data["post_id"].to_numpy(),
        "Time": data["created_at"].map(lambda t: "" if pd.isna(t) else t.isoformat()).to_numpy(),
        "Text": data["text"].map(own_words).to_numpy(),
    })
    for column in ("sp_affective", "sp_interactive", "sp_cohesive", "tp_design",
                   "tp_facilitation", "tp_direct"):
        if column in data.columns:
            name = column.replace("sp_", "SP_").replace("tp_", "TP_")
            table[name] = pd.to_numeric(data[column], errors="coerce").fillna(0).astype(
                int).to_numpy()
    if "cp_phase" in data.columns:
        for phase in PHASE_COLUMNS:
            table[f"CP_{phase}"] = (data["cp_phase"] == phase).astype(int).to_numpy()
    return table.reset_index(drop=True)


# -- REFI-QDA -------------------------------------------------------------------------------------
def _code_elements(parent: ET.Element, codebook: Codebook, namespace: str) -> dict[str, str]:
    """Codes as nested REFI-QDA <Code> elements; returns code id → GUID for codable codes."""
    guids: dict[str, str] = {}
    codes = ET.SubElement(parent, f"{{{namespace}}}Codes")
    colours = {"presence": "#808080", "sp": "#F59E0B", "tp": "#10B981", "cp": "#3B82F6",
               "needs_reply": "#EF4444"}
    for dimension in codebook.dimensions:
        if dimension.kind == "score":
            continue
        group = ET.SubElement(codes, f"{{{namespace}}}Code", guid=guid("dimension", dimension.id),
                              name=dimension.name, isCodable="false",
                              color=colours.get(dimension.id, "#808080"))
        for label in dimension.labels:
            if dimension.kind == "exclusive" and label.value == dimension.none:
                continue
            code_guid = guid("code", label.code)
            element = ET.SubElement(group, f"{{{namespace}}}Code", guid=code_guid,
                                    name=f"{label.code} {label.name}", isCodable="true",
                                    color=colours.get(dimension.id, "#808080"))
            description = ET.SubElement(element, f"{{{namespace}}}Description")
            description.text = label.definition or "; ".join(i.name for i in label.indicators)
            guids[label.key] = code_guid
    return guids


def codebook_xml(codebook: Codebook | None = None) -> bytes:
    codebook = codebook or load_codebook()
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin="coi")
    _code_elements(root, codebook, CODEBOOK_NS)
    return _xml(root)


def write_qdc(path: str | Path, codebook: Codebook | None = None) -> Path:
    """The codebook as a REFI-QDA ``.qdc`` file."""
    path = Path(path)
    path.write_bytes(codebook_xml(codebook))
    return path


def project_xml(posts: pd.DataFrame, codes: pd.DataFrame, name: str,
                codebook: Codebook | None = None) -> tuple[bytes, dict[str, str]]:
    """``project.qde`` and the thread texts (file name → text) of a REFI-QDA project.

    Each thread is one text source (posts in order, separated by blank lines); each post is
    a PlainTextSelection; each coder's codes for that post are Codings by that coder's User.
    ``codes`` is a long table with ``post_id``, ``coder`` and code columns.
    """
    codebook = codebook or load_codebook()
    if "coder" not in codes.columns:
        codes = codes.assign(coder="coi model")
    ET.register_namespace("", PROJECT_NS)
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    root = ET.Element(f"{{{PROJECT_NS}}}Project", name=name, origin="coi",
                      creationDateTime=now)
    users = ET.SubElement(root, f"{{{PROJECT_NS}}}Users")
    user_guids = {}
    for coder in sorted(set(codes["coder"].astype(str))):
        user_guids[coder] = guid("user", coder)
        ET.SubElement(users, f"{{{PROJECT_NS}}}User", guid=user_guids[coder], name=coder)
    book = ET.SubElement(root, f"{{{PROJECT_NS}}}CodeBook")
    code_guids = _code_elements(book, codebook, PROJECT_NS)
    sources = ET.SubElement(root, f"{{{PROJECT_NS}}}Sources")
    files: dict[str, str] = {}
    by_post = {pid: group for pid, group in codes.groupby("post_id")}
    real = posts[~posts["placeholder"]].sort_values(["thread_id", "position"])
    for thread_id, thread in real.groupby("thread_id", sort=False):
        source_guid = guid("thread", thread_id)
        text, spans = _thread_text(thread)
        files[f"{source_guid}.txt"] = text
        title = thread.loc[thread["is_starter"], "title"]
        source = ET.SubElement(sources, f"{{{PROJECT_NS}}}TextSource", guid=source_guid,
                               name=str(title.iloc[0] if len(title) and title.iloc[0]
                                        else f"thread {thread_id}"),
                               plainTextPath=f"internal://{source_guid}.txt",
                               creationDateTime=now)
        for post_id, (start, end) in spans.items():
            selection = ET.SubElement(source, f"{{{PROJECT_NS}}}PlainTextSelection",
                                      guid=guid("post", post_id), name=f"post {post_id}",
                                      startPosition=str(start), endPosition=str(end),
                                      creationDateTime=now)
            for row in by_post.get(post_id, pd.DataFrame()).to_dict("records"):
                coder = str(row["coder"])
                for key in _codes_of(row, codebook):
                    coding = ET.SubElement(selection, f"{{{PROJECT_NS}}}Coding",
                                           guid=guid("coding", post_id, coder, key),
                                           creatingUser=user_guids[coder],
                                           creationDateTime=now)
                    ET.SubElement(coding, f"{{{PROJECT_NS}}}CodeRef",
                                  targetGUID=code_guids[key])
    return _xml(root), files


def _thread_text(thread: pd.DataFrame) -> tuple[str, dict[str, tuple[int, int]]]:
    parts, spans, cursor = [], {}, 0
    for post in thread.itertuples():
        header = f"[{post.post_id}] {post.author} ({post.role}):\n"
        body = str(post.text)
        spans[str(post.post_id)] = (cursor + len(header), cursor + len(header) + len(body))
        chunk = header + body + "\n\n"
        parts.append(chunk)
        cursor += len(chunk)
    return "".join(parts), spans


def _codes_of(row: dict[str, object], codebook: Codebook) -> Iterable[str]:
    for dimension in codebook.dimensions:
        if dimension.kind == "score":
            continue
        if dimension.kind == "exclusive":
            value = str(row.get(dimension.column, "") or "")
            if value and value != dimension.none and any(
                    label.value == value for label in dimension.labels):
                yield value
            continue
        for label in dimension.labels:
            raw = row.get(label.column)
            if raw is not None and str(raw).strip() not in {"", "0", "0.0", "nan", "False"}:
                yield label.column


def write_qdpx(path: str | Path, posts: pd.DataFrame, codes: pd.DataFrame, name: str,
               codebook: Codebook | None = None) -> Path:
    """A REFI-QDA project archive: ``project.qde`` + ``Sources/<guid>.txt`` per thread."""
    xml, files = project_xml(posts, codes, name, codebook)
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for file_name, text in files.items():
            archive.writestr(f"Sources/{file_name}", text.encode("utf-8"))
    return path


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# -- back in ------------------------------------------------------------------------------------
def read_codes(path: str | Path) -> pd.DataFrame:
    """A codes table (CSV/JSONL/XLSX/Parquet) with post_id, optional coder, code columns."""
    from coi.pipeline.labels import read_table

    table = read_table(Path(path))
    if "post_id" not in table.columns:
        raise CoiError(f"{path}: a codes table needs a post_id column")
    return table


def import_codes(workspace, project_id: int, table: pd.DataFrame,  # type: ignore[no-untyped-def]
                 codebook: Codebook | None = None, default_coder: str = "imported") -> int:
    """Store a codes table's codes as annotations of a project; returns codes stored."""
    from coi.annotation import coder_id, set_code

    codebook = codebook or load_codebook()
    columns = [c for c in codebook.output_columns() if c in table.columns]
    if not columns:
        raise CoiError("the table has no code columns named as in the coding output "
                       f"({', '.join(codebook.output_columns())})")
    stored = 0
    for row in table.to_dict("records"):
        coder = coder_id(workspace, project_id, str(row.get("coder") or default_coder))
        for column in columns:
            value = row.get(column)
            if value is None or str(value).strip() in {"", "nan"}:
                continue
            set_code(workspace, project_id, coder, str(row["post_id"]), column, value)
            stored += 1
    return stored
