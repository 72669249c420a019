"""Who may see what when the dashboard is served to a team.

Three modes, chosen by configuration:

* **OIDC sign-in** — when ``.streamlit/secrets.toml`` has an ``[auth]`` section, the dashboard
  uses Streamlit's built-in ``st.login`` (Google, Microsoft, any OIDC provider); the user's
  e-mail is then looked up in the access file for their role and projects.
* **Token gate** — with ``COI_ACCESS_FILE`` pointing to an access file (JSON, written by
  ``coi access add-user``), users sign in with their name and personal token. Tokens are
  stored only as salted PBKDF2 hashes.
* **Local** — neither configured: one person on their own machine, no sign-in.

Roles: ``lead`` sees everything of the projects listed (all projects when none are listed) and
runs agreement, negotiation and training; ``coder`` sees only the Annotate page of their own
projects, codes as themselves, and never sees another coder's codes in a blind project.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from coi.errors import CoiError

ROLES = ("lead", "coder")
ITERATIONS = 200_000


@dataclass(frozen=True)
class User:
    name: str
    role: str = "lead"
    projects: tuple[str, ...] = ()  # project names; empty = all (leads only)
    email: str = ""

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"

    def may_see_project(self, project_name: str) -> bool:
        return project_name in self.projects or (self.is_lead and not self.projects)

    def may_see_codes_of(self, coder_name: str, *, blind: bool) -> bool:
        """Leads see all codes; coders their own, and others' only in non-blind projects."""
        return self.is_lead or coder_name == self.name or not blind


LOCAL_USER = User("local", "lead")


@dataclass
class AccessFile:
    users: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> AccessFile:
        path = Path(path)
        if not path.exists():
            return cls()
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")).get("users", {}))
        except (OSError, ValueError) as exc:
            raise CoiError(f"cannot read the access file {path}: {exc}") from None

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"users": self.users}, out, indent=1, sort_keys=True)
        os.chmod(temp, 0o600)
        os.replace(temp, path)

    def add_user(self, name: str, role: str, projects: list[str], email: str = "") -> str:
        """Add or replace a user; returns their new token (shown once, stored hashed)."""
        if role not in ROLES:
            raise CoiError(f"role must be one of {ROLES}")
        if not name.strip():
            raise CoiError("a user needs a name")
        token = secrets.token_urlsafe(18)
        salt = secrets.token_hex(16)
        self.users[name] = {"role": role, "projects": projects, "email": email, "salt": salt,
                            "hash": _hash(token, salt)}
        return token

    def authenticate(self, name: str, token: str) -> User | None:
        record = self.users.get(name)
        if record is None or not token:
            _hash(token or "-", "0" * 32)  # same work whether or not the user exists
            return None
        if not hmac.compare_digest(record["hash"], _hash(token, str(record["salt"]))):
            return None
        return self.user(name)

    def user(self, name: str) -> User:
        record = self.users[name]
        return User(name, str(record["role"]), tuple(record.get("projects") or ()),  # type: ignore[arg-type]
                    str(record.get("email", "")))

    def by_email(self, email: str) -> User | None:
        for name, record in self.users.items():
            if email and record.get("email") == email:
                return self.user(name)
        return None

    def describe(self) -> list[dict[str, object]]:
        return [{**asdict(self.user(name)), "token": "(hashed)"} for name in sorted(self.users)]


def _hash(token: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", token.encode(), bytes.fromhex(salt), ITERATIONS).hex()


def access_file_path() -> Path | None:
    value = os.environ.get("COI_ACCESS_FILE")
    return Path(value) if value else None
