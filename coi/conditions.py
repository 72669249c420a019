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

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from coi.errors import CodebookError
from coi.social import Community, community, read_rules_file, responded_to, rules_path
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


def community_metrics(posts: pd.DataFrame, coded: pd.DataFrame | None = None,
                      data: Community | None = None) -> dict[str, Any]:
    """The numbers the conditions and their rules are computed from."""
    data = community(posts) if data is None else data
    real, table, pairs, latency = data.real, data.people, data.pairs, data.latency
    question_ids = set(real.loc[real["asks"], "post_id"])
    answered = question_ids & responded_to(posts, data.found)
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
        "goal_posts": int(real["states_goal"].sum()),
        "purpose_threads_share": float((real["states_goal"] | real["asks"])[
            real["is_starter"]].mean()) if len(real) else 0.0,
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
        **_starter_waits(real, latency),
        **_answer_concentration(table),
        "median_hours_to_reply": round(float(waits.median()), 1) if len(waits) else 0.0,
        "tool_trouble_posts": int(real["tool_trouble"].sum()),
    }
    for share in ("answered", "goal_people", "reciprocated", "newcomers_drawn_in",
                  "top_broker", "broadcaster", "interactive", "top_answerer",
                  "unanswered_opening"):
        value = metrics[f"{share}_share"]
        metrics[f"{share}_pct"] = round(100 * value) if value == value else 0
    return metrics


def assess(posts: pd.DataFrame, coded: pd.DataFrame | None = None,
           overrides: dict[str, dict[str, float]] | None = None) -> Assessment:
    """The five conditions with findings, limits of the data, and suggestions."""
    data = community(posts)
    metrics = community_metrics(posts, coded, data)
    table, pairs = data.people, data.pairs
    activities = activity_mix(coded)
    conditions = {key: Condition(key, name) for key, name in CONDITIONS.items()}
    m = metrics
    conditions["intention"].findings += [
        f"{m['goal_people']} of {m['people']} people state a learning goal "
        f"({m['goal_posts']} post{'' if m['goal_posts'] == 1 else 's'}).",
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
        f"{m['newcomers']} newcomers, {m['newcomers_drawn_in_pct']}% of them got a reply.",
        f"{m['top_connector']} exchanged replies or @mentions with {m['top_connector_people']} "
        f"of the {max(m['people'] - 1, 0)} other people, more than anyone."]
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
    if m["answers_given"]:
        conditions["individual_propensity"].findings.append(
            f"{m['top_answerer']} gives {m['top_answerer_pct']}% of the {m['answers_given']} "
            "answers to others' questions.")
    conditions["tool_access"].findings += [
        f"A question that opens a conversation waits a median of "
        f"{m['median_hours_to_first_response']} hours for its first response; "
        f"{m['waited_over_day']} of {m['opening_questions']} waited over a day and "
        f"{m['unanswered_opening_questions']} got none.",
        f"Inside conversations, a post's first reply comes after a median of "
        f"{m['median_hours_to_reply']} hours ({m['replied_posts']} replied posts).",
        f"{m['tool_trouble_posts']} posts mention trouble with the tool itself "
        "(notifications, finding the space, access, broken links)."]
    conditions["tool_access"].cannot_tell = (
        "How easy the tool is for everyone (mobile access, accessibility, who never got in "
        "and so never posted) cannot be read from posts: ask the members.")
    for rule in load_social_rules():
        params = {**rule["params"], **(overrides or {}).get(rule["id"], {})}
        if evaluate(rule["when"], {**metrics, **params}):
            conditions[rule["condition"]].suggestions.append({
                "signal": rule["id"], "title": rule["title"],
                "description": rule["signal"].format(**metrics, **params),
                "move": rule["move"], "source": rule["source"],
                "evidence": EVIDENCE[rule["evidence"]](data, metrics)[:8]})
    return Assessment(metrics, list(conditions.values()), table, pairs, activities)


def activity_mix(coded: pd.DataFrame | None) -> pd.Series:
    if coded is None or "activity" not in coded.columns or coded.empty:
        return pd.Series(dtype=float)
    return coded["activity"].value_counts(normalize=True).reindex(ACTIVITIES).fillna(0.0)


# -- evidence ------------------------------------------------------------------------------------
def _starter_waits(real: pd.DataFrame, latency: pd.DataFrame) -> dict[str, Any]:
    """How long a question that opens a conversation waits for its first response — in a
    help channel the wait that matters (replies inside a lively thread come fast and hide it;
    announcements and social posts get quick reactions)."""
    opening = real.loc[real["is_starter"] & real["asks"], "post_id"]
    starters = latency[latency["post_id"].isin(set(opening))]
    waits = starters["hours"].dropna()
    return {"opening_questions": len(starters),
            "median_hours_to_first_response": round(float(waits.median()), 1)
            if len(waits) else 0.0,
            "waited_over_day": int((waits > 24).sum()),
            "unanswered_opening_questions": int(starters["hours"].isna().sum()),
            "unanswered_opening_share": float(starters["hours"].isna().mean())
            if len(starters) else 0.0}


def _answer_concentration(table: pd.DataFrame) -> dict[str, Any]:
    """Who answers others' questions, and how much of it rests on one person."""
    answers = table["answers"] if len(table) else pd.Series(dtype=int)
    total = int(answers.sum())
    top = table.loc[answers.idxmax()] if total else None
    connector = table.loc[table["degree"].idxmax()] if len(table) else None
    return {"answers_given": total, "top_answerer": str(top["person"]) if top is not None
            else "", "top_answerer_share": float(top["answers"]) / total if total else 0.0,
            "top_connector": str(connector["person"]) if connector is not None else "",
            "top_connector_people": int(connector["degree"]) if connector is not None else 0}


# Evidence selectors: the posts or people shown with a suggestion, from the shared inputs.
Evidence = Callable[[Community, dict[str, Any]], list[str]]


def _unanswered_questions(data: Community, metrics: dict[str, Any]) -> list[str]:
    questions = data.real[data.real["asks"]]
    answered = responded_to(data.posts, data.found)
    return questions.loc[~questions["post_id"].isin(answered), "post_id"].tolist()


def _isolated_newcomers(data: Community, metrics: dict[str, Any]) -> list[str]:
    table = data.people
    return table.loc[table["newcomer"] & (table["replies_received"] == 0), "person"].tolist()


def _one_way_pairs(data: Community, metrics: dict[str, Any]) -> list[str]:
    one_way = data.pairs[data.pairs["reciprocated"] == 0]
    return [f"{a} → {b}" for a, b in zip(one_way["person_a"], one_way["person_b"],
                                         strict=True)]


def _broadcasters(data: Community, metrics: dict[str, Any]) -> list[str]:
    return data.people.loc[data.people["only_broadcasts"], "person"].tolist()


def _goal_posts(data: Community, metrics: dict[str, Any]) -> list[str]:
    return data.real.loc[data.real["states_goal"], "post_id"].tolist()


def _slowest_replies(data: Community, metrics: dict[str, Any]) -> list[str]:
    real = data.real
    starters = set(real.loc[real["is_starter"] & real["asks"], "post_id"])
    latency = data.latency.dropna().sort_values("hours", ascending=False)
    return latency.loc[latency["post_id"].isin(starters), "post_id"].tolist()


def _top_answerer(data: Community, metrics: dict[str, Any]) -> list[str]:
    return [metrics["top_answerer"]] if metrics["top_answerer"] else []


def _broker(data: Community, metrics: dict[str, Any]) -> list[str]:
    return [metrics["top_broker"]] if metrics["top_broker"] else []


def _tool_trouble_posts(data: Community, metrics: dict[str, Any]) -> list[str]:
    return data.real.loc[data.real["tool_trouble"], "post_id"].tolist()


EVIDENCE: dict[str, Evidence] = {"unanswered_questions": _unanswered_questions,
            "isolated_newcomers": _isolated_newcomers, "one_way_pairs": _one_way_pairs,
            "broadcasters": _broadcasters, "goal_posts": _goal_posts,
            "slowest_replies": _slowest_replies, "broker": _broker,
            "tool_trouble_posts": _tool_trouble_posts, "top_answerer": _top_answerer}


@cache
def _rules(path: str) -> tuple[dict[str, Any], ...]:
    data = read_rules_file(path)
    rules = []
    for raw in data.get("rules", []):
        if raw.get("condition") not in CONDITIONS or raw.get("evidence") not in EVIDENCE:
            raise CodebookError(f"{path}: rule {raw.get('id')} needs a condition among "
                                f"{list(CONDITIONS)} and evidence among {list(EVIDENCE)}")
        rules.append({**raw, "params": dict(raw.get("params", {}))})
    return tuple(rules)


def load_social_rules(path: str | Path | None = None) -> tuple[dict[str, Any], ...]:
    return _rules(str(path or rules_path()))
