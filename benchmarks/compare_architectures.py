"""Train the textcat variants on the bootstrap corpus and compare them (dev, test, size, speed).

Each variant is trained with ``coi train`` settings (seed 13), evaluated on the dev split (used
for the choice) and the test split (reported), sized on disk, and timed on 20,000 generated
posts against a spaCy tokenizer pass in the same run. Usage:
``python benchmarks/compare_architectures.py [--json OUT] [--variants bow,ensemble]``.
Takes about 20 minutes on 2 cores (the ensemble's CNN dominates).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import spacy

from coi import corpus
from coi.pipeline import code, load_model
from coi.pipeline.context import model_text
from coi.pipeline.evaluation import evaluate
from coi.pipeline.modelcard import folder_size_mb
from coi.pipeline.training import TrainingOptions, train_model

sys.path.insert(0, str(Path(__file__).parent))
from bench_pipeline import generate  # noqa: E402

VARIANTS = {
    "bow-65536": TrainingOptions(architecture="bow", hash_buckets=2**16),
    "bow-262144": TrainingOptions(architecture="bow", hash_buckets=2**18),
    "ensemble-65536": TrainingOptions(architecture="ensemble", hash_buckets=2**16),
}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args(argv)
    labelled = corpus.load()
    train_dev = labelled[labelled["split"] != "test"]
    posts = generate(20_000)
    texts = [model_text(t) for t in posts["text"]]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in args.variants.split(","):
            out = Path(folder) / name
            summary = train_model(train_dev, out, VARIANTS[name])
            dev = evaluate(out, labelled, split="dev")
            test = evaluate(out, labelled, split="test")
            tokenizer = spacy.blank("en").tokenizer
            start = time.perf_counter()
            for _ in tokenizer.pipe(texts, batch_size=1000):
                pass
            tokenizer_s = time.perf_counter() - start
            start = time.perf_counter()
            code(posts, model=load_model(out))
            coding_s = time.perf_counter() - start
            results[name] = {
                "dev_kappa_cp_phase": dev["dimensions"]["cp_phase"]["kappa"],
                "test_kappa_cp_phase": test["dimensions"]["cp_phase"]["kappa"],
                **{f"test_f1_{p}": test["labels"][p]["f1"]
                   for p in ("social", "cognitive", "teaching")},
                "size_mb": round(folder_size_mb(out), 1),
                "training_s": summary["seconds"],
                "throughput_ratio_to_tokenizer": round(tokenizer_s / coding_s, 3),
            }
            print(name, json.dumps(results[name]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
