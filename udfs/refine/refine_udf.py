"""The refine step as a ``mapInPandas`` function: corpus rows in, audit fields out.

The backend (and its model) is built once per Python worker (``worker_cached``),
on the GPU Spark assigned the task, else the CPU.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone

import pandas as pd

from lakerefine.conf.settings import RefineSettings
from lakerefine.udfs.lake.task_resources import backend_device
from lakerefine.udfs.lake.worker_cache import worker_cached

from .backends import ProgramBackend, create_backend
from .documents import Document, Outcome, refine_documents

INPUT_COLUMNS = ("doc_id", "text", "source")


def cached_backend(settings: RefineSettings) -> ProgramBackend:
    device = backend_device(settings.backend, settings.hf.device, setting="refine.hf.device")
    return worker_cached(("refine", settings.model_dump_json(), device), lambda: create_backend(settings, device))


def refine_batches_fn(settings: RefineSettings) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The function to give ``mapInPandas``: batches of (doc_id, text, source) ->
    batches of ``DOCUMENT_FIELDS`` (schemas/refine_edits.py)."""

    def refine_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        backend = cached_backend(settings)
        for batch in batches:
            documents = [Document(doc_id, _none_if_na(text), _none_if_na(source))
                         for doc_id, text, source in zip(batch["doc_id"], batch["text"], batch["source"])]
            yield outcomes_frame(refine_documents(documents, backend, settings), backend)

    return refine_batches


def outcomes_frame(outcomes: list[Outcome], backend: ProgramBackend) -> pd.DataFrame:
    now = datetime.now(timezone.utc)
    return pd.DataFrame({
        "doc_id": [o.doc_id for o in outcomes],
        "status": [o.status for o in outcomes],
        "program": [o.program for o in outcomes],
        "calls_accepted": pd.array([o.calls_accepted for o in outcomes], dtype="int32"),
        "calls_rejected": pd.array([o.calls_rejected for o in outcomes], dtype="int32"),
        "rejected_by_reason": [o.rejected_by_reason for o in outcomes],
        "program_truncated": [o.program_truncated for o in outcomes],
        "spans": [[{"start": s, "end": e} for s, e in o.spans] for o in outcomes],
        "chars_in": pd.array([o.chars_in for o in outcomes], dtype="int64"),
        "chars_out": pd.array([o.chars_out for o in outcomes], dtype="int64"),
        "lines_in": pd.array([o.lines_in for o in outcomes], dtype="int64"),
        "lines_out": pd.array([o.lines_out for o in outcomes], dtype="int64"),
        "raw_sha256": [o.raw_sha256 for o in outcomes],
        "prompts": pd.array([o.prompts for o in outcomes], dtype="int32"),
        "backend": backend.name,
        "model": backend.model,
        "error": [o.error for o in outcomes],
        "refined_at": pd.Series([now] * len(outcomes), dtype="datetime64[us, UTC]"),
    })


def _none_if_na(value: object) -> object:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value
