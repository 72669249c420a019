"""The codebook: dimensions, labels (codes), indicators and decision rules, loaded from TOML.

The CoI template ships as ``coi/data/codebook/coi.toml``. A researcher extends it by editing a
copy (a new category, a new presence) and passing that file when training; the pipeline builds
one classifier per dimension and the output columns follow the codebook, so no Python changes.

Dimension kinds:

``multilabel``  any number of labels, each a 0/1 output column (e.g. ``sp_affective``);
``exclusive``   exactly one label per post, one output column holding the label's value
                (e.g. ``cp_phase`` = ``integration``); ``ordered`` when the values are ordinal;
``score``       a 0–1 score column (e.g. ``needs_reply``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from coi.errors import CodebookError

Kind = Literal["multilabel", "exclusive", "score"]
DEFAULT_CODEBOOK = "coi.toml"


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    definition: str = ""
    structural: bool = False  # detected from thread structure, not from text patterns


@dataclass(frozen=True)
class Label:
    """One code: ``SP.cohesive`` (column ``sp_cohesive``) or ``CP.integration`` (value)."""

    code: str
    name: str
    column: str = ""  # output column (multilabel/score labels)
    value: str = ""  # value in the dimension's column (exclusive labels)
    definition: str = ""
    implied_by: str = ""  # a dimension id: this label is 1 when that dimension has any code
    indicators: tuple[Indicator, ...] = ()

    @property
    def key(self) -> str:
        """The name used for this label in model outputs and ``p_<key>`` columns."""
        return self.column or self.value


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    kind: Kind
    labels: tuple[Label, ...]
    column: str = ""  # exclusive dimensions: the output column
    ordered: bool = False
    none: str = ""  # exclusive dimensions: the value meaning "absent"
    description: str = ""

    @property
    def keys(self) -> list[str]:
        return [label.key for label in self.labels]

    def probability_columns(self) -> list[str]:
        prefix = f"p_{self.id}_" if self.kind == "exclusive" else "p_"
        return [prefix + key for key in self.keys]


@dataclass(frozen=True)
class Codebook:
    id: str
    name: str
    version: str
    dimensions: tuple[Dimension, ...]
    rules: tuple[tuple[str, str], ...] = ()
    source: str = ""
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise CodebookError(f"the codebook {self.id!r} has no dimension {dimension_id!r}; it "
                            f"has {[d.id for d in self.dimensions]}")

    def has_dimension(self, dimension_id: str) -> bool:
        return any(d.id == dimension_id for d in self.dimensions)

    def subset(self, dimension_ids: list[str]) -> Codebook:
        """The codebook restricted to some dimensions (e.g. those a data set codes)."""
        keep = tuple(d for d in self.dimensions if d.id in set(dimension_ids))
        return Codebook(self.id, self.name, self.version, keep, self.rules, self.source)

    def indicators(self) -> dict[str, Indicator]:
        return {ind.id: ind for d in self.dimensions for label in d.labels
                for ind in label.indicators}

    def label_of_indicator(self, indicator_id: str) -> Label | None:
        if "labels_by_indicator" not in self._index:
            self._index["labels_by_indicator"] = {
                ind.id: label for d in self.dimensions for label in d.labels
                for ind in label.indicators}
        return self._index["labels_by_indicator"].get(indicator_id)

    def output_columns(self) -> list[str]:
        """Decision columns in output order: presences, categories, exclusive, scores."""
        columns: list[str] = []
        for dimension in self.dimensions:
            if dimension.kind == "exclusive":
                columns.append(dimension.column)
            else:
                columns.extend(label.column for label in dimension.labels)
        return columns

    def probability_columns(self) -> list[str]:
        return [c for d in self.dimensions if d.kind != "score" for c in
                d.probability_columns()]

    def to_dict(self) -> dict[str, Any]:
        """A TOML/JSON-ready description (saved beside a trained model)."""
        return {
            "codebook": {"id": self.id, "name": self.name, "version": self.version},
            "dimensions": [_dimension_dict(d) for d in self.dimensions],
            "rules": [{"id": rid, "text": text} for rid, text in self.rules],
        }


def _dimension_dict(dimension: Dimension) -> dict[str, Any]:
    data: dict[str, Any] = {"id": dimension.id, "name": dimension.name, "kind": dimension.kind}
    for key in ("column", "none", "description"):
        if getattr(dimension, key):
            data[key] = getattr(dimension, key)
    if dimension.ordered:
        data["ordered"] = True
    data["labels"] = []
    for label in dimension.labels:
        item = {k: getattr(label, k) for k in ("code", "name", "column", "value", "definition",
                                               "implied_by") if getattr(label, k)}
        if label.indicators:
            item["indicators"] = [
                {k: v for k, v in vars(ind).items() if v not in ("", False)}
                for ind in label.indicators]
        data["labels"].append(item)
    return data


def default_codebook_path() -> Path:
    return Path(str(files("coi") / "data" / "codebook" / DEFAULT_CODEBOOK))


@cache
def _load_cached(path: str) -> Codebook:
    return parse_codebook(_read_toml(Path(path)), source=path)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook file (the bundled CoI template by default)."""
    return _load_cached(str(Path(path) if path else default_codebook_path()))


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise CodebookError(f"codebook file {path} does not exist")
    try:
        if path.suffix == ".json":
            import json

            return json.loads(path.read_text(encoding="utf-8"))
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise CodebookError(f"{path}: not valid TOML/JSON ({exc}); fix the line it names") \
            from None


def parse_codebook(data: dict[str, Any], *, source: str = "codebook") -> Codebook:
    """Build a :class:`Codebook` from its dict form, checking ids, kinds and columns."""
    head = data.get("codebook") or {}
    dimensions = tuple(_parse_dimension(d, source, index) for index, d in
                       enumerate(data.get("dimensions") or [], start=1))
    if not dimensions:
        raise CodebookError(f"{source}: no [[dimensions]] defined")
    _check_unique(dimensions, source)
    rules = tuple((str(r.get("id", "")), str(r.get("text", ""))) for r in data.get("rules", []))
    return Codebook(id=str(head.get("id", "custom")), name=str(head.get("name", "")),
                    version=str(head.get("version", "")), dimensions=dimensions, rules=rules,
                    source=source)


def _parse_dimension(raw: dict[str, Any], source: str, index: int) -> Dimension:
    where = f"{source}: dimension {index} ({raw.get('id', '?')})"
    for key in ("id", "name", "kind"):
        if not raw.get(key):
            raise CodebookError(f"{where}: missing '{key}'")
    kind = raw["kind"]
    if kind not in ("multilabel", "exclusive", "score"):
        raise CodebookError(f"{where}: kind must be multilabel, exclusive or score, not {kind!r}")
    labels = []
    for number, item in enumerate(raw.get("labels") or [], start=1):
        if not item.get("code") or not item.get("name"):
            raise CodebookError(f"{where}, label {number}: needs 'code' and 'name'")
        if kind == "exclusive" and not item.get("value"):
            raise CodebookError(f"{where}, label {item['code']}: exclusive labels need 'value'")
        if kind != "exclusive" and not item.get("column"):
            raise CodebookError(f"{where}, label {item['code']}: needs an output 'column'")
        indicators = tuple(Indicator(id=i["id"], name=i.get("name", i["id"]),
                                     definition=i.get("definition", ""),
                                     structural=bool(i.get("structural", False)))
                           for i in item.get("indicators") or [])
        labels.append(Label(code=item["code"], name=item["name"], column=item.get("column", ""),
                            value=item.get("value", ""), definition=item.get("definition", ""),
                            implied_by=item.get("implied_by", ""), indicators=indicators))
    if not labels:
        raise CodebookError(f"{where}: no labels")
    if kind == "exclusive" and not raw.get("column"):
        raise CodebookError(f"{where}: exclusive dimensions need an output 'column'")
    none = raw.get("none", "")
    if none and none not in [label.value for label in labels]:
        raise CodebookError(f"{where}: 'none' = {none!r} is not one of its label values")
    return Dimension(id=raw["id"], name=raw["name"], kind=kind, labels=tuple(labels),
                     column=raw.get("column", ""), ordered=bool(raw.get("ordered", False)),
                     none=none, description=raw.get("description", ""))


def _check_unique(dimensions: tuple[Dimension, ...], source: str) -> None:
    seen: dict[str, str] = {}
    for dimension in dimensions:
        names = [dimension.id, *(label.code for label in dimension.labels),
                 *(ind.id for label in dimension.labels for ind in label.indicators)]
        columns = [dimension.column] if dimension.kind == "exclusive" else [
            label.column for label in dimension.labels]
        for name in names + [f"column:{c}" for c in columns]:
            if name in seen:
                raise CodebookError(f"{source}: {name!r} is defined twice (in {seen[name]} and "
                                    f"{dimension.id}); ids and columns must be unique")
            seen[name] = dimension.id
    ids = {d.id for d in dimensions}
    for dimension in dimensions:
        for label in dimension.labels:
            if label.implied_by and label.implied_by not in ids:
                raise CodebookError(f"{source}: {label.code} is implied_by unknown dimension "
                                    f"{label.implied_by!r}")
