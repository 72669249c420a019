"""Activity type at the two levels a user reads it: per post and as a thread's main activity.

Codes the held-out test split of the bootstrap corpus with the default model and compares
with the negotiated human codes: per post (κ, macro and weighted F1 over the activity types)
and per thread, where the main activity is the most frequent type other than "other" (as the
dashboard's thread view and the Social learning page compute it). Usage:
``python benchmarks/eval_thread_activity.py [--model PATH] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score

from coi import corpus
from coi.analytics import main_activity
from coi.pipeline import code

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    posts = corpus.load("test")
    coded = code(posts, model=args.model).set_index("post_id").loc[posts["post_id"]]
    human, model = posts["activity"].to_numpy(), coded["activity"].to_numpy()
    threads = pd.DataFrame({"thread_id": posts["thread_id"].to_numpy(), "human": human,
                            "model": model}).groupby("thread_id").agg(main_activity)
    return report({
        "posts": len(posts),
        "per_post": {"kappa": round(cohen_kappa_score(human, model), 3),
                     "macro_f1": round(f1_score(human, model, average="macro"), 3),
                     "weighted_f1": round(f1_score(human, model, average="weighted"), 3)},
        "threads": len(threads),
        "thread_main_activity": {
            "kappa": round(cohen_kappa_score(threads["human"], threads["model"]), 3),
            "agreement": round(float((threads["human"] == threads["model"]).mean()), 3),
            "macro_f1": round(f1_score(threads["human"], threads["model"], average="macro"), 3)},
    }, args.json)


if __name__ == "__main__":
    main(sys.argv[1:])
