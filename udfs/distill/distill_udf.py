"""Distillation as a ``mapInPandas`` function: expert pairs in, ``SAMPLE_FIELDS`` rows out (one per chunk).

The tokenizer is loaded once per Python worker and cached for the worker's life.
A pair that fails in an unexpected way becomes one rejected row (``error``)
with the message, so it is never lost.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import datetime, timezone

import pandas as pd

from lakerefine.schemas.refiner_sft import ERROR, REJECTED, SAMPLE_FIELDS
from lakerefine.udfs.refine.backends.chat import ChunkPrompter

from .chunk_pairs import ChunkPair, RenderSpec, chunk_pairs, refine_prompter

MAX_ERROR_CHARS = 500

_PROMPTERS: dict[RenderSpec, ChunkPrompter] = {}

DOCUMENT_STATS = ("deleted_chars", "expressed_chars", "inexpressible_chars", "expressed_fraction",
                  "inserted_chars", "replaced_chars", "longest_rewrite", "exact")


def cached_prompter(spec: RenderSpec) -> ChunkPrompter:
    if spec not in _PROMPTERS:
        _PROMPTERS[spec] = refine_prompter(spec)
    return _PROMPTERS[spec]


def sample_id(doc_id: str, chunk_index: int) -> str:
    return f"{doc_id}#{chunk_index}"


def distill_rows(doc_id: str, raw: str, expert: str, prompter: ChunkPrompter, spec: RenderSpec) -> list[dict]:
    """The refiner_sft fields of one pair's chunks (one error row if the pair cannot be handled)."""
    error = None
    try:
        distillation, pairs = chunk_pairs(raw, expert, prompter, spec)
        stats = {name: getattr(distillation, name) for name in DOCUMENT_STATS}
        if not pairs:
            raise ValueError("the raw text renders to no lines")
    except Exception as err:
        error = f"{type(err).__name__}: {err}"[:MAX_ERROR_CHARS]
        pairs = [ChunkPair(0, 1, 1, 0, "", "", 0, REJECTED, ERROR, 0, 0)]
        stats = {name: 0 for name in DOCUMENT_STATS} | {"expressed_fraction": 0.0, "exact": False}
    return [{"sample_id": sample_id(doc_id, pair.chunk_index), "doc_id": doc_id, **asdict(pair),
             "error": error, **stats} for pair in pairs]


def distill_batches_fn(spec: RenderSpec) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The function to give ``mapInPandas``: batches of (doc_id, raw, expert) -> ``SAMPLE_FIELDS``."""
    columns = [f.name for f in SAMPLE_FIELDS.fields]

    def distill_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        prompter = cached_prompter(spec)
        for batch in batches:
            rows = [row for doc_id, raw, expert in zip(batch["doc_id"], batch["raw"], batch["expert"])
                    for row in distill_rows(doc_id, raw, expert, prompter, spec)]
            now = datetime.now(timezone.utc)
            frame = pd.DataFrame(rows, columns=[c for c in columns if c != "created_at"])
            frame["created_at"] = pd.Series([now] * len(frame), dtype="datetime64[us, UTC]")
            yield _typed(frame)[columns]

    return distill_batches


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for name in ("chunk_index", "chunks", "calls", "prompt_tokens", "program_tokens"):
        frame[name] = frame[name].astype("int32")
    for name in ("first_line", "last_line", "deleted_chars", "expressed_chars", "inexpressible_chars",
                 "inserted_chars", "replaced_chars", "longest_rewrite"):
        frame[name] = frame[name].astype("int64")
    frame["expressed_fraction"] = frame["expressed_fraction"].astype("float64")
    frame["exact"] = frame["exact"].astype("bool")
    return frame
