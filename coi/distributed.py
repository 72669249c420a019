"""Coding big corpora on a Dask cluster (``dask.distributed``).

``coi code BIG.parquet -o OUT/ --scheduler tcp://host:8786`` (or ``--scheduler`` alone for a
``LocalCluster`` on this machine) reads a canonical Parquet dataset (``coi export --format
parquet``; posts of many discussions or a whole platform), shuffles it so every partition holds
whole threads (the pipeline's thread context needs parents and thread mates), codes each
partition on a worker — every worker process loads the model once — and writes partitioned
Parquet, one file per partition. Staff names are collected over the whole dataset first, so a
post's context, and hence its codes, do not depend on the partitioning: the result equals the
single-process :func:`coi.pipeline.code` (decisions exactly, probabilities to 1e-9).

To use a real cluster: install coi (and the model folder, at the same path) on every worker,
start ``dask scheduler`` and ``dask worker tcp://scheduler:8786`` processes, and pass the
scheduler's address. Input and output paths must be visible to every worker (a shared file
system or an object store URL that Dask understands, such as ``s3://…``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from coi.analytics import STAFF_ROLES
from coi.codebook import Codebook
from coi.report import ImportReport
from coi.schema import COLUMNS, coerce

_MODELS: dict[str, Any] = {}


def code_parquet(source: str | Path, out: str | Path, *, model: str | Path | None = None,
                 scheduler: str | None = None, workers: int = 2,
                 partitions: int | None = None) -> dict[str, Any]:
    """Code a canonical Parquet dataset on Dask; returns a summary (posts, seconds, files)."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from coi.pipeline.build import default_model_path, load_model, model_pipeline_path
    from coi.pipeline.coding import output_columns

    path = str(model_pipeline_path(model or default_model_path()).resolve())
    codebook = load_model(path).get_pipe("coi_combiner").codebook
    started = time.perf_counter()
    cluster = None
    if scheduler in (None, "local"):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        frame = dd.read_parquet(str(source))
        staff = set(frame[frame["role"].isin(list(STAFF_ROLES))]["author"].unique().compute())
        n = partitions or max(workers * 4, frame.npartitions)
        frame = frame.shuffle(on="thread_id", npartitions=n)
        dtypes = _dtypes(codebook, output_columns(codebook))
        meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
        coded = frame.map_partitions(_code_partition, path, sorted(staff), dtypes, meta=meta)
        coded.to_parquet(str(out), write_index=False)
        count = sum(1 for _ in Path(out).glob("*.parquet")) if Path(out).exists() else None
        posts = int(len(frame))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return {"posts": posts, "seconds": round(time.perf_counter() - started, 2),
            "files": count, "workers": workers if cluster is not None else None}


def _dtypes(codebook: Codebook, columns: list[str]) -> dict[str, str]:
    """Output column → dtype, from the codebook (exclusive labels are strings, scores floats),
    so every partition writes the same Parquet schema whatever dimensions a codebook adds."""
    text = {"post_id", "thread_id", "evidence"} | {
        d.column for d in codebook.dimensions if d.kind == "exclusive"}
    scores = {label.column for d in codebook.dimensions if d.kind == "score"
              for label in d.labels}
    return {c: "string" if c in text else "float64" if c.startswith("p_") or c in scores
            else "int64" for c in columns}


def _code_partition(partition: pd.DataFrame, model_path: str, staff: list[str],
                    dtypes: dict[str, str]) -> pd.DataFrame:
    """Code one partition of whole threads (runs on a worker; the model loads once)."""
    from coi.pipeline.build import load_model
    from coi.pipeline.coding import code
    from coi.threads import derive_structure, repair_reply_tree

    if model_path not in _MODELS:
        _MODELS[model_path] = load_model(model_path)
    posts = partition.reset_index(drop=True)
    if not set(COLUMNS) <= set(posts.columns):
        posts = coerce(derive_structure(repair_reply_tree(coerce(posts),
                                                          ImportReport("partition"))))
    else:
        posts = coerce(posts)
    coded = code(posts, model=_MODELS[model_path], staff=set(staff))
    return coded.astype({c: dtypes[c] for c in coded.columns})
