"""Distributed coding on a Dask LocalCluster: throughput vs workers on a generated corpus.

Generates N canonical posts (default 1,000,000; texts drawn from the bootstrap corpus, threads
of 2–40 posts), writes them as Parquet, then codes them with ``coi.distributed.code_parquet``
on a LocalCluster with 1 and with 2 workers (this machine has 2 cores), reporting posts/s.
Usage: ``python benchmarks/bench_distributed.py [--posts 1000000] [--workers 1,2] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402
from bench_pipeline import generate  # noqa: E402

from coi.distributed import code_parquet  # noqa: E402


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    results: dict[str, object] = {"posts": args.posts, "runs": []}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "posts.parquet"
        generate(args.posts).to_parquet(source, index=False)
        for workers in (int(w) for w in args.workers.split(",")):
            out = Path(folder) / f"coded_{workers}"
            summary = code_parquet(source, out, workers=workers, partitions=workers * 8)
            summary["posts_per_s"] = round(summary["posts"] / summary["seconds"])
            results["runs"].append(summary)  # type: ignore[union-attr]
            print(json.dumps(summary), flush=True)
            shutil.rmtree(out)
    runs = results["runs"]
    if len(runs) > 1:  # type: ignore[arg-type]
        results["speedup"] = round(runs[-1]["posts_per_s"] / runs[0]["posts_per_s"], 2)  # type: ignore[index]
    return report(results, args.json)


if __name__ == "__main__":
    main(sys.argv[1:])
