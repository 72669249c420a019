"""Building pipelines: the evidence part (patterns + structure) and loading trained models."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import spacy
from spacy.language import Language

from coi.errors import ModelError
from coi.pipeline import components  # noqa: F401  (registers factories)
from coi.pipeline.components import SPANS_KEY

DEFAULT_MODEL = "coi-default"


def patterns_path() -> Path:
    """The bundled indicator patterns (spaCy span_ruler JSONL, phrases matched on NORM).

    Character-level regex patterns live beside it in ``regex.jsonl``.
    """
    return Path(str(files("coi") / "data" / "patterns" / "indicators.jsonl"))


def regex_patterns_path(patterns: str | Path) -> Path:
    return Path(patterns).with_name("regex.jsonl")


def read_patterns(path: str | Path) -> list[dict[str, object]]:
    path = Path(path)
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            pattern = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ModelError(f"{path}, line {number}: not JSON ({exc.msg})") from None
        if "label" not in pattern or not ("pattern" in pattern or "regex" in pattern):
            raise ModelError(f"{path}, line {number}: a pattern needs 'label' and 'pattern' "
                             "(or 'regex')")
        patterns.append(pattern)
    return patterns


def evidence_pipeline(patterns: str | Path | None = None) -> Language:
    """A blank English pipeline with the indicator patterns and structural evidence."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("span_ruler", name="evidence", config={
        "spans_key": SPANS_KEY, "phrase_matcher_attr": "NORM", "validate": True,
        "overwrite": False})
    phrases = Path(patterns or patterns_path())
    ruler.add_patterns(read_patterns(phrases))  # type: ignore[attr-defined]
    regexes = regex_patterns_path(phrases)
    nlp.add_pipe("coi_structure", config={"regex_patterns": [
        {"label": p["label"], "regex": p["regex"], "flags": p.get("flags", ""),
         "requires": p.get("requires", [])}
        for p in (read_patterns(regexes) if regexes.exists() else [])]})
    return nlp


def default_model_path() -> Path:
    """``$COI_MODEL``, else ``models/coi-default`` of the source checkout."""
    if os.environ.get("COI_MODEL"):
        return Path(os.environ["COI_MODEL"])
    return Path(__file__).resolve().parents[2] / "models" / DEFAULT_MODEL


def models_dir() -> Path:
    """Where models trained from the dashboard go: ``$COI_MODELS_DIR``, else ``models/``."""
    return Path(os.environ.get("COI_MODELS_DIR") or default_model_path().parent)


def model_pipeline_path(model: str | Path) -> Path:
    path = Path(model)
    if not path.exists() and not path.is_absolute():
        candidate = default_model_path().parent / str(model)
        path = candidate if candidate.exists() else path
    if (path / "pipeline").is_dir():
        path = path / "pipeline"
    if not (path / "config.cfg").exists():
        raise ModelError(f"no coi model at {model}: expected a folder made by `coi train` "
                         f"(with pipeline/config.cfg). The default model lives in "
                         f"{default_model_path()}; set COI_MODEL or pass --model.")
    return path


@lru_cache(maxsize=4)
def _load(path: str, _stamp: int) -> Language:
    try:
        nlp = spacy.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot load the model at {path}: {exc}") from None
    nlp.meta["coi_path"] = path  # lets coi.code hand the model to worker processes
    return nlp


def load_model(model: str | Path | None = None) -> Language:
    """Load a trained coi pipeline (cached per path and version: a retrained model at the same
    path is loaded afresh)."""
    path = model_pipeline_path(model or default_model_path()).resolve()
    stamp = (path / "config.cfg").stat().st_mtime_ns
    return _load(str(path), stamp)
