"""Safe HTML for a coded post: its own words with evidence spans highlighted, quotes apart.

Everything from the post is escaped; the only markup is ours (``<mark>``, ``<blockquote>``,
``<p>``), so a post containing ``<script>`` or ``onerror=`` renders as text and never runs.
Evidence offsets refer to the post's own words (quotes removed), as the pipeline produced them.
"""

from __future__ import annotations

import json
from typing import Any

from coi.text import escape, own_words, quoted_words

#: Colour per presence (first part of the code id) for highlights and legends.
COLOURS = {"SP": "#fde68a", "CP": "#bfdbfe", "TP": "#bbf7d0", "NR": "#fecaca"}


def evidence_list(evidence: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(evidence, str):
        return json.loads(evidence or "[]")
    return list(evidence)


def post_html(text: str, evidence: str | list[dict[str, Any]] = (), *,
              codes: set[str] | None = None) -> str:
    """HTML for one post. ``codes`` limits highlights to evidence for those codes
    (e.g. only what supports the codes the post received)."""
    items = [e for e in evidence_list(evidence) if e.get("start") is not None and (
        codes is None or e.get("code") in codes)]
    own = own_words(text).replace("\u2019", "'")
    parts = []
    quoted = quoted_words(text)
    if quoted:
        parts.append("<blockquote class='coi-quote'>" + escape(quoted).replace("\n", "<br>")
                     + "</blockquote>")
    parts.append("<div class='coi-post'>" + _marked(own, items).replace("\n", "<br>")
                 + "</div>")
    return "".join(parts)


def _marked(text: str, items: list[dict[str, Any]]) -> str:
    chosen: list[dict[str, Any]] = []
    for item in sorted(items, key=lambda e: (e["start"], -(e["end"] - e["start"]))):
        if chosen and item["start"] < chosen[-1]["end"]:
            continue  # overlapping evidence: keep the first, longest span
        chosen.append(item)
    out, cursor = [], 0
    for item in chosen:
        start, end = int(item["start"]), int(item["end"])
        if start < cursor or end > len(text):
            continue
        out.append(escape(text[cursor:start]))
        colour = COLOURS.get(str(item.get("indicator", "")).split(".")[0], "#e5e7eb")
        out.append(f"<mark style='background:{colour}' title='{escape(item['indicator'])}'>"
                   f"{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)
