"""Evaluating a model against human codes: kappa, accuracy, per-code P/R/F1, confusion.

The numbers follow CoI reporting conventions: Cohen's kappa per dimension (κ ≥ 0.70 is the
usual acceptability threshold for human coders), percent agreement, and for the cognitive
phase the full confusion matrix, since adjacent-phase confusions matter less than distant ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)
from spacy.language import Language

from coi.codebook import Codebook
from coi.pipeline.coding import code
from coi.pipeline.labels import read_labelled


def evaluate(model: str | Path | Language | None, data: pd.DataFrame | str | Path,
             *, split: str | None = None) -> dict[str, Any]:
    """Code ``data`` with ``model`` and compare with its human codes.

    ``split`` restricts to posts whose ``split`` column has that value (e.g. ``test``).
    Returns ``{"posts": n, "dimensions": {...}, "labels": {...}, "confusion": {...}}``.
    """
    from coi.pipeline.build import load_model

    nlp = model if isinstance(model, Language) else load_model(model)
    codebook: Codebook = nlp.get_pipe("coi_combiner").codebook
    gold = read_labelled(data, codebook)
    if split is not None:
        if "split" not in gold.columns:
            raise ValueError("the data has no 'split' column")
        gold = gold[gold["split"] == split]
    gold = gold[~gold["placeholder"]].reset_index(drop=True)
    predicted = code(gold, model=nlp).set_index("post_id").loc[gold["post_id"]].reset_index()
    return compare(gold, predicted, codebook)


def compare(gold: pd.DataFrame, predicted: pd.DataFrame, codebook: Codebook) -> dict[str, Any]:
    """Metrics of ``predicted`` codes against ``gold`` codes (rows aligned)."""
    report: dict[str, Any] = {"posts": int(len(gold)), "dimensions": {}, "labels": {},
                              "confusion": {}}
    for dimension in codebook.dimensions:
        if dimension.kind == "exclusive":
            y_true = gold[dimension.column].astype(str).to_numpy()
            y_pred = predicted[dimension.column].astype(str).to_numpy()
            values = [label.value for label in dimension.labels]
            report["dimensions"][dimension.column] = _agreement(y_true, y_pred)
            if dimension.ordered:
                rank = {v: i for i, v in enumerate(values)}
                report["dimensions"][dimension.column]["kappa_quadratic"] = _round(
                    cohen_kappa_score([rank[v] for v in y_true], [rank[v] for v in y_pred],
                                      weights="quadratic"))
            p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=values,
                                                         zero_division=0)
            for index, value in enumerate(values):
                report["labels"][f"{dimension.column}={value}"] = _prf(p, r, f, s, index)
            matrix = confusion_matrix(y_true, y_pred, labels=values)
            report["confusion"][dimension.column] = {
                "labels": values, "matrix": matrix.tolist(),
                "rows": "human code", "columns": "model code"}
            continue
        for label in dimension.labels:
            y_true = (pd.to_numeric(gold[label.column]) >= 0.5).astype(int).to_numpy()
            if dimension.kind == "score":
                scores = predicted[label.column].astype(float).to_numpy()
                y_pred = (scores >= 0.5).astype(int)
                entry = _agreement(y_true, y_pred)
                if 0 < y_true.sum() < len(y_true):
                    entry["roc_auc"] = _round(roc_auc_score(y_true, scores))
                report["dimensions"][label.column] = entry
            else:
                y_pred = predicted[label.column].astype(int).to_numpy()
                report["dimensions"][label.column] = _agreement(y_true, y_pred)
            p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=[1],
                                                         zero_division=0)
            report["labels"][label.column] = _prf(p, r, f, s, 0)
    return report


def _agreement(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    kappa = cohen_kappa_score(y_true, y_pred) if len(set(y_true) | set(y_pred)) > 1 else 1.0
    return {"kappa": _round(kappa), "accuracy": _round(accuracy_score(y_true, y_pred))}


def _prf(p: np.ndarray, r: np.ndarray, f: np.ndarray, s: np.ndarray, i: int) -> dict[str, Any]:
    return {"precision": _round(p[i]), "recall": _round(r[i]), "f1": _round(f[i]),
            "support": int(s[i])}


def _round(value: float) -> float:
    return round(float(value), 4)


def format_report(report: dict[str, Any]) -> str:
    """The evaluation as readable text tables (what ``coi evaluate`` prints)."""
    lines = [f"posts evaluated: {report['posts']}", "", f"{'dimension':<18}{'kappa':>8}"
             f"{'accuracy':>10}"]
    for name, values in report["dimensions"].items():
        extra = "".join(f"  {k}={v:.3f}" for k, v in values.items()
                        if k not in {"kappa", "accuracy"})
        lines.append(f"{name:<18}{values['kappa']:>8.3f}{values['accuracy']:>10.3f}{extra}")
    lines += ["", f"{'code':<26}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for name, values in report["labels"].items():
        lines.append(f"{name:<26}{values['precision']:>10.3f}{values['recall']:>8.3f}"
                     f"{values['f1']:>8.3f}{values['support']:>9}")
    for name, confusion in report["confusion"].items():
        labels = confusion["labels"]
        width = max(len(v) for v in labels) + 2
        lines += ["", f"confusion matrix for {name} (rows: human, columns: model)",
                  " " * width + "".join(f"{v[:11]:>12}" for v in labels)]
        for value, row in zip(labels, confusion["matrix"], strict=True):
            lines.append(f"{value:<{width}}" + "".join(f"{n:>12}" for n in row))
    return "\n".join(lines)
