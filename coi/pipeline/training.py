"""Training a coi model: textcats per dimension, a cross-fitted combiner, one saved pipeline.

Steps (all seeded):

1. split labelled posts into train/dev by thread (or use a ``split`` column);
2. cross-fit: for each of ``folds`` thread-folds of the training posts, train the textcat on
   the other folds and score this one, so every training post gets *out-of-fold* scores;
3. train the final textcat on all training posts (early stopping on dev);
4. fit the combiner (logistic models over out-of-fold textcat scores, thread context and
   evidence counts) and tune each binary code's threshold on cross-validated predictions;
5. assemble evidence patterns + structure + textcats + combiner into one spaCy pipeline and
   save it atomically (a crash never leaves a half-written model in place of a good one).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import spacy
import thinc
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from coi.codebook import Codebook, load_codebook
from coi.errors import ModelError
from coi.pipeline import components  # noqa: F401  (registers factories)
from coi.pipeline.build import evidence_pipeline, patterns_path
from coi.pipeline.context import iter_contexts
from coi.pipeline.features import FeatureSpec, context_features
from coi.pipeline.labels import cats_for, coded_dimensions, read_labelled, targets
from coi.pipeline.textcat import (
    TextcatGroup,
    all_labels,
    make_docbin,
    textcat_config,
    textcat_groups,
    train_textcat,
)


@dataclass
class TrainingOptions:
    """Knobs of ``coi train`` (defaults are the ones the bundled model was trained with)."""

    seed: int = 13
    architecture: str = "bow"
    folds: int = 4
    max_epochs: int = 25
    patience: int = 1200
    eval_frequency: int = 100
    dev_share: float = 0.15
    hash_buckets: int = 2**16
    codebook: Codebook = field(default_factory=load_codebook)
    patterns: Path = field(default_factory=patterns_path)
    log: io.TextIOBase | None = None


def split_by_thread(posts: pd.DataFrame, dev_share: float, seed: int) -> pd.Series:
    """'train'/'dev' per post, whole threads together (a thread never straddles splits)."""
    if "split" in posts.columns and set(posts["split"]) >= {"train", "dev"}:
        return posts["split"].astype(str)
    threads = np.array(sorted(posts["thread_id"].unique()))
    rng = np.random.default_rng(seed)
    rng.shuffle(threads)
    n_dev = max(1, round(len(threads) * dev_share))
    dev = set(threads[:n_dev])
    return posts["thread_id"].map(lambda t: "dev" if t in dev else "train")


def train_model(data: pd.DataFrame | str | Path, out: str | Path,
                options: TrainingOptions | None = None) -> dict[str, Any]:
    """Train and save a model; returns its training summary (also saved as training.json)."""
    options = options or TrainingOptions()
    started = time.time()
    codebook = coded_dimensions(data, options.codebook)
    labelled = read_labelled(data, codebook)
    labelled = labelled[~labelled["placeholder"]].reset_index(drop=True)
    split = split_by_thread(labelled, options.dev_share, options.seed)
    train = labelled[split == "train"].reset_index(drop=True)
    dev = labelled[split == "dev"].reset_index(drop=True)
    if len(train) < 20 or len(dev) < 5:
        raise ModelError(f"too little labelled data to train: {len(train)} training and "
                         f"{len(dev)} dev posts (need at least 20 and 5)")
    _check_every_label_present(train, codebook)
    featurizer = evidence_pipeline(options.patterns)
    train_docs = _feature_docs(featurizer, train)
    oof = _out_of_fold_cats(train, dev, codebook, options)
    final = _train_textcats(train, dev, codebook, options)
    spec = FeatureSpec(textcat_labels=tuple(all_labels(codebook)),
                       indicators=tuple(sorted(codebook.indicators())))
    matrix = _feature_matrix(train_docs, oof, spec)
    combiner_cfg = _fit_combiner(matrix, train, codebook, spec, options.seed)
    nlp = assemble(featurizer, final, combiner_cfg)
    summary = {
        "seed": options.seed, "architecture": options.architecture, "folds": options.folds,
        "train_posts": len(train), "dev_posts": len(dev),
        "train_threads": int(train["thread_id"].nunique()),
        "dev_threads": int(dev["thread_id"].nunique()),
        "data_sha256": _data_hash(labelled), "codebook": f"{codebook.id} {codebook.version}",
        "spacy": spacy.__version__, "thinc": thinc.__version__, "numpy": np.__version__,
        "python": platform.python_version(),
        "seconds": round(time.time() - started, 1),
    }
    configs = {group.name: _config(group, options) for group in textcat_groups(codebook)}
    save_atomically(nlp, Path(out), summary, configs)
    return summary


def _check_every_label_present(train: pd.DataFrame, codebook: Codebook) -> None:
    for dimension in codebook.dimensions:
        y = targets(train, dimension)
        if dimension.kind == "exclusive":
            missing = [label.value for i, label in enumerate(dimension.labels)
                       if not (y == i).any()]
        else:
            missing = [label.column for i, label in enumerate(dimension.labels)
                       if y[:, i].min() == y[:, i].max()]
        if missing:
            raise ModelError(f"the training data never (or always) shows {missing} of "
                             f"dimension {dimension.id!r}; code more posts with it or drop it "
                             "from the codebook")


def _config(group: TextcatGroup, options: TrainingOptions) -> str:
    return textcat_config(group, architecture=options.architecture, seed=options.seed,
                          max_epochs=options.max_epochs, patience=options.patience,
                          eval_frequency=options.eval_frequency, length=options.hash_buckets)


def _train_textcats(train: pd.DataFrame, dev: pd.DataFrame, codebook: Codebook,
                    options: TrainingOptions) -> dict[str, spacy.Language]:
    """One trained pipeline per textcat group (see :func:`textcat_groups`)."""
    blank = spacy.blank("en")
    train_texts, dev_texts = _texts(train), _texts(dev)
    train_cats, dev_cats = cats_for(train, codebook), cats_for(dev, codebook)
    trained = {}
    for group in textcat_groups(codebook):
        trained[group.name] = train_textcat(
            _config(group, options),
            make_docbin(blank, train_texts, _only(train_cats, group.labels)),
            make_docbin(blank, dev_texts, _only(dev_cats, group.labels)), options.log)
    return trained


def _only(cats: list[dict[str, float]], labels: tuple[str, ...]) -> list[dict[str, float]]:
    return [{label: c[label] for label in labels} for c in cats]


def _texts(posts: pd.DataFrame) -> list[str]:
    return [text for text, _ in iter_contexts(posts)]


def _out_of_fold_cats(train: pd.DataFrame, dev: pd.DataFrame, codebook: Codebook,
                      options: TrainingOptions) -> list[dict[str, float]]:
    threads = np.array(sorted(train["thread_id"].unique()))
    np.random.default_rng(options.seed).shuffle(threads)
    fold_of = {thread: i % options.folds for i, thread in enumerate(threads)}
    folds = train["thread_id"].map(fold_of).to_numpy()
    oof: list[dict[str, float]] = [{} for _ in range(len(train))]
    for fold in range(options.folds):
        inside, held = train[folds != fold], train[folds == fold]
        texts = _texts(held)
        for nlp in _train_textcats(inside.reset_index(drop=True), dev, codebook,
                                   options).values():
            for index, doc in zip(np.flatnonzero(folds == fold), nlp.pipe(texts), strict=True):
                oof[index].update(doc.cats)
    return oof


def _feature_docs(featurizer: spacy.Language, posts: pd.DataFrame) -> list[spacy.tokens.Doc]:
    pairs = list(iter_contexts(posts))
    docs = []
    for text, context in pairs:
        doc = featurizer.make_doc(text)
        doc._.coi_context = context
        docs.append(doc)
    return list(featurizer.pipe(docs))


def _feature_matrix(docs: list[spacy.tokens.Doc], cats: list[dict[str, float]],
                    spec: FeatureSpec) -> np.ndarray:
    rows = []
    for doc, doc_cats in zip(docs, cats, strict=True):
        doc.cats = doc_cats
        rows.append(context_features(doc, spec))
    return np.vstack(rows)


def _fit_combiner(matrix: np.ndarray, train: pd.DataFrame, codebook: Codebook,
                  spec: FeatureSpec, seed: int) -> dict[str, Any]:
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    x = (matrix - mean) / scale
    models: dict[str, Any] = {}
    thresholds: dict[str, float] = {}
    for dimension in codebook.dimensions:
        y = targets(train, dimension)
        if dimension.kind == "exclusive":
            model = _logistic(seed).fit(x, y)
            models[dimension.id] = {"kind": "multinomial", "coef": model.coef_.tolist(),
                                    "intercept": model.intercept_.tolist(),
                                    "mean": mean.tolist(), "scale": scale.tolist()}
            continue
        coefs, intercepts = [], []
        for index, label in enumerate(dimension.labels):
            column = y[:, index]
            model = _logistic(seed).fit(x, column)
            coefs.append(model.coef_[0].tolist())
            intercepts.append(float(model.intercept_[0]))
            if dimension.kind != "score":
                thresholds[label.column] = _best_threshold(x, column, seed)
        models[dimension.id] = {"kind": "binary", "coef": coefs, "intercept": intercepts,
                                "mean": mean.tolist(), "scale": scale.tolist()}
    return {"codebook": codebook.to_dict(), "features": spec.to_dict(), "models": models,
            "thresholds": thresholds, "feature_names": spec.names}


def _logistic(seed: int) -> LogisticRegression:
    return LogisticRegression(C=0.3, max_iter=2000, random_state=seed)


def _best_threshold(x: np.ndarray, y: np.ndarray, seed: int) -> float:
    """The threshold maximising Cohen's κ on cross-validated predictions (not in-sample ones).

    κ, not F1: for a code most posts carry (social presence: 90%), F1 is best when every post
    is coded present, which tells a facilitator nothing; κ rewards telling the exceptions apart.
    """
    smaller_class = int(min(y.sum(), len(y) - y.sum()))
    if smaller_class < 4:
        return 0.5
    folds = StratifiedKFold(n_splits=min(5, smaller_class), shuffle=True, random_state=seed)
    scores = cross_val_predict(_logistic(seed), x, y, cv=folds, method="predict_proba")[:, 1]
    best, best_kappa = 0.5, -1.0
    for threshold in np.arange(0.2, 0.81, 0.05):
        predicted = (scores >= threshold).astype(int)
        kappa = cohen_kappa_score(y, predicted) if 0 < predicted.sum() < len(y) else 0.0
        if kappa > best_kappa + 1e-9:
            best, best_kappa = float(round(threshold, 2)), kappa
    return best


def assemble(featurizer: spacy.Language, textcats: dict[str, spacy.Language],
             combiner_cfg: dict[str, Any]) -> spacy.Language:
    """One pipeline: evidence → structure → textcats → combiner."""
    nlp = spacy.blank("en")
    nlp.add_pipe("evidence", source=featurizer)
    nlp.add_pipe("coi_structure", source=featurizer)
    for name, trained in textcats.items():
        nlp.add_pipe(name, source=trained)
    combiner = nlp.add_pipe("coi_combiner")
    combiner.set_state(combiner_cfg)
    return nlp


def save_atomically(nlp: spacy.Language, out: Path, summary: dict[str, Any],
                    configs: dict[str, str]) -> None:
    """Write the model next to ``out`` and swap it in with renames only."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        nlp.to_disk(staging / "pipeline")
        (staging / "configs").mkdir()
        for name, text in configs.items():
            (staging / "configs" / f"{name}.cfg").write_text(text, encoding="utf-8")
        (staging / "training.json").write_text(json.dumps(summary, indent=2) + "\n",
                                               encoding="utf-8")
        for keep in ("metrics.json", "MODEL_CARD.md"):
            if (out / keep).exists():
                shutil.copy2(out / keep, staging / keep)
        previous = out.with_name(f".{out.name}.previous")
        if previous.exists():
            shutil.rmtree(previous)
        if out.exists():
            os.replace(out, previous)
        os.replace(staging, out)
        if previous.exists():
            shutil.rmtree(previous)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _data_hash(frame: pd.DataFrame) -> str:
    payload = frame.drop(columns=["created_at"]).to_json(orient="records").encode()
    return hashlib.sha256(payload).hexdigest()[:16]
