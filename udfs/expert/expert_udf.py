"""The expert step as a ``mapInPandas`` function: sampled rows in, ``PAIR_FIELDS`` rows out.

The backend (a model, or an HTTP client holding the API key) is built once per
Python worker (``worker_cached``), as the refine job does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone

import pandas as pd

from lakerefine.conf.settings import ExpertSettings
from lakerefine.udfs.lake.task_resources import backend_device
from lakerefine.udfs.lake.worker_cache import worker_cached

from .backend import ExpertBackend, create_expert_backend
from .pairs import PairOutcome, SampledDoc, ask_expert


def cached_backend(settings: ExpertSettings) -> ExpertBackend:
    device = backend_device(settings.backend, settings.hf.device, setting="expert.hf.device")
    return worker_cached(("expert", settings.model_dump_json(), device),
                         lambda: create_expert_backend(settings, device))


def expert_batches_fn(settings: ExpertSettings, template: str
                      ) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The function to give ``mapInPandas``: batches of (doc_id, text, stratum) -> ``PAIR_FIELDS``."""

    def expert_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        backend = cached_backend(settings)
        for batch in batches:
            docs = [SampledDoc(doc_id, _none_if_na(text), _none_if_na(stratum))
                    for doc_id, text, stratum in zip(batch["doc_id"], batch["text"], batch["stratum"])]
            yield outcomes_frame(ask_expert(docs, backend, template, settings), backend)

    return expert_batches


def outcomes_frame(outcomes: list[PairOutcome], backend: ExpertBackend) -> pd.DataFrame:
    now = datetime.now(timezone.utc)

    def longs(name: str) -> pd.array:
        return pd.array([getattr(o, name) for o in outcomes], dtype="Int64")

    return pd.DataFrame({
        "doc_id": [o.doc_id for o in outcomes],
        "stratum": [o.stratum for o in outcomes],
        "raw": [o.raw for o in outcomes],
        "expert": [o.expert for o in outcomes],
        "status": [o.status for o in outcomes],
        "reason": [o.reason for o in outcomes],
        "detail": [o.detail for o in outcomes],
        "answer": [o.answer for o in outcomes],
        "deleted_chars": longs("deleted_chars"),
        "inserted_chars": longs("inserted_chars"),
        "replaced_chars": longs("replaced_chars"),
        "longest_rewrite": longs("longest_rewrite"),
        "backend": backend.name,
        "model": backend.model,
        "latency_s": pd.array([o.latency_s for o in outcomes], dtype="Float64"),
        "attempts": pd.array([o.attempts for o in outcomes], dtype="int32"),
        "created_at": pd.Series([now] * len(outcomes), dtype="datetime64[us, UTC]"),
    })


def _none_if_na(value: object) -> object:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value
