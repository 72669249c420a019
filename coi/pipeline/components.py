"""coi's spaCy components and doc extensions (registered once, here).

Pipeline order (see ``coi/pipeline/build.py``)::

    evidence (span_ruler) → coi_structure → presence, sp, tp, cp, needs_reply (textcats)
        → coi_combiner

* ``evidence`` is spaCy's own ``span_ruler``: the indicator patterns of
  ``coi/data/patterns/indicators.jsonl`` mark evidence spans in ``doc.spans["coi_evidence"]``,
  each labelled with an indicator id of the codebook (``SP.cohesive.salutation``…).
* ``coi_structure`` adds what patterns cannot see: replying within a thread, quoting, and
  vocatives (other participants' names), and tidies overlapping spans. It reads the thread
  context a caller attaches as ``doc._.coi_context`` (see :func:`coi.pipeline.context`).
* the textcats score each codebook dimension from the post's own words.
* ``coi_combiner`` makes the final decision per code from the textcat scores, the thread
  context and the evidence (a small logistic model fitted on out-of-fold predictions), and
  keeps the presences coherent with their categories (rule B5).

Names carry versions (``coi_structure.v1``): changed behaviour gets a new version.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IS_TITLE, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from coi.codebook import Codebook, parse_codebook
from coi.pipeline.features import ATTRS, FeatureSpec, context_features, token_array

SPANS_KEY = "coi_evidence"

for _name, _default in (("coi_context", None), ("coi_structural", None), ("coi_features", None),
                        ("coi_codes", None), ("coi_probs", None), ("coi_counts", None),
                        ("coi_array", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


# -- structure ----------------------------------------------------------------------------------
@Language.factory("coi_structure", default_config={"regex_patterns": []})
def make_structure(nlp: Language, name: str,
                   regex_patterns: list[dict[str, Any]]) -> StructureComponent:
    return StructureComponent(name, regex_patterns)


class StructureComponent:
    """Structural evidence and tidy evidence spans.

    * ``SP.interactive.continuing_thread`` when the post replies within a thread (rule B2:
      recorded from the tree, not coded from text);
    * ``SP.interactive.quoting`` when the post quotes another message (rule B1);
    * ``SP.cohesive.vocative`` spans for other participants' names used in the text;
    * spans for the character-level regex patterns (``coi/data/patterns/regex.jsonl``: emoji,
      @mentions, percentages, citations…), which are much faster as one regex over the text
      than as token patterns tried at every token;
    * of overlapping spans with the same indicator, only the longest is kept.
    """

    def __init__(self, name: str, regex_patterns: list[dict[str, Any]] | None = None) -> None:
        self.name = name
        self.regex_patterns = [
            (item["label"], re.compile(item["regex"], re.IGNORECASE if "i" in item.get(
                "flags", "") else 0), tuple(item.get("requires") or ()))
            for item in regex_patterns or []]

    def __call__(self, doc: Doc) -> Doc:
        context = doc._.coi_context or {}
        structural: list[dict[str, Any]] = []
        if context.get("parent_id"):
            structural.append({"indicator": "SP.interactive.continuing_thread",
                               "text": "", "start": None, "end": None})
        if context.get("quoted"):
            structural.append({"indicator": "SP.interactive.quoting",
                               "text": context["quoted"][:120], "start": None, "end": None})
        doc._.coi_structural = structural
        spans = list(doc.spans.get(SPANS_KEY, []))
        spans.extend(self._vocatives(doc, context.get("name_hashes")))
        spans.extend(self._regex_spans(doc, context.get("text")))
        kept = _tidy(spans)
        doc.spans[SPANS_KEY] = kept
        counts: dict[str, int] = {}
        for label in [span.label_ for span in kept] + [i["indicator"] for i in structural]:
            counts[label] = counts.get(label, 0) + 1
        doc._.coi_counts = counts
        return doc

    @staticmethod
    def _vocatives(doc: Doc, lookup: np.ndarray | None) -> list[Span]:
        """Tokens that are another participant's name (capitalised), found on attribute
        arrays rather than by creating a Token object per word. ``lookup`` holds the hashes
        of the lower-cased names (see :func:`coi.pipeline.context.name_hashes`)."""
        if lookup is None or not len(lookup) or not len(doc):
            return []
        array = token_array(doc)
        title, lower = array[:, ATTRS.index(IS_TITLE)], array[:, ATTRS.index(LOWER)]
        candidates = np.flatnonzero(title == 1)
        hits = candidates[np.isin(lower[candidates], lookup)]
        return [Span(doc, int(i), int(i) + 1, label="SP.cohesive.vocative") for i in hits]


    def _regex_spans(self, doc: Doc, text: str | None = None) -> list[Span]:
        spans = []
        if text is None:  # the context carries the text the doc was made from (doc.text
            text = doc.text  # is rebuilt from the tokens on every access: slow)
        for label, pattern, requires in self.regex_patterns:
            if requires and not any(literal in text for literal in requires):
                continue  # a cheap substring test spares most regex scans
            for match in pattern.finditer(text):
                span = doc.char_span(match.start(), match.end(), label=label,
                                     alignment_mode="expand")
                if span is not None and len(span):
                    spans.append(span)
        return spans


def _tidy(spans: list[Span]) -> list[Span]:
    by_label: dict[str, list[Span]] = {}
    for span in spans:
        by_label.setdefault(span.label_, []).append(span)
    kept: list[Span] = []
    for group in by_label.values():
        kept.extend(filter_spans(group))
    return sorted(kept, key=lambda s: (s.start, s.end, s.label_))


# -- combiner -----------------------------------------------------------------------------------
@Language.factory("coi_combiner", default_config={})
def make_combiner(nlp: Language, name: str) -> CombinerComponent:
    return CombinerComponent(nlp, name)


class CombinerComponent:
    """Final decisions per code from textcat scores, thread context and evidence.

    Its state (``self.cfg``) is plain JSON: the codebook, the textcat components it reads, the
    feature spec, and per-dimension logistic weights and thresholds. Fitted offline by
    :mod:`coi.pipeline.training` (cross-fitted textcat scores, so it learns how much to trust
    them), saved with ``to_disk``.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cfg: dict[str, Any] = {}
        self._codebook: Codebook | None = None

    @property
    def is_fitted(self) -> bool:
        return bool(self.cfg.get("models"))

    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            self._codebook = parse_codebook(self.cfg["codebook"], source="model codebook")
        return self._codebook

    def set_state(self, cfg: dict[str, Any]) -> None:
        self.cfg = cfg
        self._codebook = None

    def __call__(self, doc: Doc) -> Doc:
        return self.decide([doc])[0]

    def pipe(self, docs, batch_size: int = 256):  # type: ignore[no-untyped-def]
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self.decide(batch)
                batch = []
        if batch:
            yield from self.decide(batch)

    def decide(self, docs: list[Doc]) -> list[Doc]:
        if not self.is_fitted:
            raise RuntimeError("coi_combiner is not fitted; train the model with `coi train`")
        spec = FeatureSpec.from_dict(self.cfg["features"])
        matrix = np.vstack([self._row(doc, spec) for doc in docs])
        probabilities = {dim_id: _predict(model, matrix)
                         for dim_id, model in self.cfg["models"].items()}
        for index, doc in enumerate(docs):
            probs = {dim_id: p[index] for dim_id, p in probabilities.items()}
            doc._.coi_probs, doc._.coi_codes = decide_codes(self.codebook, probs,
                                                            self.cfg["thresholds"])
            doc._.coi_array = None  # only needed inside the pipeline
        return docs

    def _row(self, doc: Doc, spec: FeatureSpec) -> np.ndarray:
        features = context_features(doc, spec)
        doc._.coi_features = features
        return features

    def to_disk(self, path: str | Path, exclude: tuple[str, ...] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_text(json.dumps(self.cfg), encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: tuple[str, ...] = ()) -> CombinerComponent:
        self.set_state(json.loads((Path(path) / "cfg.json").read_text(encoding="utf-8")))
        return self

    def to_bytes(self, exclude: tuple[str, ...] = ()) -> bytes:
        return json.dumps(self.cfg).encode("utf-8")

    def from_bytes(self, data: bytes, exclude: tuple[str, ...] = ()) -> CombinerComponent:
        self.set_state(json.loads(data))
        return self


def _predict(model: dict[str, Any], matrix: np.ndarray) -> np.ndarray:
    """Probabilities of a fitted logistic model stored as JSON (binary or multinomial)."""
    x = (matrix - np.asarray(model["mean"])) / np.asarray(model["scale"])
    logits = x @ np.asarray(model["coef"]).T + np.asarray(model["intercept"])
    if model["kind"] == "binary":
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))  # (n, labels)
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def decide_codes(codebook: Codebook, probs: dict[str, np.ndarray],
                 thresholds: dict[str, float]) -> tuple[dict[str, float], dict[str, Any]]:
    """Turn per-dimension probabilities into codes, keeping presences coherent (rule B5).

    A presence gates its categories: when the presence's own score passes its threshold, its
    categories above their thresholds are on (at least the most likely one); when it does not,
    none are. Measured on the dev split, gating beat OR-ing the categories (teaching presence
    F1 0.88 vs 0.78), because each category's false positives no longer add up. A presence
    implied by an exclusive dimension (cognitive ← phase) is on when the phase is not "none".
    """
    out_probs: dict[str, float] = {}
    codes: dict[str, Any] = {}
    for dimension in codebook.dimensions:
        p = probs[dimension.id]
        if dimension.kind == "exclusive":
            for label, value in zip(dimension.labels, p, strict=True):
                out_probs[f"p_{dimension.id}_{label.value}"] = float(value)
            codes[dimension.column] = dimension.labels[int(np.argmax(p))].value
        else:
            for label, value in zip(dimension.labels, p, strict=True):
                out_probs[f"p_{label.column}"] = float(value)
                codes[label.column] = (float(value) if dimension.kind == "score" else
                                       int(value >= thresholds.get(label.column, 0.5)))
    for dimension in codebook.dimensions:
        for label in dimension.labels:
            if not label.implied_by:
                continue
            implied = codebook.dimension(label.implied_by)
            if implied.kind == "exclusive":
                codes[label.column] = int(codes[implied.column] != implied.none)
                if implied.none:
                    out_probs[f"p_{label.column}"] = 1.0 - out_probs[
                        f"p_{implied.id}_{implied.none}"]
                continue
            columns = [lab.column for lab in implied.labels]
            if not codes[label.column]:
                for column in columns:
                    codes[column] = 0
            elif not any(codes[c] for c in columns):
                codes[max(columns, key=lambda c: out_probs[f"p_{c}"])] = 1
    return out_probs, codes
