"""The CoI coding pipeline: spaCy components, training, evaluation and coding.

>>> import coi.pipeline as pipeline
>>> coded = pipeline.code(posts)                       # doctest: +SKIP
>>> pipeline.train_model("labelled.jsonl", "models/mine")   # doctest: +SKIP
"""

from coi.pipeline.build import default_model_path, evidence_pipeline, load_model
from coi.pipeline.coding import code, output_columns

__all__ = ["code", "default_model_path", "evidence_pipeline", "load_model", "output_columns"]
