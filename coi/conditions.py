"""The five conditions for social learning, assessed for one community or channel.

For each condition the data gives evidence (numbers and the posts or people behind them) and,
where it cannot tell, says so plainly:

1. **intention** — do people say what they want to learn; do threads start from a purpose or
   question?
2. **individual propensity and skill** — who asks, who answers, who only broadcasts; do
   replies engage with others (interactive social presence)?
3. **relationship strength** — reciprocated and repeated exchanges, conversation depth,
   newcomers drawn in, brokers and clusters (:mod:`coi.social`);
4. **activity match** — which kinds of social learning happen (socializing, storytelling,
   information exchange, Q&A, mentoring/coaching, co-learning, collaboration) and whether the
   space serves them (are questions answered?);
5. **tool functionality and accessibility** — mostly outside the data: only reply timing and
   tech-trouble posts hint at it.

Suggestions come from ``coi/data/suggestions/social_rules.toml`` (the same safe rule language
as the facilitation suggestions).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from coi.analytics import contributions
from coi.errors import CodebookError
from coi.social import asks, first_reply_latency, people, relationships, states_goal
from coi.suggestions import evaluate

CONDITIONS = {
    "intention": "Intention",
    "individual_propensity": "Individual propensity and skill",
    "relationship_strength": "Relationship strength",
    "activity_match": "Activity match",
    "tool_access": "Tool functionality and accessibility",
}
ACTIVITIES = ("socializing", "storytelling", "information_exchange", "question_answer",
              "mentoring_coaching", "co_learning", "collaboration", "other")


@dataclass
class Condition:
    id: str
    name: str
    findings: list[str] = field(default_factory=list)
    cannot_tell: str = ""
    suggestions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Assessment:
    metrics: dict[str, Any]
    conditions: list[Condition]
    people: pd.DataFrame
    pairs: pd.DataFrame
    activities: pd.Series


def community_metrics(posts: pd.DataFrame, coded: pd.DataFrame | None = None
                      ) -> dict[str, Any]:
    """The numbers the conditions and their rules are computed from."""
    real = contributions(posts)
    table = people(posts)
    pairs = relationships(posts)
    latency = first_reply_latency(posts)
    question_ids = set(real.loc[real["text"].map(asks), "post_id"])
    author_of = dict(zip(posts["post_id"], posts["author"], strict=True))
    answered = {p for p, a in zip(real["parent_id"], real["author"], strict=True)
                if p in question_ids and author_of.get(p) != a}
    n_people = len(table)
    newcomers = table[table["newcomer"]] if n_people else table
    goal_people = int((table["states_goals"] > 0).sum()) if n_people else 0
    top = table.sort_values("betweenness", ascending=False).head(1) if n_people else table
    waits = latency["hours"].dropna()
    interactive = float(coded["sp_interactive"].mean()) if coded is not None and len(
        coded) and "sp_interactive" in coded else float("nan")
    metrics: dict[str, Any] = {
        "posts": len(real), "threads": int(real["thread_id"].nunique()), "people": n_people,
        "questions": len(question_ids), "answered_share": len(answered) / max(len(
            question_ids), 1),
        "goal_people": goal_people, "goal_people_share": goal_people / max(n_people, 1),
        "goal_posts": int(real["text"].map(states_goal).sum()),
        "purpose_threads_share": float(real.loc[real["is_starter"], "text"].map(
            lambda t: states_goal(t) or asks(t)).mean()) if len(real) else 0.0,
        "broadcasters": int(table["only_broadcasts"].sum()) if n_people else 0,
        "broadcaster_share": float(table["only_broadcasts"].mean()) if n_people else 0.0,
        "askers": int((table["questions"] > 0).sum()) if n_people else 0,
        "answerers": int((table["answers"] > 0).sum()) if n_people else 0,
        "interactive_share": interactive,
        "pairs": len(pairs),
        "reciprocated_share": float(pairs["reciprocated"].mean()) if len(pairs) else 0.0,
        "strong_pairs": int((pairs["strength"] == "strong").sum()) if len(pairs) else 0,
        "median_depth": float(real["depth"].median()) if len(real) else 0.0,
        "newcomers": len(newcomers),
        "newcomers_drawn_in_share": float((newcomers["replies_received"] > 0).mean())
        if len(newcomers) else 1.0,
        "communities": int(table["community"].nunique()) if n_people else 0,
        "top_broker": str(top["person"].iloc[0]) if len(top) else "",
        "top_broker_share": float(top["betweenness"].iloc[0]) if len(top) else 0.0,
        "replied_posts": int(len(waits)),
        "median_hours_to_reply": round(float(waits.median()), 1) if len(waits) else 0.0,
    }
    for share in ("answered", "goal_people", "reciprocated", "newcomers_drawn_in",
                  "top_broker", "broadcaster", "interactive"):
        value = metrics[f"{share}_share"]
        metrics[f"{share}_pct"] = round(100 * value) if value == value else 0
    return metrics


def assess(posts: pd.DataFrame, coded: pd.DataFrame | None = None,
           overrides: dict[str, dict[str, float]] | None = None) -> Assessment:
    """The five conditions with findings, limits of the data, and suggestions."""
    metrics = community_metrics(posts, coded)
    table = people(posts)
    pairs = relationships(posts)
    activities = activity_mix(coded)
    conditions = {key: Condition(key, name) for key, name in CONDITIONS.items()}
    m = metrics
    conditions["intention"].findings += [
        f"{m['goal_people']} of {m['people']} people state a learning goal "
        f"({m['goal_posts']} posts).",
        f"{m['purpose_threads_share']:.0%} of threads open with a question or a stated aim."]
    conditions["intention"].cannot_tell = ("Whether the space has an agreed purpose (a channel "
                                           "description, a charter) is not in the posts.")
    conditions["individual_propensity"].findings += [
        f"{m['askers']} people ask questions, {m['answerers']} answer others' questions.",
        f"{m['broadcasters']} post repeatedly without replying to anyone."]
    if m["interactive_share"] == m["interactive_share"]:
        conditions["individual_propensity"].findings.append(
            f"{m['interactive_pct']}% of posts engage with others' messages (interactive social "
            "presence: quoting, referring, asking, thanking, agreeing).")
    conditions["individual_propensity"].cannot_tell = (
        "Who reads without posting (lurkers) and why people stay silent are not in the export.")
    conditions["relationship_strength"].findings += [
        f"{m['pairs']} pairs exchanged replies; {m['reciprocated_pct']}% both ways; "
        f"{m['strong_pairs']} strong (repeated, two-way, across threads).",
        f"Median reply depth {m['median_depth']:.0f}; {m['communities']} clusters of people.",
        f"{m['newcomers']} newcomers, {m['newcomers_drawn_in_pct']}% of them got a reply."]
    conditions["relationship_strength"].cannot_tell = (
        "Trust and shared experience outside this space (meetings, teams) are not visible.")
    if len(activities):
        mix = ", ".join(f"{name.replace('_', ' ')} {share:.0%}" for name, share in
                        activities.items() if share > 0)
        conditions["activity_match"].findings.append(f"Kinds of social learning: {mix}.")
    else:
        conditions["activity_match"].findings.append(
            "Activity types are not coded by this model (train one with the activity "
            "dimension).")
    conditions["activity_match"].findings.append(
        f"{m['questions']} questions, {m['answered_pct']}% answered by someone else.")
    conditions["activity_match"].cannot_tell = (
        "Whether these kinds of exchange are what members need is a judgement: compare them "
        "with the goals people state (intention) and ask the community.")
    conditions["tool_access"].findings.append(
        f"Median time to a first reply: {m['median_hours_to_reply']} hours "
        f"({m['replied_posts']} replied posts).")
    conditions["tool_access"].cannot_tell = (
        "Whether the tool is easy to reach and use (mobile access, notifications, "
        "accessibility, who cannot log in) cannot be read from posts: ask the members.")
    for rule in load_social_rules():
        params = {**rule["params"], **(overrides or {}).get(rule["id"], {})}
        if evaluate(rule["when"], {**metrics, **params}):
            conditions[rule["condition"]].suggestions.append({
                "signal": rule["id"], "title": rule["title"],
                "description": rule["signal"].format(**metrics, **params),
                "move": rule["move"], "source": rule["source"],
                "evidence": EVIDENCE[rule["evidence"]](posts, table, pairs, metrics)[:8]})
    return Assessment(metrics, list(conditions.values()), table, pairs, activities)


def activity_mix(coded: pd.DataFrame | None) -> pd.Series:
    if coded is None or "activity" not in coded.columns or coded.empty:
        return pd.Series(dtype=float)
    return coded["activity"].value_counts(normalize=True).reindex(ACTIVITIES).fillna(0.0)


# -- evidence ------------------------------------------------------------------------------------
def _unanswered_questions(posts, table, pairs, metrics):  # type: ignore[no-untyped-def]
    real = contributions(posts)
    author_of = dict(zip(posts["post_id"], posts["author"], strict=True))
    answered = {p for p, a in zip(real["parent_id"], real["author"], strict=True)
                if p and author_of.get(p) != a}
    questions = real[real["text"].map(asks)]
    return questions.loc[~questions["post_id"].isin(answered), "post_id"].tolist()


def _isolated_newcomers(posts, table, pairs, metrics):  # type: ignore[no-untyped-def]
    return table.loc[table["newcomer"] & (table["replies_received"] == 0), "person"].tolist()


def _one_way_pairs(posts, table, pairs, metrics):  # type: ignore[no-untyped-def]
    one_way = pairs[pairs["reciprocated"] == 0]
    return [f"{a} → {b}" for a, b in zip(one_way["person_a"], one_way["person_b"],
                                         strict=True)]


def _broadcasters(posts, table, pairs, metrics):  # type: ignore[no-untyped-def]
    return table.loc[table["only_broadcasts"], "person"].tolist()


def _goal_posts(posts, table, pairs, metrics):  # type: ignore[no-untyped-def]
    real = contributions(posts)
    return real.loc[real["text"].map(states_goal), "post_id"].tolist()


def _slowest_replies(posts, table, pairs, metrics):  # type: ignore[no-untyped-def]
    latency = first_reply_latency(posts).dropna().sort_values("hours", ascending=False)
    return latency["post_id"].tolist()


def _broker(posts, table, pairs, metrics):  # type: ignore[no-untyped-def]
    return [metrics["top_broker"]] if metrics["top_broker"] else []


EVIDENCE = {"unanswered_questions": _unanswered_questions,
            "isolated_newcomers": _isolated_newcomers, "one_way_pairs": _one_way_pairs,
            "broadcasters": _broadcasters, "goal_posts": _goal_posts,
            "slowest_replies": _slowest_replies, "broker": _broker}


@cache
def _rules(path: str) -> tuple[dict[str, Any], ...]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CodebookError(f"cannot read {path}: {exc}") from None
    rules = []
    for raw in data.get("rules", []):
        if raw.get("condition") not in CONDITIONS or raw.get("evidence") not in EVIDENCE:
            raise CodebookError(f"{path}: rule {raw.get('id')} needs a condition among "
                                f"{list(CONDITIONS)} and evidence among {list(EVIDENCE)}")
        rules.append({**raw, "params": dict(raw.get("params", {}))})
    return tuple(rules)


def load_social_rules(path: str | Path | None = None) -> tuple[dict[str, Any], ...]:
    return _rules(str(path or Path(str(files("coi") / "data" / "suggestions" /
                                       "social_rules.toml"))))
