"""Facilitation suggestions: rules (data) over thread metrics, with the posts behind them.

Rules live in ``coi/data/suggestions/rules.toml``. Each has a stable signal id, a ``when``
expression over :func:`coi.analytics.thread_metrics` columns and the rule's own ``params``,
an ``evidence`` selector naming the posts that triggered it, the recommended move and its
source. ``when`` expressions are parsed with :mod:`ast` and evaluated on a whitelist
(comparisons, ``and``/``or``/``not``, arithmetic, names, numbers and strings): no code runs.

Suggestions are phrased as support for a facilitator's judgement, not verdicts.
"""

from __future__ import annotations

import ast
import operator
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from coi.analytics import STAFF_ROLES, thread_metrics, thread_records
from coi.errors import CodebookError

EVIDENCE_LIMIT = 8


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    when: str
    evidence: str
    weight: float
    signal: str
    move: str
    source: str
    params: dict[str, float]


@dataclass(frozen=True)
class Suggestion:
    """One signal in one thread, with its evidence posts and the recommended move."""

    signal: str
    thread_id: str
    title: str
    description: str
    evidence: tuple[str, ...]
    move: str
    source: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = list(self.evidence)
        return data


def rules_path() -> Path:
    return Path(str(files("coi") / "data" / "suggestions" / "rules.toml"))


@cache
def _load_rules(path: str) -> tuple[Rule, ...]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CodebookError(f"cannot read suggestion rules {path}: {exc}") from None
    rules = []
    for number, raw in enumerate(data.get("rules", []), start=1):
        missing = [k for k in ("id", "title", "when", "evidence", "signal", "move", "source")
                   if not raw.get(k)]
        if missing:
            raise CodebookError(f"{path}: rule {number} lacks {missing}")
        if raw["evidence"] not in SELECTORS:
            raise CodebookError(f"{path}: rule {raw['id']} uses unknown evidence selector "
                                f"{raw['evidence']!r}; choose one of {sorted(SELECTORS)}")
        _compile(raw["when"], f"{path}: rule {raw['id']}")
        rules.append(Rule(raw["id"], raw["title"], raw["when"], raw["evidence"],
                          float(raw.get("weight", 1.0)), raw["signal"], raw["move"],
                          raw["source"], dict(raw.get("params", {}))))
    return tuple(rules)


def load_rules(path: str | Path | None = None) -> tuple[Rule, ...]:
    return _load_rules(str(Path(path) if path else rules_path()))


def suggest(posts: pd.DataFrame, coded: pd.DataFrame, *, rules: tuple[Rule, ...] | None = None,
            overrides: dict[str, dict[str, float]] | None = None
            ) -> tuple[pd.DataFrame, list[Suggestion]]:
    """Thread metrics ranked by attention score, and the suggestions that fired.

    ``overrides`` changes rule parameters per signal id, e.g.
    ``{"inquiry_stalled": {"min_posts": 12}}`` (the dashboard's threshold controls).
    Returns ``(threads, suggestions)``; ``threads`` gains ``attention`` (the sum of the fired
    rules' weights) and ``attention_reasons`` (their titles), sorted most urgent first.
    """
    rules = rules if rules is not None else load_rules()
    by_thread = thread_records(posts, coded)
    metrics = thread_metrics(posts, coded, records=by_thread)
    if metrics.empty:
        return metrics.assign(attention=[], attention_reasons=[]), []
    suggestions: list[Suggestion] = []
    for record in metrics.to_dict("records"):
        thread = by_thread[record["thread_id"]]
        for rule in rules:
            params = {**rule.params, **(overrides or {}).get(rule.id, {})}
            if not evaluate(rule.when, {**record, **params}):
                continue
            evidence = SELECTORS[rule.evidence](thread, record)[:EVIDENCE_LIMIT]
            suggestions.append(Suggestion(
                rule.id, str(record["thread_id"]), rule.title,
                rule.signal.format(**record, **params), tuple(evidence), rule.move,
                rule.source, rule.weight))
    fired: dict[str, list[Suggestion]] = {}
    for item in suggestions:
        fired.setdefault(item.thread_id, []).append(item)
    metrics["attention"] = metrics["thread_id"].map(
        lambda t: round(sum(s.weight for s in fired.get(t, [])), 2))
    metrics["attention_reasons"] = metrics["thread_id"].map(
        lambda t: "; ".join(s.title for s in fired.get(t, [])))
    metrics = metrics.sort_values(["attention", "last_activity"], ascending=[False, False],
                                  kind="stable").reset_index(drop=True)
    order = {t: i for i, t in enumerate(metrics["thread_id"])}
    suggestions.sort(key=lambda s: (order[s.thread_id], -s.weight))
    return metrics, suggestions


# -- evidence selectors -----------------------------------------------------------------------
# Each takes a thread's column lists in post order (see coi.analytics.thread_records) and its
# metrics, and returns post ids.
Selector = Callable[[dict[str, list], dict[str, Any]], list[str]]


def _where(thread: dict[str, list], keep: Callable[[int], bool]) -> list[str]:
    return [str(pid) for i, pid in enumerate(thread["post_id"]) if keep(i)]


def _exploration_posts(thread: dict[str, list], _: dict[str, Any]) -> list[str]:
    return _where(thread, lambda i: thread["cp_phase"][i] == "exploration")[::-1]


def _exploration_since_integration(thread: dict[str, list],
                                   metrics: dict[str, Any]) -> list[str]:
    first = len(thread["post_id"]) - int(metrics["posts_since_integration"])
    return _where(thread, lambda i: i >= first and thread["cp_phase"][i] == "exploration")[::-1]


def _posts_without_social(thread: dict[str, list], _: dict[str, Any]) -> list[str]:
    return _where(thread, lambda i: not int(thread["sp_cohesive"][i])
                  and not int(thread["sp_interactive"][i]))


def _posts_since_teaching(thread: dict[str, list], metrics: dict[str, Any]) -> list[str]:
    first = len(thread["post_id"]) - int(metrics["posts_since_teaching"])
    return _where(thread, lambda i: i >= first)


def _staff_posts(thread: dict[str, list], _: dict[str, Any]) -> list[str]:
    return _where(thread, lambda i: thread["role"][i] in STAFF_ROLES)


def _unanswered_needs(thread: dict[str, list], _: dict[str, Any]) -> list[str]:
    waiting = [i for i, need in enumerate(thread["needs_reply"])
               if need >= 0.5 and thread["n_replies"][i] == 0]
    waiting.sort(key=lambda i: -thread["needs_reply"][i])
    return [str(thread["post_id"][i]) for i in waiting]


def _dominant_author_posts(thread: dict[str, list], metrics: dict[str, Any]) -> list[str]:
    return _where(thread, lambda i: thread["author"][i] == metrics["top_author"])


def _isolated_posts(thread: dict[str, list], metrics: dict[str, Any]) -> list[str]:
    names = {n.strip() for n in str(metrics["isolated_names"]).split(",") if n.strip()}
    return _where(thread, lambda i: thread["author"][i] in names)


SELECTORS: dict[str, Selector] = {
    "exploration_posts": _exploration_posts,
    "exploration_since_integration": _exploration_since_integration,
    "posts_without_social": _posts_without_social,
    "posts_since_teaching": _posts_since_teaching,
    "staff_posts": _staff_posts,
    "unanswered_needs": _unanswered_needs,
    "dominant_author_posts": _dominant_author_posts,
    "isolated_posts": _isolated_posts,
}


# -- safe expressions ---------------------------------------------------------------------------
_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
            ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne,
            ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
               ast.Div: operator.truediv}


@cache
def _compile(expression: str, where: str = "rule") -> ast.Expression:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise CodebookError(f"{where}: cannot parse `when` ({exc.msg})") from None
    allowed = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
               ast.Compare, ast.BinOp, ast.Name, ast.Load, ast.Constant, ast.Tuple, ast.List,
               *_COMPARE, *_ARITHMETIC)
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise CodebookError(f"{where}: `when` may only compare metrics and numbers "
                                f"(found {type(node).__name__})")
    return tree


def evaluate(expression: str, names: dict[str, Any]) -> bool:
    """Evaluate a rule condition on a metrics dict (whitelisted syntax only)."""
    return bool(_eval(_compile(expression).body, names))


def _eval(node: ast.AST, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise CodebookError(f"unknown metric or parameter {node.id!r} in a suggestion rule")
        return names[node.id]
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, names) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, names)
        return (not value) if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.BinOp):
        return _ARITHMETIC[type(node.op)](_eval(node.left, names), _eval(node.right, names))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, names)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, names)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Tuple | ast.List):
        return [_eval(e, names) for e in node.elts]
    raise CodebookError(f"unsupported expression {type(node).__name__}")
