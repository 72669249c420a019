"""Moodle forum export (mod/forum/export.php): CSV, JSON (flat or array-of-sheets), XLSX.

Columns are matched by header name, not position (they changed between Moodle 3.7 and 4.x).
``parent`` 0 marks a discussion's first post, ``discussion`` is the thread, ``created`` is Unix
seconds (or a localised string with "human-readable dates"), ``message`` is HTML when
``messageformat`` is 1. Privacy-deleted posts (``deleted`` = 1, empty subject and message) are
kept as placeholders so their replies stay attached. The export has no roles and no forum
name: pass ``roles`` and ``forum`` (the file name is used otherwise).
"""

from __future__ import annotations

import pandas as pd

from coi.importers import generic
from coi.importers._common import ImportOptions
from coi.report import ImportReport

#: Columns that identify a Moodle forum export (all versions since 3.7 have them).
SIGNATURE = frozenset({"id", "discussion", "parent", "userid", "created", "subject", "message"})


def matches(columns: set[str]) -> bool:
    return columns >= SIGNATURE


def read(table: pd.DataFrame, options: ImportOptions, report: ImportReport,
         default_forum: str) -> pd.DataFrame:
    mapping = {
        "post_id": "id", "thread_id": "discussion", "parent_id": "parent",
        "author": "userfullname" if "userfullname" in table.columns else "userid",
        "author_id": "userid", "created_at": "created", "title": "subject", "text": "message",
    }
    if "userfullname" not in table.columns:
        report.info("this Moodle version's export has no 'userfullname' column; authors are "
                    "shown by user id (pass a roles/participants mapping to name them)")
    local = ImportOptions(columns={}, roles=options.roles,
                          forum=options.forum or default_forum, timezone=options.timezone,
                          limits=options.limits)
    posts = generic.build_posts(table, mapping, local, report, platform="moodle")
    if "userfullname" not in table.columns:
        posts["author"] = "User " + posts["author"]
    deleted = table.get("deleted", pd.Series("0", index=table.index)).astype(str).str.strip()
    posts["placeholder"] = deleted.isin({"1", "true", "True"}).to_numpy()
    if posts["placeholder"].any():
        posts.loc[posts["placeholder"], "text"] = "[deleted post]"
        report.info(f"{int(posts['placeholder'].sum())} posts were deleted for privacy; kept as "
                    "placeholders so their replies stay in place")
    private = table.get("privatereplyto", pd.Series("0", index=table.index)).astype(str)
    n_private = int((~private.str.strip().isin({"", "0"})).sum())
    if n_private:
        report.info(f"{n_private} private replies (visible only to the teacher and the "
                    "recipient on Moodle) are included")
    return posts
