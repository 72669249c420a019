"""Model cards: what a trained model is, what it was trained on, how well it does, its limits.

``coi train`` writes ``MODEL_CARD.md`` beside the model from ``training.json`` and, when a
held-out split was evaluated, ``metrics.json``; the numbers are never typed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def folder_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def write_model_card(model_dir: str | Path, *, data_description: str,
                     label_counts: dict[str, int] | None = None,
                     notes: list[str] | None = None) -> Path:
    """Write ``MODEL_CARD.md`` for the model in ``model_dir``."""
    model_dir = Path(model_dir)
    training = json.loads((model_dir / "training.json").read_text(encoding="utf-8"))
    metrics_path = model_dir / "metrics.json"
    metrics: dict[str, Any] | None = (json.loads(metrics_path.read_text(encoding="utf-8"))
                                      if metrics_path.exists() else None)
    lines = [
        f"# Model card: {model_dir.name}",
        "",
        "A coi pipeline that codes discussion posts with the Community of Inquiry template: "
        "indicator patterns mark evidence spans, a spaCy text classifier scores every "
        "codebook label from the post's own words, and a logistic combiner decides each code "
        "from those scores, the thread context (depth, position, replies, role, similarity to "
        "the parent, quoting, length…) and the evidence counts.",
        "",
        "## Training",
        "",
        f"- data: {data_description}",
        f"- posts: {training['train_posts']} training ({training['train_threads']} threads), "
        f"{training['dev_posts']} dev ({training['dev_threads']} threads, early stopping and "
        "thresholds); the test split was never used for training or choices",
        f"- textcat architecture: `{training['architecture']}`; combiner cross-fitted over "
        f"{training['folds']} thread folds; seed {training['seed']}",
        f"- codebook: {training['codebook']}; spaCy {training['spacy']}, Python "
        f"{training['python']}; training took {training['seconds']} s",
        f"- size on disk: {folder_size_mb(model_dir):.1f} MB",
        f"- reproduce: `coi train --data bootstrap --out {model_dir.as_posix()} --seed "
        f"{training['seed']} --architecture {training['architecture']}` (the textcat's spaCy "
        "config is `configs/textcat.cfg`)",
    ]
    if label_counts:
        lines += ["", "## Label distribution (training + dev)", "", "| code | posts |",
                  "|---|---|"]
        lines += [f"| {code} | {count} |" for code, count in label_counts.items()]
    if metrics:
        lines += ["", f"## Held-out test scores ({metrics['posts']} posts)", "",
                  "| dimension | Cohen's κ | accuracy | F1 (code present) |", "|---|---|---|---|"]
        for name, values in metrics["dimensions"].items():
            f1 = metrics["labels"].get(name, {}).get("f1")
            lines.append(f"| {name} | {values['kappa']:.3f} | {values['accuracy']:.3f} | "
                         f"{'' if f1 is None else f'{f1:.3f}'} |")
        lines += ["", "Cognitive phase per class:", "", "| phase | precision | recall | F1 | "
                  "support |", "|---|---|---|---|---|"]
        for name, values in metrics["labels"].items():
            if name.startswith("cp_phase="):
                lines.append(f"| {name.split('=')[1]} | {values['precision']:.3f} | "
                             f"{values['recall']:.3f} | {values['f1']:.3f} | "
                             f"{values['support']} |")
        confusion = metrics["confusion"].get("cp_phase")
        if confusion:
            lines += ["", "Confusion matrix (rows: human code, columns: model code):", "",
                      "| | " + " | ".join(confusion["labels"]) + " |",
                      "|---" * (len(confusion["labels"]) + 1) + "|"]
            for label, row in zip(confusion["labels"], confusion["matrix"], strict=True):
                lines.append(f"| {label} | " + " | ".join(map(str, row)) + " |")
    lines += ["", "## Known limits", ""]
    lines += [f"- {note}" for note in notes or []]
    lines += ["", "## Train your own", "",
              "Code a sample of your own posts (the dashboard's annotation pages or any table "
              "with the output schema's code columns), then `coi train --data yours.csv --out "
              "models/yours` and `coi evaluate --model models/yours --data held_out.csv`. "
              "Select the model in the dashboard's sidebar."]
    path = model_dir / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
