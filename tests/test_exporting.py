"""Exports are safe to open in a spreadsheet: no formula injection."""

from __future__ import annotations

import openpyxl
import pandas as pd

from coi.exporting import spreadsheet_safe, write_table


def test_formula_cells_neutralised_in_csv_and_xlsx(tmp_path):
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"http://evil\",\"x\")", "+1", "@SUM(A1)",
                                   "-2+3", "plain"], "n": [1, -2, 3, 4, 5]})
    safe = spreadsheet_safe(frame)
    assert list(safe["text"]) == ["'=HYPERLINK(\"http://evil\",\"x\")", "'+1", "'@SUM(A1)",
                                  "'-2+3", "plain"]
    assert list(safe["n"]) == [1, -2, 3, 4, 5]
    write_table(frame, tmp_path / "x.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=")
    write_table(frame, tmp_path / "x.csv")
    assert "'=HYPERLINK" in (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
