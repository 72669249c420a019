"""Inter-rater agreement on CoI codes.

Input is a long table: one row per (post_id, coder), with code columns named as in the coding
output (``cp_phase``, ``sp_affective``, …); a coder may leave a post, or a code, empty.
:func:`agreement` reports, per dimension (code column) and per code value:

* percent agreement — Holsti's coefficient of reliability, CR = 2m / (n1 + n2), averaged over
  coder pairs (with two coders exactly Holsti's CR);
* Cohen's kappa (Cohen 1960) for every pair of coders, and their mean (Light's kappa);
* Krippendorff's alpha (any number of coders, missing values allowed): nominal, and ordinal for
  ordered dimensions (the cognitive phases other < triggering < exploration < integration <
  resolution), computed with the ``krippendorff`` package;
* Gwet's AC1 (Gwet 2008), robust to the "kappa paradox" of skewed codes;
* confusion tables for every pair of coders.

:func:`shaffer_rho` tests whether a kappa measured on a hand-coded sample generalises to the
whole data set (Shaffer 2017, the quantitative-ethnography validation used with ENA).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from coi.errors import CoiError

PHASE_ORDER = ("other", "triggering", "exploration", "integration", "resolution")
ORDERED = {"cp_phase": PHASE_ORDER}


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


def gwet_ac1(matrix: np.ndarray) -> float:
    """Gwet's AC1 for a units × coders matrix of category codes (NaN = not coded).

    Units coded by fewer than two coders do not count towards observed agreement but do
    count towards category prevalence, following Gwet (2014, ch. 4).

    >>> round(gwet_ac1(np.array([[1, 1]] * 118 + [[1, 0]] * 5 + [[0, 1]] * 2, float)), 4)
    0.9408
    """
    frame = pd.DataFrame(matrix)
    categories = sorted(set(frame.stack().dropna()))
    q = len(categories)
    if q < 2:
        return 1.0
    counts = np.column_stack([(frame == c).sum(axis=1).to_numpy() for c in categories])
    raters = counts.sum(axis=1)
    coded = raters >= 1
    pair = raters >= 2
    if not pair.any():
        raise CoiError("No unit was coded by two coders: agreement cannot be computed.")
    agree = (counts[pair] * (counts[pair] - 1)).sum(axis=1) / (raters[pair] * (raters[pair] - 1))
    observed = agree.mean()
    prevalence = (counts[coded] / raters[coded, None]).mean(axis=0)
    chance = (prevalence * (1 - prevalence)).sum() / (q - 1)
    return float((observed - chance) / (1 - chance)) if chance < 1 else 1.0


def alpha(matrix: np.ndarray, level: str = "nominal") -> float:
    """Krippendorff's alpha for a coders × units matrix of numeric codes (NaN = missing)."""
    values = matrix[~np.isnan(matrix)]
    if len(set(values.tolist())) < 2:
        return 1.0
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))


def agreement(codes: pd.DataFrame, dimensions: Sequence[str] | None = None) -> dict[str, Any]:
    """Agreement statistics per dimension (code column), keyed by dimension then statistic.

    ``codes``: one row per (post_id, coder) with the code columns. Returns::

        {"cp_phase": {"units": …, "coders": […], "percent_agreement": …, "cohen_kappa": …,
                      "cohen_kappa_pairs": {"A|B": …}, "krippendorff_alpha_nominal": …,
                      "krippendorff_alpha_ordinal": …, "gwet_ac1": …,
                      "confusion": {"A|B": {"labels": […], "matrix": [[…]]}},
                      "per_code": {"integration": {…same statistics, code vs rest…}}}, …}
    """
    _check(codes)
    dimensions = list(dimensions or [c for c in codes.columns if c not in {
        "post_id", "coder", "memo", "coder_id", "updated_at"}])
    return {dimension: _dimension(codes, dimension) for dimension in dimensions}


def _check(codes: pd.DataFrame) -> None:
    missing = [c for c in ("post_id", "coder") if c not in codes.columns]
    if missing:
        raise CoiError(f"the codes table needs the columns post_id and coder (missing "
                       f"{missing}); one row per post and coder, one column per code")
    duplicated = codes.duplicated(["post_id", "coder"])
    if duplicated.any():
        first = codes.loc[duplicated, ["post_id", "coder"]].iloc[0].tolist()
        raise CoiError(f"post {first[0]} is coded twice by coder {first[1]}; keep one row per "
                       "post and coder")


def _normalise(series: pd.Series) -> pd.Series:
    """Codes as comparable strings: 1/1.0/'1'/True → '1'; empty → missing."""
    def one(value: object) -> object:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return np.nan
        text = str(value).strip()
        if text == "":
            return np.nan
        if text.lower() in {"true", "yes"}:
            return "1"
        if text.lower() in {"false", "no"}:
            return "0"
        try:
            number = float(text)
            return str(int(number)) if number.is_integer() else text
        except ValueError:
            return text
    return series.map(one)


def _dimension(codes: pd.DataFrame, dimension: str) -> dict[str, Any]:
    if dimension not in codes.columns:
        raise CoiError(f"no code column {dimension!r} in the codes table")
    table = codes.assign(value=_normalise(codes[dimension])).pivot(
        index="post_id", columns="coder", values="value")
    table = table.dropna(how="all")
    coders = [str(c) for c in table.columns]
    result = _statistics(table, dimension)
    result["coders"] = coders
    values = sorted(set(table.stack().dropna()), key=_order_key(dimension))
    if len(values) > 2 or dimension in ORDERED:
        result["per_code"] = {
            value: _statistics(table.map(lambda v, x=value: np.nan if pd.isna(v) else str(
                int(v == x))), f"{dimension}={value}", binary=True)
            for value in values}
    return result


def _order_key(dimension: str):  # type: ignore[no-untyped-def]
    order = ORDERED.get(dimension)
    return (lambda v: (order.index(v) if v in order else len(order), v)) if order else str


def _statistics(table: pd.DataFrame, name: str, binary: bool = False) -> dict[str, Any]:
    coders = list(table.columns)
    if len(coders) < 2:
        raise CoiError(f"{name}: agreement needs at least two coders; found {coders}")
    values = sorted(set(table.stack().dropna()), key=_order_key(name.split("=")[0]))
    index = {v: i for i, v in enumerate(values)}
    numeric = table.map(lambda v: np.nan if pd.isna(v) else index[v]).to_numpy(dtype=float)
    pairs: dict[str, float] = {}
    percent: list[float] = []
    confusion: dict[str, Any] = {}
    for first, second in itertools.combinations(coders, 2):
        both = table[[first, second]].dropna()
        if both.empty:
            continue
        key = f"{first}|{second}"
        pairs[key] = round(cohen_kappa(both[first].tolist(), both[second].tolist()), 4)
        percent.append(holsti(both[first].tolist(), both[second].tolist()))
        matrix = pd.crosstab(pd.Categorical(both[first], categories=values),
                             pd.Categorical(both[second], categories=values), dropna=False)
        confusion[key] = {"labels": values, "rows": first, "columns": second,
                          "matrix": matrix.to_numpy().tolist()}
    if not pairs:
        raise CoiError(f"{name}: no post was coded by two coders")
    result: dict[str, Any] = {
        "units": int((table.notna().sum(axis=1) >= 2).sum()),
        "percent_agreement": round(float(np.mean(percent)), 4),
        "cohen_kappa": round(float(np.mean(list(pairs.values()))), 4),
        "cohen_kappa_pairs": pairs,
        "krippendorff_alpha_nominal": round(alpha(numeric.T, "nominal"), 4),
        "gwet_ac1": round(gwet_ac1(numeric), 4),
        "confusion": confusion,
    }
    if not binary and name in ORDERED:
        result["krippendorff_alpha_ordinal"] = round(alpha(numeric.T, "ordinal"), 4)
    return result


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


def disagreements(codes: pd.DataFrame, dimensions: Sequence[str]) -> pd.DataFrame:
    """Posts where coders differ: post_id, dimension, and each coder's value."""
    rows = []
    for dimension in dimensions:
        table = codes.assign(value=_normalise(codes[dimension])).pivot(
            index="post_id", columns="coder", values="value")
        differ = table.apply(lambda row: row.dropna().nunique() > 1, axis=1)
        for post_id, row in table[differ].iterrows():
            rows.append({"post_id": post_id, "dimension": dimension,
                         **{str(k): v for k, v in row.items()}})
    return pd.DataFrame(rows)


def shaffer_rho(observed_kappa: float, sample_size: int, base_rate: float, *,
                threshold: float = 0.65, simulations: int = 2000, population: int = 10_000,
                seed: int = 0) -> float:
    """Shaffer's rho: how likely a sample kappa this high is if the true kappa were below
    ``threshold`` (Shaffer 2017; the logic of the rhoR package).

    Simulates full two-rater code sets for one binary code with the given ``base_rate`` and a
    true kappa in [0, threshold), draws ``sample_size`` units from each, and returns the share
    of samples whose kappa reaches ``observed_kappa``. rho < 0.05 means the sample's kappa
    generalises: a true kappa below the threshold would rarely give it.
    """
    if not 0 < base_rate < 1:
        raise CoiError("Shaffer's rho needs a base rate strictly between 0 and 1")
    if sample_size < 2:
        raise CoiError("Shaffer's rho needs a sample of at least two coded units")
    rng = np.random.default_rng(seed)
    exceed = kept = 0
    attempts = 0
    while kept < simulations and attempts < simulations * 200:
        attempts += 1
        precision, recall = rng.uniform(0.01, 1.0), rng.uniform(0.01, 1.0)
        tp = base_rate * recall
        fn = base_rate - tp
        fp = tp * (1 - precision) / precision
        tn = 1 - tp - fn - fp
        if tn < 0:
            continue
        cells = np.array([tp, fn, fp, tn])
        true_kappa = _kappa_from_cells(cells)
        if not 0 <= true_kappa < threshold:
            continue
        kept += 1
        counts = rng.multinomial(sample_size, cells / cells.sum())
        if _kappa_from_cells(counts.astype(float)) >= observed_kappa:
            exceed += 1
    if kept == 0:
        raise CoiError("no code set with a kappa below the threshold fits this base rate")
    return exceed / kept


def _kappa_from_cells(cells: np.ndarray) -> float:
    tp, fn, fp, tn = cells
    total = cells.sum()
    if total <= 0:
        return 0.0
    observed = (tp + tn) / total
    chance = ((tp + fn) * (tp + fp) + (fp + tn) * (fn + tn)) / total ** 2
    return 1.0 if chance >= 1 else float((observed - chance) / (1 - chance))
