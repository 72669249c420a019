"""Agreement statistics against published worked examples and hand computations."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from coi.agreement import agreement, alpha, disagreements, holsti, shaffer_rho
from coi.cli import main
from coi.errors import CoiError

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units.
KRIPPENDORFF = {
    "A": "1 2 3 3 2 1 4 1 2 * * *",
    "B": "1 2 3 3 2 2 4 1 2 5 * 3",
    "C": "* 3 3 3 2 3 4 2 2 5 1 *",
    "D": "1 2 3 3 2 4 4 1 2 5 1 *",
}


def krippendorff_long() -> pd.DataFrame:
    rows = []
    for coder, values in KRIPPENDORFF.items():
        for unit, value in enumerate(values.split(), start=1):
            rows.append({"post_id": f"u{unit}", "coder": coder,
                         "code": None if value == "*" else value})
    return pd.DataFrame(rows)


def test_krippendorff_published_example():
    matrix = np.array([[np.nan if v == "*" else float(v) for v in row.split()]
                       for row in KRIPPENDORFF.values()])
    assert alpha(matrix, "nominal") == pytest.approx(0.743, abs=5e-4)
    assert alpha(matrix, "ordinal") == pytest.approx(0.815, abs=5e-4)
    stats = agreement(krippendorff_long(), ["code"])["code"]
    assert stats["krippendorff_alpha_nominal"] == pytest.approx(0.743, abs=5e-4)
    assert set(stats["cohen_kappa_pairs"]) == {"A|B", "A|C", "A|D", "B|C", "B|D", "C|D"}


def test_gwet_ac1_kappa_paradox_example():
    # Gwet (2008): two raters, 118 agree yes, 5 + 2 disagree; kappa ~ 0 but AC1 ~ 0.94
    a = [1] * 118 + [1] * 5 + [0] * 2
    b = [1] * 118 + [0] * 5 + [1] * 2
    codes = pd.DataFrame({"post_id": list(range(125)) * 2, "coder": ["A"] * 125 + ["B"] * 125,
                          "x": a + b})
    stats = agreement(codes, ["x"])["x"]
    assert stats["gwet_ac1"] == pytest.approx(0.9408, abs=1e-4)
    assert stats["cohen_kappa"] == pytest.approx(-0.0234, abs=1e-4)
    assert stats["percent_agreement"] == pytest.approx(118 / 125)
    assert stats["confusion"]["A|B"]["matrix"] == [[0, 2], [5, 118]]


def test_ordinal_alpha_and_per_code_for_cognitive_phases():
    codes = pd.DataFrame({
        "post_id": [1, 2, 3, 4, 5, 6] * 2, "coder": ["A"] * 6 + ["B"] * 6,
        "cp_phase": ["other", "triggering", "exploration", "integration", "resolution",
                     "exploration", "other", "triggering", "integration", "integration",
                     "resolution", "exploration"]})
    stats = agreement(codes, ["cp_phase"])["cp_phase"]
    assert stats["krippendorff_alpha_ordinal"] > stats["krippendorff_alpha_nominal"]
    assert list(stats["per_code"]) == ["other", "triggering", "exploration", "integration",
                                       "resolution"]
    assert stats["per_code"]["integration"]["percent_agreement"] == pytest.approx(5 / 6, abs=1e-4)
    assert holsti(["a", "b"], ["a", "c"]) == 0.5


def test_missing_codes_and_three_coders():
    codes = pd.DataFrame({"post_id": [1, 2, 3, 1, 2, 3, 1, 2],
                          "coder": ["A", "A", "A", "B", "B", "B", "C", "C"],
                          "sp_affective": [1, 0, 1, 1, 0, "", 1, 1]})
    stats = agreement(codes, ["sp_affective"])["sp_affective"]
    assert stats["units"] == 2 and stats["coders"] == ["A", "B", "C"]  # B left post 3 empty
    table = disagreements(codes, ["sp_affective"])
    assert list(table["post_id"]) == [2]


def test_bad_tables_are_explained():
    with pytest.raises(CoiError, match="post_id and coder"):
        agreement(pd.DataFrame({"id": [1]}))
    with pytest.raises(CoiError, match="coded twice"):
        agreement(pd.DataFrame({"post_id": [1, 1], "coder": ["A", "A"], "x": [1, 0]}))
    with pytest.raises(CoiError, match="two coders"):
        agreement(pd.DataFrame({"post_id": [1, 2], "coder": ["A", "A"], "x": [1, 0]}))


def test_shaffer_rho_behaves():
    # a high kappa on a large sample generalises; the same kappa on 10 units does not
    assert shaffer_rho(0.9, 200, 0.3, simulations=500) < 0.05
    assert shaffer_rho(0.9, 10, 0.3, simulations=500) > 0.05
    assert shaffer_rho(0.5, 200, 0.3, simulations=500) > 0.05


def test_cli_agreement_json(tmp_path, capsys):
    path = tmp_path / "codes.csv"
    krippendorff_long().to_csv(path, index=False)
    out = tmp_path / "agreement.json"
    assert main(["agreement", str(path), "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["code"]["krippendorff_alpha_nominal"] == pytest.approx(0.743, abs=5e-4)
    assert "krippendorff_alpha_nominal" in capsys.readouterr().out
