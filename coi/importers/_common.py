"""Shared importer pieces: options, role vocabulary, time parsing, reply-link values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from coi.limits import Limits
from coi.report import ImportReport


@dataclass
class ImportOptions:
    """What a user can tell an importer beyond the file itself.

    ``columns`` maps canonical column names to the file's own (generic tables);
    ``roles`` maps author names or platform user ids to roles (instructor, facilitator,
    student, unknown) — most exports carry no roles; ``forum`` names the course/forum when the
    export does not; ``timezone`` is applied to times written without one.
    """

    columns: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    forum: str = ""
    timezone: str = "UTC"
    limits: Limits = field(default_factory=Limits.from_env)


_ROLE_SYNONYMS = {
    "instructor": ("instructor", "teacher", "editingteacher", "lecturer", "professor", "faculty",
                   "teacherenrollment", "trainer", "staff", "admin", "administrator",
                   "course staff", "teaching staff"),
    "facilitator": ("facilitator", "ta", "teaching assistant", "taenrollment", "tutor",
                    "moderator", "mentor", "coach", "community manager", "community ta",
                    "preceptor", "host"),
    "student": ("student", "learner", "studentenrollment", "participant", "member", "user",
                "employee", "mentee", "attendee"),
}
_ROLE_LOOKUP = {synonym: role for role, synonyms in _ROLE_SYNONYMS.items()
                for synonym in synonyms}


def normalise_role(value: object) -> str:
    """Map a platform's role name to instructor / facilitator / student / unknown."""
    key = re.sub(r"[\s_-]+", " ", str(value or "")).strip().lower()
    return _ROLE_LOOKUP.get(key, _ROLE_LOOKUP.get(key.replace(" ", ""), "unknown"))


_NULL_PARENTS = {"", "0", "null", "none", "nan", "na", "n/a", "-", "-1"}


def clean_parent(values: pd.Series) -> pd.Series:
    """Reply-link cells meaning "no parent" ('', 0, null, NA, …) become ''."""
    text = values.astype(str).str.strip()
    return text.where(~text.str.lower().isin(_NULL_PARENTS), "")


def clean_id(values: pd.Series) -> pd.Series:
    """Ids as the platform gives them; '12.0' from spreadsheets becomes '12'."""
    text = values.astype(str).str.strip()
    return text.str.replace(r"^(\d+)\.0$", r"\1", regex=True)


def parse_times(values: pd.Series, rows: pd.Series, field_name: str, report: ImportReport,
                timezone: str = "UTC") -> pd.Series:
    """Parse ISO-8601 strings or Unix seconds/milliseconds into UTC timestamps.

    Times without a timezone are read in ``timezone`` (reported once). Unparseable values
    become NaT and are reported with their row. Moodle's "human-readable dates" export
    (``Tuesday, 5 March 2024, 10:15 AM``) is accepted with a warning that its timezone is
    the exporter's.
    """
    text = values.astype(str).str.strip()
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    numeric = pd.to_numeric(text.where(text != ""), errors="coerce")
    is_number = numeric.notna()
    if is_number.any():
        numbers = numeric[is_number].astype("float64")
        unit_ms = numbers.abs() > 1e11
        seconds = np.where(unit_ms, numbers / 1000.0, numbers)
        result[is_number] = pd.to_datetime(seconds, unit="s", utc=True).astype(
            "datetime64[ns, UTC]")
    rest = (~is_number) & (text != "")
    human = rest & text.str.match(r"^[A-Za-z]+, \d{1,2} [A-Za-z]+ \d{4}, \d{1,2}:\d{2}")
    if human.any():
        local = pd.to_datetime(text[human], format="%A, %d %B %Y, %I:%M %p", errors="coerce")
        local = local.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
        result[human] = local.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        report.warning(f"'{field_name}' holds human-readable dates (Moodle's 'human-readable "
                       f"dates' option); read as {timezone} to the minute. Export without that "
                       "option for exact times.")
        rest = rest & ~human
    if rest.any():
        parsed, naive = _parse_text_times(text[rest], timezone)
        result[rest] = parsed
        if naive:
            report.info(f"{naive} times in '{field_name}' have no timezone; read as {timezone}")
    unreadable = (text != "") & result.isna()
    for index in result.index[unreadable][:50]:
        report.warning(f"cannot read the time {text[index]!r}; left empty",
                       row=int(rows[index]), field=field_name)
    if unreadable.sum() > 50:
        report.warning(f"{int(unreadable.sum()) - 50} more unreadable times in '{field_name}'")
    return result


def _parse_text_times(text: pd.Series, timezone: str) -> tuple[pd.Series, int]:
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    has_zone = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
    if has_zone.any():
        parsed[has_zone] = pd.to_datetime(text[has_zone], utc=True, errors="coerce",
                                          format="mixed").astype("datetime64[ns, UTC]")
    naive = ~has_zone
    if naive.any():
        local = pd.to_datetime(text[naive], errors="coerce", format="mixed")
        if getattr(local.dt, "tz", None) is None:
            local = local.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
        parsed[naive] = local.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    return parsed, int(naive.sum() - parsed[naive].isna().sum())
