"""The expert step Spark runs: sampled rows (doc_id, text, stratum, and for gold and html
experts expert_input) in, ``PAIR_FIELDS`` out.

The backend (a model, an HTTP client holding the API key, an HTML extractor) is built once
per Python worker (lake/batch_udf.py), as the refine step's is.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from lakerefine.conf.settings import ExpertSettings
from lakerefine.schemas.expert_pairs import PAIR_FIELDS
from lakerefine.udfs.expert.backends import COLUMN_EXPERTS, create_expert_backend
from lakerefine.udfs.expert.columns import take_main_content
from lakerefine.udfs.expert.pairs import AnswerRules, SampledDoc, ask_expert
from lakerefine.udfs.generate.device import engine_loader
from lakerefine.udfs.lake.batch_udf import BatchFn, map_batches


def expert_udf(settings: ExpertSettings, template: str | None) -> BatchFn:
    """``template``: the expert prompt of an LM expert (None for gold and html)."""
    rules = AnswerRules.of(settings)
    from_column = settings.backend in COLUMN_EXPERTS

    def ask(backend, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        docs = [SampledDoc(row["doc_id"], row["text"], row["stratum"], row.get("expert_input")) for row in rows]
        now = datetime.now(timezone.utc)
        outcomes = take_main_content(docs, backend, rules) if from_column else ask_expert(docs, backend, template,
                                                                                             rules)
        return [{**asdict(outcome), "backend": backend.name, "model": backend.model, "created_at": now}
                for outcome in outcomes]

    return map_batches(ask, PAIR_FIELDS, **engine_loader(
        "expert", settings, settings.backend, settings.hf.device, "expert.hf.device", create_expert_backend))
