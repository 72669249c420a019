"""Inter-rater agreement on CoI codes.

Input is a long table: one row per (post_id, coder) with code columns named as in the coding
output (``cp_phase``, ``sp_affective``, …). Statistics follow CoI reporting conventions:
Cohen's kappa per dimension (Cohen 1960) and Holsti's coefficient of reliability,
CR = 2m / (n1 + n2), i.e. the share of jointly coded units the two coders code the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sklearn.metrics import cohen_kappa_score


def holsti(a: Sequence[object], b: Sequence[object]) -> float:
    """Holsti's CR for two coders who coded the same units (aligned sequences).

    >>> holsti(["x", "y", "y", "z"], ["x", "y", "z", "z"])
    0.75
    """
    if len(a) != len(b):
        raise ValueError("Both coders' codes must be aligned: give sequences of equal length.")
    if not len(a):
        raise ValueError("No units were coded by both coders.")
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def cohen_kappa(a: Sequence[object], b: Sequence[object]) -> float:
    """Cohen's kappa for two coders (1.0 when both used a single identical category).

    >>> round(cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]), 3)
    0.5
    """
    if len(a) != len(b):
        raise ValueError("Both coders' codes must be aligned: give sequences of equal length.")
    if len(set(a) | set(b)) == 1:
        return 1.0
    return float(cohen_kappa_score(list(map(str, a)), list(map(str, b))))


def pairwise(codes: pd.DataFrame, first: str, second: str,
             dimensions: Sequence[str]) -> pd.DataFrame:
    """Kappa and Holsti's CR per dimension for two coders of a long code table."""
    a = codes[codes["coder"] == first].set_index("post_id")
    b = codes[codes["coder"] == second].set_index("post_id")
    shared = a.index.intersection(b.index)
    rows = []
    for dimension in dimensions:
        x, y = a.loc[shared, dimension].tolist(), b.loc[shared, dimension].tolist()
        rows.append({"dimension": dimension, "units": len(shared),
                     "kappa": round(cohen_kappa(x, y), 3),
                     "percent_agreement": round(holsti(x, y), 3)})
    return pd.DataFrame(rows)
