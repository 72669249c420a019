"""The training loop for a research team: hand codes → model → validation → learning curve.

:func:`validate_codes` takes human (negotiated or gold) codes for a sample of a discussion,
holds out a share of the coded threads, trains a model on the rest, evaluates it on the held-out
human codes (kappa per dimension, F1 per code, confusion matrix) and validates it the way
quantitative ethnographers do: Cohen's kappa on the hand-coded sample plus Shaffer's rho —
would a kappa this high on this few posts be likely if the true kappa were below 0.65? The
learning curve (score vs number of coded posts) tells the team whether coding more will help.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coi.agreement import shaffer_rho
from coi.codebook import Codebook, load_codebook
from coi.errors import CoiError
from coi.pipeline.evaluation import compare
from coi.pipeline.labels import fill_implied

RHO_THRESHOLD = 0.65


def labelled_posts(posts: pd.DataFrame, codes: pd.DataFrame,
                   codebook: Codebook | None = None) -> pd.DataFrame:
    """Posts joined to one code row per post (e.g. :func:`coi.annotation.final_codes`).

    Posts with a missing code (an unresolved dispute) are left out.
    """
    from coi.pipeline.labels import coded_dimensions

    codebook = coded_dimensions(fill_implied(codes.copy(), codebook or load_codebook()),
                                codebook or load_codebook())
    codes = fill_implied(codes.copy(), codebook)
    columns = [c for c in codebook.output_columns() if c in codes.columns]
    needed = [c for c in codebook.output_columns() if c not in columns]
    if needed:
        raise CoiError(f"the codes lack the columns {needed}; code every dimension of the "
                       "codebook (or negotiate the open disagreements) before training")
    codes = codes.dropna(subset=columns)
    frame = posts.merge(codes[["post_id", *columns]], on="post_id", how="inner")
    for column in columns:
        if column != "cp_phase":
            frame[column] = pd.to_numeric(frame[column]).astype(int)
    return frame


def split_threads(labelled: pd.DataFrame, held_out: float, seed: int) -> pd.Series:
    threads = np.array(sorted(labelled["thread_id"].unique()))
    np.random.default_rng(seed).shuffle(threads)
    n_test = max(1, round(len(threads) * held_out))
    test = set(threads[:n_test])
    return labelled["thread_id"].map(lambda t: "test" if t in test else "train")


def validate_codes(posts: pd.DataFrame, codes: pd.DataFrame, out: str | Path, *,
                   all_posts: pd.DataFrame | None = None, held_out: float = 0.25,
                   seed: int = 13, folds: int = 3, max_epochs: int = 15,
                   curve: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)) -> dict[str, Any]:
    """Train on the human codes, validate on held-out ones, and draw the learning curve.

    ``all_posts`` (default: ``posts``) is the whole data set the model will code: Shaffer's
    rho uses each code's base rate there (as coded by the new model).
    """
    from coi.pipeline.build import load_model
    from coi.pipeline.coding import code
    from coi.pipeline.training import TrainingOptions, train_model

    labelled = labelled_posts(posts, codes)
    if labelled["thread_id"].nunique() < 4 or len(labelled) < 40:
        raise CoiError(f"{len(labelled)} coded posts in {labelled['thread_id'].nunique()} "
                       "threads: code at least 40 posts from 4 threads to train and validate")
    labelled["split"] = split_threads(labelled, held_out, seed)
    train = labelled[labelled["split"] == "train"].drop(columns="split")
    test = labelled[labelled["split"] == "test"].drop(columns="split")
    options = TrainingOptions(seed=seed, folds=folds, max_epochs=max_epochs, dev_share=0.2)
    summary = train_model(train, out, options)
    nlp = load_model(out)
    predicted = _predict(code, nlp, test)
    codebook = nlp.get_pipe("coi_combiner").codebook
    report = compare(test.reset_index(drop=True), predicted, codebook)
    base = code(all_posts if all_posts is not None else posts, model=nlp)
    report["shaffer_rho"] = _rho(report, test, predicted, base, codebook)
    report["learning_curve"] = learning_curve(train, test, curve, options)
    report["training"] = summary
    report["held_out_posts"] = int(len(test))
    return report


def _predict(code, nlp, frame: pd.DataFrame) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    predicted = code(frame, model=nlp).set_index("post_id")
    return predicted.loc[frame["post_id"]].reset_index()


def _rho(report: dict[str, Any], test: pd.DataFrame, predicted: pd.DataFrame,
         base: pd.DataFrame, codebook: Codebook) -> dict[str, dict[str, float]]:
    """Shaffer's rho per binary code (and per cognitive phase, one against the rest)."""
    result: dict[str, dict[str, float]] = {}
    binary = [label.column for d in codebook.dimensions if d.kind == "multilabel"
              for label in d.labels]
    items: list[tuple[str, np.ndarray, np.ndarray, float]] = []
    for column in binary:
        items.append((column, test[column].to_numpy(dtype=int),
                      predicted[column].to_numpy(dtype=int), float(base[column].mean())))
    for phase in ("triggering", "exploration", "integration", "resolution"):
        items.append((f"cp_phase={phase}", (test["cp_phase"] == phase).to_numpy(dtype=int),
                      (predicted["cp_phase"] == phase).to_numpy(dtype=int),
                      float((base["cp_phase"] == phase).mean())))
    from coi.agreement import cohen_kappa

    for name, human, model, base_rate in items:
        kappa = cohen_kappa(human.tolist(), model.tolist())
        entry = {"kappa": round(kappa, 4), "base_rate": round(base_rate, 4),
                 "sample": int(len(human))}
        if 0 < base_rate < 1:
            entry["rho"] = round(shaffer_rho(kappa, len(human), base_rate,
                                             threshold=RHO_THRESHOLD, simulations=800), 4)
            entry["generalises"] = bool(entry["rho"] < 0.05 and kappa >= RHO_THRESHOLD)
        result[name] = entry
    return result


def learning_curve(train: pd.DataFrame, test: pd.DataFrame, fractions: tuple[float, ...],
                   options: Any) -> list[dict[str, float]]:
    """Held-out scores of models trained on growing shares of the coded threads."""
    from coi.pipeline.build import load_model
    from coi.pipeline.coding import code
    from coi.pipeline.training import train_model

    threads = np.array(sorted(train["thread_id"].unique()))
    np.random.default_rng(options.seed).shuffle(threads)
    points = []
    with tempfile.TemporaryDirectory() as folder:
        for fraction in fractions:
            chosen = set(threads[:max(3, round(len(threads) * fraction))])
            subset = train[train["thread_id"].isin(chosen)]
            out = Path(folder) / f"curve_{fraction}"
            try:
                train_model(subset, out, options)
            except CoiError as error:  # too few posts, or a code never seen yet
                points.append({"fraction": fraction, "posts": int(len(subset)),
                               "error": str(error)})
                continue
            predicted = _predict(code, load_model(out), test)
            scores = compare(test.reset_index(drop=True), predicted,
                             load_model(out).get_pipe("coi_combiner").codebook)
            points.append({
                "fraction": fraction, "posts": int(len(subset)),
                "kappa_cp_phase": scores["dimensions"]["cp_phase"]["kappa"],
                "mean_presence_f1": round(float(np.mean([
                    scores["labels"][p]["f1"] for p in ("social", "cognitive", "teaching")])),
                    4)})
    return points
