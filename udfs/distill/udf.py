"""The distill step Spark runs: accepted expert pairs (doc_id, raw, expert) in, ``SAMPLE_FIELDS`` out
(one row per chunk; a pair that fails in an unexpected way becomes one rejected row, ``error``,
with the message, so it is never lost). The tokenizer is loaded once per Python worker.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from lakerefine.schemas.refiner_sft import SAMPLE_FIELDS
from lakerefine.udfs.distill.chunk_pairs import RenderSpec, distill_rows
from lakerefine.udfs.generate.chunks import ChunkPrompter
from lakerefine.udfs.lake.batch_udf import BatchFn, map_batches


def refine_prompter(spec: RenderSpec) -> ChunkPrompter:
    """The prompter the refine job's LM backends build, on the trained model's tokenizer."""
    from lakerefine.udfs.generate.assets import load_tokenizer

    return ChunkPrompter(load_tokenizer(spec.tokenizer_path), spec.prompt, spec.chunk_tokens, spec.max_line_chars)


def distill_udf(spec: RenderSpec) -> BatchFn:
    def distill(prompter: ChunkPrompter, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        now = datetime.now(timezone.utc)
        return [{**sample, "created_at": now} for row in rows
                for sample in distill_rows(row["doc_id"], row["raw"], row["expert"], prompter, spec)]

    return map_batches(distill, SAMPLE_FIELDS, load=lambda: refine_prompter(spec), key=lambda: ("distill", spec))
