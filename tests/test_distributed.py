"""The Dask path gives the same codes as the single-process path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

from coi import corpus  # noqa: E402
from coi.distributed import code_parquet  # noqa: E402
from coi.pipeline import code  # noqa: E402


def test_local_cluster_matches_single_process(tiny_model, tmp_path):
    posts = corpus.load("test")[list(corpus.load().columns[:16])]
    source = tmp_path / "posts.parquet"
    posts.to_parquet(source, index=False)
    summary = code_parquet(source, tmp_path / "coded", model=tiny_model, workers=2,
                           partitions=4)
    assert summary["posts"] == len(posts) and summary["files"] == 4
    distributed = pd.read_parquet(tmp_path / "coded").astype({"post_id": str}).set_index(
        "post_id").sort_index()
    single = code(posts, model=tiny_model).astype({"post_id": str}).set_index(
        "post_id").sort_index()
    probabilities = [c for c in single.columns if c.startswith("p_") or c == "needs_reply"]
    decisions = [c for c in single.columns if c not in probabilities]
    pd.testing.assert_frame_equal(single[decisions].astype(str),
                                  distributed[decisions].astype(str))
    assert np.allclose(single[probabilities].to_numpy(float),
                       distributed[probabilities].to_numpy(float), rtol=0, atol=1e-9)
