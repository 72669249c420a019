"""The bootstrap corpus: discussion threads written and hand-coded for the project.

``load()`` returns the canonical posts with the negotiated codes (or one coder's independent
codes), the setting and the fixed split; ``codes()`` returns every coder's codes as a long
table (one row per post and coder) for agreement statistics. See
``coi/data/corpus/DATA_CARD.md`` for how the corpus was written and coded and what it is not.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path

import pandas as pd

from coi.codebook import load_codebook
from coi.pipeline.labels import fill_implied
from coi.report import ImportReport
from coi.schema import COLUMNS, coerce
from coi.threads import derive_structure, repair_reply_tree

CODERS = ("coder_a", "coder_b", "negotiated")
CODE_COLUMNS = ("sp_affective", "sp_interactive", "sp_cohesive", "tp_design",
                "tp_facilitation", "tp_direct", "cp_phase", "needs_reply", "activity")
SPLITS = ("train", "dev", "test")


def corpus_dir() -> Path:
    return Path(str(files("coi") / "data" / "corpus"))


@cache
def _posts() -> pd.DataFrame:
    rows = [json.loads(line) for line in (corpus_dir() / "posts.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    frame = pd.DataFrame(rows)
    frame["raw_text"] = frame["text"]  # written as plain text: the export is the text itself
    posts = coerce(derive_structure(repair_reply_tree(coerce(frame), ImportReport("corpus"))))
    for column in ("setting", "context", "split"):
        posts[column] = frame[column].to_numpy()
    return posts


@cache
def _codes() -> pd.DataFrame:
    rows = [json.loads(line) for line in (corpus_dir() / "codes.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    return pd.DataFrame(rows)


def codes() -> pd.DataFrame:
    """Long table: post_id, coder (coder_a, coder_b, negotiated), the code columns, memo."""
    return _codes().copy()


def load(split: str | None = None, coder: str = "negotiated") -> pd.DataFrame:
    """Posts with one coder's codes and presence flags; optionally one split only."""
    if coder not in CODERS:
        raise ValueError(f"coder must be one of {CODERS}")
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    posts = _posts()
    chosen = _codes()
    chosen = chosen[chosen["coder"] == coder].drop(columns=["coder"])
    frame = posts.merge(chosen, on="post_id", how="left", validate="one_to_one")
    frame = fill_implied(frame, load_codebook())
    order = list(COLUMNS) + ["setting", "context", "split", "social", "cognitive", "teaching"] \
        + list(CODE_COLUMNS) + ["memo"]
    frame = frame[order]
    if split is not None:
        frame = frame[frame["split"] == split]
    return frame.reset_index(drop=True)


def with_presences(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the presence flags a long code table implies (rule B5)."""
    return fill_implied(frame, load_codebook())


def agreement() -> pd.DataFrame:
    """Agreement per dimension: the two independent coders before negotiation, and each
    coder against the negotiated code (how far negotiation moved them)."""
    from coi.agreement import pairwise

    table = with_presences(codes())
    dimensions = ["social", "cognitive", "teaching", *CODE_COLUMNS]
    before = pairwise(table, "coder_a", "coder_b", dimensions).set_index("dimension")
    a_final = pairwise(table, "coder_a", "negotiated", dimensions).set_index("dimension")
    b_final = pairwise(table, "coder_b", "negotiated", dimensions).set_index("dimension")
    return pd.DataFrame({
        "kappa_before": before["kappa"], "agreement_before": before["percent_agreement"],
        "kappa_a_vs_negotiated": a_final["kappa"], "kappa_b_vs_negotiated": b_final["kappa"],
        "disputed_units": ((1 - before["percent_agreement"]) * before["units"]).round().astype(
            int),
    }).round(3)
