"""Labelled posts: reading them, and turning their code columns into per-dimension targets.

A labelled table is the canonical discussion plus the output schema's code columns
(``social``, ``sp_affective``, …, ``cp_phase``, ``needs_reply``). Presence columns may be
omitted: they follow from the categories (rule B5). Reply structure (depth, position…) is
derived when the table does not carry it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from coi.codebook import Codebook, Dimension
from coi.errors import CoiError
from coi.report import ImportReport
from coi.schema import COLUMNS, coerce
from coi.threads import derive_structure, repair_reply_tree


def coded_dimensions(data: pd.DataFrame | str | Path, codebook: Codebook) -> Codebook:
    """The part of ``codebook`` whose code columns the labelled data has.

    A team that codes only the CoI presences trains a model without the product dimensions
    (needs-a-reply, activity type); presences implied by coded categories count as coded.
    """
    frame = data if isinstance(data, pd.DataFrame) else read_table(Path(data))
    frame = fill_implied(frame.head(5), codebook)
    present = []
    for dimension in codebook.dimensions:
        columns = [dimension.column] if dimension.kind == "exclusive" else [
            label.column for label in dimension.labels]
        if all(column in frame.columns for column in columns):
            present.append(dimension.id)
    if not present:
        raise CoiError("the labelled data has none of the code columns of the codebook "
                       f"({', '.join(codebook.output_columns())})")
    kept = codebook.subset(present)
    for dimension in kept.dimensions:  # a presence implied by a dimension left out is dropped
        for label in dimension.labels:
            if label.implied_by and label.implied_by not in present:
                return kept.subset([d for d in present if d != dimension.id])
    return kept


def read_labelled(data: pd.DataFrame | str | Path, codebook: Codebook) -> pd.DataFrame:
    """Canonical posts with complete, validated code columns for every codebook dimension."""
    frame = data.copy() if isinstance(data, pd.DataFrame) else read_table(Path(data))
    frame = fill_implied(frame, codebook)
    missing = [c for c in label_columns(codebook) if c not in frame.columns]
    if missing:
        raise CoiError(f"labelled data lacks the code columns {missing}; name them as in the "
                       "coding output (social, sp_affective, …, cp_phase, needs_reply)")
    labels = frame[label_columns(codebook)].reset_index(drop=True)
    posts = coerce(frame)
    if not {"depth", "position"} <= set(frame.columns) or (posts["position"] == 0).any():
        posts = coerce(derive_structure(repair_reply_tree(posts, ImportReport("labels"))))
    posts = posts.reset_index(drop=True)
    extra = [c for c in ("split", "setting") if c in frame.columns]
    for column in extra:
        posts[column] = frame[column].astype(str).to_numpy()
    _validate(labels, codebook)
    return pd.concat([posts[list(COLUMNS) + extra], labels], axis=1)


def read_table(path: Path) -> pd.DataFrame:
    """A labelled or codes table from .csv, .jsonl, .xlsx or .parquet (cells as written)."""
    if not path.exists():
        raise CoiError(f"file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return pd.read_json(path, lines=True, dtype=False)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str).fillna("")
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    raise CoiError(f"{path}: expected a .csv, .jsonl, .xlsx or .parquet table")


def label_columns(codebook: Codebook) -> list[str]:
    return codebook.output_columns()


def fill_implied(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Add presence columns that follow from their categories when a table omits them."""
    frame = frame.copy()
    for dimension in codebook.dimensions:
        for label in dimension.labels:
            if not label.implied_by or label.column in frame.columns:
                continue
            implied = codebook.dimension(label.implied_by)
            if implied.kind == "exclusive" and implied.column in frame.columns:
                frame[label.column] = (frame[implied.column].astype(str) != implied.none).astype(
                    int)
            elif implied.kind != "exclusive" and all(lab.column in frame.columns
                                                     for lab in implied.labels):
                frame[label.column] = frame[[lab.column for lab in implied.labels]].astype(
                    int).max(axis=1)
    return frame


def _validate(labels: pd.DataFrame, codebook: Codebook) -> None:
    for dimension in codebook.dimensions:
        if dimension.kind == "exclusive":
            allowed = {label.value for label in dimension.labels}
            bad = set(labels[dimension.column].astype(str)) - allowed
            if bad:
                raise CoiError(f"column {dimension.column} holds {sorted(bad)}; allowed values "
                               f"are {sorted(allowed)}")
        else:
            for label in dimension.labels:
                values = pd.to_numeric(labels[label.column], errors="coerce")
                if values.isna().any() or not values.between(0, 1).all():
                    raise CoiError(f"column {label.column} must hold 0/1 values")


def targets(labels: pd.DataFrame, dimension: Dimension) -> np.ndarray:
    """(n,) class indices for exclusive dimensions, (n, labels) 0/1 for the others."""
    if dimension.kind == "exclusive":
        index = {label.value: i for i, label in enumerate(dimension.labels)}
        return labels[dimension.column].astype(str).map(index).to_numpy(dtype=int)
    return np.column_stack([
        (pd.to_numeric(labels[label.column]).to_numpy(dtype=float) >= 0.5).astype(int)
        for label in dimension.labels])


def cats_for(labels: pd.DataFrame, codebook: Codebook) -> list[dict[str, float]]:
    """spaCy ``doc.cats`` dicts with every dimension's textcat labels."""
    from coi.pipeline.textcat import textcat_labels

    cats: list[dict[str, float]] = [{} for _ in range(len(labels))]
    for dimension in codebook.dimensions:
        keys = textcat_labels(dimension)
        values = targets(labels, dimension)
        for index, value in enumerate(values):
            if dimension.kind == "exclusive":
                cats[index].update({key: float(i == value) for i, key in enumerate(keys)})
            else:
                cats[index].update({key: float(value[i]) for i, key in enumerate(keys)})
    return cats
