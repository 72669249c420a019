"""Shared by the benchmark scripts: print the results and optionally save them as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def report(results: dict[str, Any], path: str | None) -> dict[str, Any]:
    print(json.dumps(results, indent=2))
    if path:
        Path(path).write_text(json.dumps(results, indent=2) + "\n")
    return results
