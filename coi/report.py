"""Import reports: what was read, what was kept, and every problem with its location.

An import never fails silently and never drops a valid post: each skipped or repaired record
becomes an :class:`ImportIssue` naming the file, row and field, and the report travels with the
imported discussion into the workspace.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class ImportIssue:
    """One problem found while importing.

    ``severity`` is ``error`` when a record was skipped, ``warning`` when it was kept but
    repaired (e.g. a reply re-attached to its thread starter), ``info`` for notes about the
    whole file (encoding used, system messages left out).
    """

    severity: Severity
    message: str
    file: str = ""
    row: int | None = None
    field: str = ""
    post_id: str = ""

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        if self.post_id:
            parts.append(f"post {self.post_id}")
        return ", ".join(p for p in parts if p)

    def __str__(self) -> str:
        where = self.location()
        return f"{self.severity}: {where}: {self.message}" if where else (
            f"{self.severity}: {self.message}")


@dataclass
class ImportReport:
    """Everything a user needs to trust (or question) an import."""

    source: str
    format: str = ""
    encoding: str = ""
    records_read: int = 0
    posts_kept: int = 0
    threads: int = 0
    issues: list[ImportIssue] = field(default_factory=list)

    def add(self, severity: Severity, message: str, **where: object) -> None:
        where.setdefault("file", self.source)
        self.issues.append(ImportIssue(severity, message, **where))  # type: ignore[arg-type]

    def error(self, message: str, **where: object) -> None:
        self.add("error", message, **where)

    def warning(self, message: str, **where: object) -> None:
        self.add("warning", message, **where)

    def info(self, message: str, **where: object) -> None:
        self.add("info", message, **where)

    @property
    def skipped(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == "error")

    def counts(self) -> dict[str, int]:
        return dict(Counter(issue.severity for issue in self.issues))

    def summary(self) -> str:
        counts = self.counts()
        problems = ", ".join(f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in sorted(
            counts.items())) or "no problems"
        return (f"{self.source}: read {self.records_read} records as {self.format or '?'}"
                f"{f' ({self.encoding})' if self.encoding else ''}; kept {self.posts_kept} posts "
                f"in {self.threads} threads; {problems}.")

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["issues"] = [asdict(issue) for issue in self.issues]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ImportReport:
        issues = [ImportIssue(**issue) for issue in data.get("issues", [])]  # type: ignore[arg-type, union-attr]
        fields = {k: v for k, v in data.items() if k != "issues"}
        return cls(**fields, issues=issues)  # type: ignore[arg-type]
