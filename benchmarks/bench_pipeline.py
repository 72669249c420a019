"""Coding throughput of the default pipeline vs a spaCy tokenizer-only pass, same run.

Generates a discussion of N posts (threads of 2–40 posts whose texts are drawn from the
bootstrap corpus, so lengths and vocabulary are realistic), then measures in one process:

* baseline: ``spacy.blank("en").tokenizer.pipe(texts)`` over the same texts the model reads;
* coi, single process: ``coi.pipeline.code(posts)`` (context, evidence patterns, structure,
  five textcats, combiner, output rows);
* coi, ``--n-process`` workers (default 2).

Reports posts/s, words/s, the ratio to the tokenizer, wall time for N posts and peak memory.
Usage: ``python benchmarks/bench_pipeline.py [--posts 100000] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import spacy

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from coi import corpus
from coi.pipeline import code, load_model
from coi.pipeline.context import model_text
from coi.report import ImportReport
from coi.schema import coerce
from coi.threads import derive_structure, repair_reply_tree


def generate(posts: int, seed: int = 11) -> pd.DataFrame:
    source = corpus.load()
    texts = source["text"].tolist()
    roles = source["role"].tolist()
    rng = random.Random(seed)
    rows = []
    post_id = 0
    thread = 0
    start = pd.Timestamp("2025-01-01", tz="UTC")
    while post_id < posts:
        size = min(rng.randint(2, 40), posts - post_id)
        ids: list[str] = []
        for index in range(size):
            pid = f"p{post_id}"
            pick = rng.randrange(len(texts))
            rows.append({"post_id": pid, "thread_id": f"t{thread}",
                         "parent_id": rng.choice(ids) if index else "",
                         "author": f"Person {rng.randint(1, 3000)}", "role": roles[pick],
                         "created_at": start + pd.Timedelta(minutes=post_id),
                         "text": texts[pick]})
            ids.append(pid)
            post_id += 1
        thread += 1
    return coerce(derive_structure(repair_reply_tree(coerce(pd.DataFrame(rows)),
                                                     ImportReport("bench"))))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--model", default=None)
    parser.add_argument("--json")
    args = parser.parse_args(argv)

    posts = generate(args.posts)
    texts = [model_text(t) for t in posts["text"]]
    nlp = load_model(args.model)
    tokenizer = spacy.blank("en").tokenizer
    start = time.perf_counter()
    words = sum(len(doc) for doc in tokenizer.pipe(texts, batch_size=1000))
    tokenizer_s = time.perf_counter() - start

    start = time.perf_counter()
    single = code(posts, model=nlp, n_process=1)
    single_s = time.perf_counter() - start
    memory_single = peak_mb()

    start = time.perf_counter()
    multi = code(posts, model=nlp, n_process=args.n_process)
    multi_s = time.perf_counter() - start
    probabilities = [c for c in single.columns if c.startswith("p_") or c == "needs_reply"]
    decisions = [c for c in single.columns if c not in probabilities]
    same = bool(single[decisions].equals(multi[decisions]) and np.allclose(
        single[probabilities].to_numpy(float), multi[probabilities].to_numpy(float),
        rtol=0, atol=1e-9))

    results = {
        "posts": args.posts, "tokens": words,
        "tokenizer_s": round(tokenizer_s, 2),
        "tokenizer_posts_per_s": round(args.posts / tokenizer_s),
        "coi_single_s": round(single_s, 2),
        "coi_single_posts_per_s": round(args.posts / single_s),
        "coi_single_tokens_per_s": round(words / single_s),
        "ratio_single_to_tokenizer": round(tokenizer_s / single_s, 3),
        f"coi_{args.n_process}proc_s": round(multi_s, 2),
        f"coi_{args.n_process}proc_posts_per_s": round(args.posts / multi_s),
        "multiprocess_same_codes": same,
        "peak_memory_mb": round(max(memory_single, peak_mb())),
    }
    return report(results, args.json)


if __name__ == "__main__":
    main(sys.argv[1:])
