"""Build the bundled Slack demo export from the project-written workplace conversations.

Input: a JSONL file of posts (``thread_id, post_id, parent_id, author, role, created_at, text,
forum``) written for the project by a writer agent (invented company, invented people; see
``coi/data/demo/README.md``). Output: a Slack export folder exactly as Slack's "Export data"
writes it — ``users.json``, ``channels.json`` and ``<channel>/YYYY-MM-DD.json`` day files with
``ts``/``thread_ts`` threading, ``reply_count`` on parents, ``<@U…>`` mentions and HTML-escaped
``& < >`` — plus ``slack_roles.csv`` (Slack exports carry no course roles).

Usage: ``python scripts/build_slack_demo.py RAW.jsonl coi/data/demo/slack_workplace``
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from coi.social import mention_lookup

_MENTION = re.compile(r"(?<![\w<])@([A-Za-zÀ-ÿ][\w.\-À-ÿ]*)")


def _handle(author: str) -> str:
    return re.sub(r"[^a-z0-9.]+", ".", author.lower()).strip(".")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build(raw: Path, out: Path) -> None:
    posts = [json.loads(line) for line in raw.read_text(encoding="utf-8").splitlines() if line]
    authors = sorted({p["author"] for p in posts})
    users = {a: f"U{index + 1:07d}" for index, a in enumerate(authors)}
    names = mention_lookup(authors)  # the same rules the social lens reads mentions with

    def mention(match: re.Match[str]) -> str:
        person = names.get(match.group(1).rstrip(".").lower())
        return f"<@{users[person]}>" if person else match.group(0)

    def ts(post: dict[str, str]) -> str:
        moment = datetime.fromisoformat(post["created_at"]).astimezone(UTC)
        return f"{moment.timestamp():.6f}"

    by_id = {p["post_id"]: p for p in posts}
    replies: dict[str, list[dict[str, str]]] = defaultdict(list)
    for post in posts:
        if post["parent_id"]:
            replies[post["parent_id"]].append(post)
    days: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for post in posts:
        # Slack's threads are one level deep: a reply's thread is its starter's.
        root = post
        while root["parent_id"]:
            root = by_id[root["parent_id"]]
        channel = post["forum"].lstrip("#")
        text = _MENTION.sub(mention, _escape(post["text"]))  # quotes become "&gt; " as in Slack
        message: dict[str, object] = {
            "type": "message", "user": users[post["author"]], "text": text, "ts": ts(post),
            "user_profile": {"real_name": post["author"], "display_name": _handle(post["author"])},
        }
        if post["parent_id"]:
            message["thread_ts"] = ts(root)
            message["parent_user_id"] = users[root["author"]]
        elif replies.get(post["post_id"]):
            thread = sorted(_descendants(post["post_id"], replies), key=ts)
            message.update(thread_ts=message["ts"], reply_count=len(thread),
                           reply_users=sorted({users[r["author"]] for r in thread}),
                           latest_reply=ts(thread[-1]))
        day = datetime.fromtimestamp(float(str(message["ts"])), UTC).date().isoformat()
        days[(channel, day)].append(message)
    out.mkdir(parents=True, exist_ok=True)
    channels = sorted({p["forum"].lstrip("#") for p in posts})
    for (channel, day), messages in days.items():
        folder = out / channel
        folder.mkdir(exist_ok=True)
        messages.sort(key=lambda m: float(str(m["ts"])))
        (folder / f"{day}.json").write_text(json.dumps(messages, indent=1, ensure_ascii=False),
                                            encoding="utf-8")
    purpose = {p["forum"].lstrip("#"): p.get("context", "") for p in posts}
    (out / "channels.json").write_text(json.dumps([
        {"id": f"C{index + 1:07d}", "name": name, "created": 1735689600, "is_archived": False,
         "members": sorted({users[p["author"]] for p in posts if p["forum"].lstrip("#") == name}),
         "purpose": {"value": purpose[name]}}
        for index, name in enumerate(channels)], indent=1, ensure_ascii=False), encoding="utf-8")
    (out / "users.json").write_text(json.dumps([
        {"id": uid, "name": _handle(author), "real_name": author, "is_bot": False,
         "profile": {"real_name": author, "display_name": _handle(author)}}
        for author, uid in users.items()], indent=1, ensure_ascii=False), encoding="utf-8")
    roles = {p["author"]: p["role"] for p in posts}
    with (out.parent / "slack_roles.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user", "role"])
        writer.writerows(sorted(roles.items()))


def _descendants(post_id: str, replies: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for child in replies.get(post_id, []):
        found.append(child)
        found.extend(_descendants(child["post_id"], replies))
    return found


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
