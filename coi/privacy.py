"""Pseudonymisation: stable pseudonyms for authors, also replaced inside post bodies.

Names become ``Participant 01``, ``Participant 02``, … in order of first appearance. The key
(real name → pseudonym) lives in a separate JSON file, never in the workspace or in exports,
so the coded data can be shared while whoever holds the key can re-identify if they must.
Reusing the key file keeps pseudonyms stable across imports.

Inside bodies, each author's full name, @handle, and surname are replaced; a first name is
replaced only when no other author shares it (``Ana`` → ``Participant 03``), matched as a
whole capitalised word, so ordinary words are left alone.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

PREFIX = "Participant"


def default_key_file(workspace_url: str) -> Path:
    """Where a workspace's pseudonym key lives by default: beside its SQLite file, or in the
    user data directory for a server database. Never inside the database."""
    if workspace_url.startswith("sqlite:///"):
        path = Path(workspace_url.removeprefix("sqlite:///"))
        return path.with_name(path.stem + ".pseudonym-key.json")
    import platformdirs

    return Path(platformdirs.user_data_dir("coi", appauthor=False)) / "pseudonym-key.json"


class Pseudonymizer:
    """Replace author names with stable pseudonyms, in the author column and in the text."""

    def __init__(self, key: dict[str, str] | None = None, key_file: str | Path | None = None):
        self.key_file = Path(key_file) if key_file else None
        self.key: dict[str, str] = dict(key or {})
        if self.key_file and self.key_file.exists():
            self.key.update(json.loads(self.key_file.read_text(encoding="utf-8")))

    def pseudonym(self, name: str) -> str:
        name = name.strip()
        if not name:
            return ""
        if name not in self.key:
            self.key[name] = f"{PREFIX} {len(self.key) + 1:02d}"
        return self.key[name]

    def apply(self, posts: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``posts`` with authors and in-text names replaced; saves the key file."""
        posts = posts.copy()
        for author in posts["author"]:
            self.pseudonym(str(author))
        pattern, replacements = self._text_pattern()
        posts["author"] = posts["author"].map(lambda a: self.key.get(str(a).strip(), a))
        if pattern is not None:
            def replace(text: str) -> str:
                return pattern.sub(lambda m: ("@" if m.group(0).startswith("@") else "")
                                   + replacements[m.group(0).lower().lstrip("@")], text)
            for column in ("text", "raw_text", "title"):
                posts[column] = posts[column].astype(str).map(replace)
        self.save()
        return posts

    def _text_pattern(self) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        replacements: dict[str, str] = {}
        first_names: dict[str, set[str]] = {}
        for name, alias in self.key.items():
            if name.startswith(PREFIX + " ") or name.startswith("User "):
                continue
            replacements[name.lower()] = alias
            parts = [p for p in re.split(r"\s+", name) if len(p) >= 3]
            if len(parts) >= 2:
                replacements.setdefault(parts[-1].lower(), alias)
                first_names.setdefault(parts[0].lower(), set()).add(alias)
            elif parts:
                first_names.setdefault(parts[0].lower(), set()).add(alias)
            handle = re.sub(r"\W+", "", name.lower())
            if handle:
                replacements.setdefault(handle, alias)
        for first, aliases in first_names.items():
            if len(aliases) == 1:
                replacements.setdefault(first, next(iter(aliases)))
        if not replacements:
            return None, {}
        words = sorted(replacements, key=len, reverse=True)
        pattern = re.compile(
            r"(?<![\w@])@?(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)",
            re.IGNORECASE)
        return _CapitalisedOnly(pattern), replacements

    def save(self) -> None:
        """Write the key atomically (a crash never leaves half a key)."""
        if not self.key_file:
            return
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.key_file.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(self.key, out, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(temp, self.key_file)


class _CapitalisedOnly:
    """Wrap a pattern so that a match must start with a capital letter or '@'.

    'Will', 'Grace' or 'Mark' as names are replaced; 'will', 'grace', 'mark' as words are not.
    """

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern = pattern

    def sub(self, replace, text: str) -> str:  # type: ignore[no-untyped-def]
        def guarded(match: re.Match[str]) -> str:
            word = match.group(0)
            return replace(match) if word[0] == "@" or word[0].isupper() else word
        return self.pattern.sub(guarded, text)
