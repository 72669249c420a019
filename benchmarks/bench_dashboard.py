"""Dashboard responsiveness on a large export (Streamlit's AppTest, same code as the app).

Generates a Moodle export of N posts (default 20,000; bodies drawn from the bootstrap corpus),
imports it into a fresh workspace, codes it once (timed separately), then measures with
``streamlit.testing.v1.AppTest``:

* the first overview render after coding (coded rows loaded from the workspace, analytics,
  suggestions, table and charts);
* page switches: overview → thread view → export & report → overview (warm caches);
* the Social learning page: first visit (computes the five conditions) and a second visit.

Usage: ``python benchmarks/bench_dashboard.py [--posts 20000] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402


def moodle_export(path: Path, posts: int, seed: int = 5) -> None:
    from coi import corpus

    source = corpus.load()
    texts = source["text"].tolist()
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "discussion", "parent", "userid", "userfullname", "created",
                         "modified", "mailed", "subject", "message", "messageformat",
                         "messagetrust", "attachment", "totalscore", "mailnow", "deleted",
                         "privatereplyto", "privatereplytofullname", "wordcount", "charcount"])
        post_id, discussion = 1, 1
        while post_id <= posts:
            size = min(rng.randint(3, 40), posts - post_id + 1)
            ids: list[int] = []
            for index in range(size):
                body = "".join(f"<p>{p}</p>" for p in rng.choice(texts).split("\n\n"))
                user = rng.randint(1, 1500)
                created = 1_730_000_000 + post_id * 90
                writer.writerow([post_id, discussion, rng.choice(ids) if index else 0, user,
                                 f"Learner {user}", created, created, 1,
                                 f"Topic {discussion}" if not index else "Re: topic", body, 1,
                                 0, 0, 0, 0, 0, 0, "", 0, len(body)])
                ids.append(post_id)
                post_id += 1
            discussion += 1


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    from streamlit.testing.v1 import AppTest

    from coi import Workspace, import_file
    from coi.runs import coded_discussion

    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "big_forum.csv"
        moodle_export(export, args.posts)
        workspace = Workspace(Path(folder) / "ws.sqlite")
        start = time.perf_counter()
        stored = workspace.add(import_file(export))
        import_s = time.perf_counter() - start
        start = time.perf_counter()
        coded_discussion(workspace, stored.id, n_process=2)
        coding_s = time.perf_counter() - start
        os.environ["COI_WORKSPACE"] = str(Path(folder) / "ws.sqlite")
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        start = time.perf_counter()
        app.run()
        overview_s = time.perf_counter() - start
        assert not app.exception, app.exception
        switches = {}
        for page in ("coi/ui/pages/thread.py", "coi/ui/pages/report_page.py",
                     "coi/ui/pages/overview.py", "coi/ui/pages/thread.py"):
            start = time.perf_counter()
            app.switch_page(page).run()
            assert not app.exception, app.exception
            switches[page] = time.perf_counter() - start
        social = {}
        for visit in ("first", "again"):  # the social lens: cold, then cached
            start = time.perf_counter()
            app.switch_page("coi/ui/pages/social_page.py").run()
            assert not app.exception, app.exception
            social[visit] = time.perf_counter() - start
            app.switch_page("coi/ui/pages/overview.py").run()
    results = {"posts": args.posts, "import_s": round(import_s, 1),
               "coding_s_2proc": round(coding_s, 1),
               "first_overview_after_coding_s": round(overview_s, 2),
               "switch_to_thread_s": round(switches["coi/ui/pages/thread.py"], 2),
               "switch_to_report_s": round(switches["coi/ui/pages/report_page.py"], 2),
               "switch_to_overview_s": round(switches["coi/ui/pages/overview.py"], 2),
               "max_page_switch_s": round(max(switches.values()), 2),
               "social_page_first_s": round(social["first"], 2),
               "social_page_again_s": round(social["again"], 2)}
    return report(results, args.json)


if __name__ == "__main__":
    main(sys.argv[1:])
