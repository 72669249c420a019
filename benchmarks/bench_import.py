"""Import throughput: coi's Moodle importer vs plain ``pandas.read_csv`` on the same file.

Generates a Moodle forum export CSV (Moodle 4.x columns, HTML messages, UTF-8 BOM) with N
posts, then times, in the same process and run:

* baseline: ``pandas.read_csv(path)`` (parsing only)
* coi: ``coi.import_file(path)`` (parsing, HTML→text, quote marking, time parsing, reply-tree
  repair and derived structure)

Usage: ``python benchmarks/bench_import.py [--posts 100000] [--repeat 3] [--json OUT]``.
Machines here are shared and noisy, so the figure to quote is the ratio, best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from coi import import_file

SENTENCES = [
    "I think the second reading makes a stronger case than the first.",
    "Could someone explain how <strong>stratified sampling</strong> differs from quota sampling?",
    "In my unit we tried exit tickets last term &mdash; students liked them.",
    "Thanks for sharing, that link was really helpful!",
    "I'm not sure I agree: the evidence in chapter 4 points the other way.",
    "Building on what Ana said, the cost side matters as much as the outcome.",
    "Please submit your group plan by Friday 23:59.",
    "Has anyone else had trouble opening the quiz?",
]
COLUMNS = ["id", "discussion", "parent", "userid", "userfullname", "created", "modified",
           "mailed", "subject", "message", "messageformat", "messagetrust", "attachment",
           "totalscore", "mailnow", "deleted", "privatereplyto", "privatereplytofullname",
           "wordcount", "charcount"]


def generate(path: Path, posts: int, seed: int = 7) -> None:
    """A Moodle-shaped export: threads of 1–40 posts with nested replies and quotes."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        post_id, discussion, start = 1, 1, 1_700_000_000
        while post_id <= posts:
            size = min(rng.randint(1, 40), posts - post_id + 1)
            ids: list[int] = []
            for index in range(size):
                parent = 0 if index == 0 else rng.choice(ids)
                body = "".join(f"<p>{rng.choice(SENTENCES)}</p>" for _ in range(rng.randint(1, 4)))
                if parent and rng.random() < 0.15:
                    body = f"<blockquote><p>{rng.choice(SENTENCES)}</p></blockquote>{body}"
                created = start + post_id * 60
                writer.writerow([post_id, discussion, parent, rng.randint(1, 500),
                                 f"User {rng.randint(1, 500)}", created, created, 1,
                                 "Topic" if not parent else "Re: Topic", body, 1, 0, 0, 0, 0, 0,
                                 0, "", len(body.split()), len(body)])
                ids.append(post_id)
                post_id += 1
            discussion += 1


def best_of(repeat: int, run) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "moodle_forum_export.csv"
        generate(path, args.posts)
        size_mb = path.stat().st_size / 1e6
        baseline = best_of(args.repeat, lambda: pd.read_csv(path))
        coi_time = best_of(args.repeat, lambda: import_file(path))
    results = {
        "posts": args.posts, "file_mb": round(size_mb, 1),
        "pandas_read_csv_s": round(baseline, 3), "coi_import_s": round(coi_time, 3),
        "pandas_posts_per_s": round(args.posts / baseline),
        "coi_posts_per_s": round(args.posts / coi_time),
        "ratio_coi_to_pandas": round(baseline / coi_time, 3),
    }
    return report(results, args.json)


if __name__ == "__main__":
    main(sys.argv[1:])
