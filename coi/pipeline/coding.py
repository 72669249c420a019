"""``coi.code``: code a whole discussion with a trained pipeline.

Output: one row per contribution (placeholders for deleted/empty posts are not coded), with
the stable, documented columns::

    post_id, thread_id, social, cognitive, teaching, sp_affective, sp_interactive, sp_cohesive,
    tp_design, tp_facilitation, tp_direct, cp_phase, needs_reply,
    p_social … p_tp_direct, p_cp_other … p_cp_resolution, evidence, n_evidence

(plus the columns of any dimension a custom codebook adds). ``evidence`` is a JSON list of
``{"indicator", "code", "text", "start", "end"}``: indicator spans with character offsets into
the post's own words (quoted lines removed; ``start``/``end`` are null for structural
evidence such as replying within a thread). A post with no evidence has ``[]`` and
``n_evidence`` 0, so "no evidence" is explicit, never missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from coi.codebook import Codebook
from coi.importers import ImportResult, import_file
from coi.pipeline.build import load_model
from coi.pipeline.components import SPANS_KEY
from coi.pipeline.context import iter_contexts

Progress = Callable[[int, int], None]


PARALLEL_MINIMUM = 4000  # below this, starting worker processes costs more than it saves


def code(discussion: pd.DataFrame | ImportResult | str | Path, *,
         model: str | Path | Language | None = None, n_process: int = 1,
         batch_size: int = 256, progress: Progress | None = None,
         staff: set[str] | None = None) -> pd.DataFrame:
    """Code every post of a discussion; returns the coded DataFrame (see module docstring).

    ``discussion`` is a canonical DataFrame, an :class:`~coi.importers.ImportResult`, or the
    path of any supported export. ``progress(done, total)`` is called as posts are coded.
    ``n_process`` > 1 codes groups of whole threads in worker processes (each loads the model
    once); the rows are identical to the single-process result. ``staff``: see
    :func:`coi.pipeline.context.iter_contexts` (for coding part of a discussion).
    """
    posts = _posts(discussion)
    nlp = model if isinstance(model, Language) else load_model(model)
    codebook: Codebook = nlp.get_pipe("coi_combiner").codebook
    pairs = list(iter_contexts(posts, staff))
    path = nlp.meta.get("coi_path")
    if n_process > 1 and path and len(pairs) >= PARALLEL_MINIMUM:
        rows = _rows_parallel(pairs, path, n_process, batch_size, progress)
    else:
        rows = _rows(nlp, pairs, batch_size, progress)
    return pd.DataFrame(rows, columns=output_columns(codebook))


def _rows(nlp: Language, pairs: list[tuple[str, dict[str, Any]]], batch_size: int,
          progress: Progress | None, offset: int = 0, total: int | None = None
          ) -> list[dict[str, Any]]:
    codebook: Codebook = nlp.get_pipe("coi_combiner").codebook
    total = len(pairs) if total is None else total
    rows: list[dict[str, Any]] = []
    for index, doc in enumerate(nlp.pipe(_docs(nlp, pairs), batch_size=batch_size),
                                start=offset + 1):
        rows.append(_row(doc, codebook))
        if progress is not None and (index % batch_size == 0 or index == total):
            progress(index, total)
    if progress is not None and total == 0:
        progress(0, 0)
    return rows


def _rows_parallel(pairs: list[tuple[str, dict[str, Any]]], path: str, n_process: int,
                   batch_size: int, progress: Progress | None) -> list[dict[str, Any]]:
    """Contexts are built once, here (they depend on the whole discussion); worker processes
    (spawned: safe inside threaded apps; each loads the model once) only run the pipeline,
    so the rows are identical to the single-process ones."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1000, len(pairs) // (n_process * 6))
    chunks = [pairs[start:start + size] for start in range(0, len(pairs), size)]
    rows: list[dict[str, Any]] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n_process, mp_context=context,
                             initializer=_init_worker, initargs=(path,)) as pool:
        for chunk_rows in pool.map(_code_chunk, chunks, [batch_size] * len(chunks)):
            rows.extend(chunk_rows)
            if progress is not None:
                progress(len(rows), len(pairs))
    return rows


_WORKER_MODEL: list[Language] = []


def _init_worker(path: str) -> None:
    _WORKER_MODEL.append(load_model(path))


def _code_chunk(pairs: list[tuple[str, dict[str, Any]]], batch_size: int
                ) -> list[dict[str, Any]]:
    return _rows(_WORKER_MODEL[0], pairs, batch_size, None)


def output_columns(codebook: Codebook) -> list[str]:
    return (["post_id", "thread_id"] + codebook.output_columns() + codebook.probability_columns()
            + ["evidence", "n_evidence"])


def _posts(discussion: pd.DataFrame | ImportResult | str | Path) -> pd.DataFrame:
    if isinstance(discussion, ImportResult):
        return discussion.posts
    if isinstance(discussion, pd.DataFrame):
        return discussion
    return import_file(discussion).posts


def _docs(nlp: Language, pairs: list[tuple[str, dict[str, Any]]]) -> Iterable[Doc]:
    texts = (text for text, _ in pairs)
    for doc, (_, context) in zip(nlp.tokenizer.pipe(texts, batch_size=1000), pairs,
                                 strict=True):
        doc._.coi_context = context
        yield doc


def _row(doc: Doc, codebook: Codebook) -> dict[str, Any]:
    context = doc._.coi_context
    row: dict[str, Any] = {"post_id": context["post_id"], "thread_id": context["thread_id"]}
    row.update(doc._.coi_codes)
    row.update(doc._.coi_probs)
    evidence = evidence_items(doc, codebook)
    row["evidence"] = json.dumps(evidence, ensure_ascii=False)
    row["n_evidence"] = len(evidence)
    return row


def evidence_items(doc: Doc, codebook: Codebook) -> list[dict[str, Any]]:
    """The evidence of a coded doc as plain dicts (spans first, then structural items)."""
    items = []
    for span in doc.spans.get(SPANS_KEY, []):
        label = codebook.label_of_indicator(span.label_)
        items.append({"indicator": span.label_, "code": label.code if label else "",
                      "text": span.text, "start": span.start_char, "end": span.end_char})
    for item in doc._.coi_structural or []:
        label = codebook.label_of_indicator(item["indicator"])
        items.append({**item, "code": label.code if label else ""})
    return items
