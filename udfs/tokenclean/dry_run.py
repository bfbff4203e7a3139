"""``lakerefine token-clean --dry-run``: both models on a sample of the sft table, nothing written.

The sample (``--sample N`` conversations with the smallest hash of their sample_id: fixed
for a table, no sort of the table) is scored on the driver by the scoring step's own code
(``scored_rows``: one model pair, the configured device and precision), timed. From that: a
few responses with their masked tokens marked, the fraction of response tokens masked (the
global mode's threshold is estimated from the sample's scores), and the whole table's
tokens and core- or GPU-hours, scaled by characters. The sft table is sampled as one group:
it has no source column of its own.
"""
from __future__ import annotations

import time

import numpy as np
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import TokenCleanSettings
from lakerefine.schemas.sft import check_sft_schema
from lakerefine.schemas.vocab import GLOBAL
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.refine.estimate import duration
from lakerefine.udfs.tokenclean.models import load_worker_models
from lakerefine.udfs.tokenclean.selection import global_threshold, kept_by_threshold, per_sample_topk
from lakerefine.udfs.tokenclean.udf import conversation_chars, scored_rows

SAMPLE_SEED = 0
SHOWN = 2
SHOWN_TOKENS = 60


def dry_run_token_clean(spark: SparkSession, settings: TokenCleanSettings, table: TableRef, sample_size: int) -> str:
    sft = table.read(spark)
    check_sft_schema(sft.schema)
    totals = sft.agg(F.count("*").alias("samples"), F.coalesce(F.sum(conversation_chars()), F.lit(0)).alias("chars"))
    total = totals.first()
    rows = (sft.select("sample_id", "messages", conversation_chars().alias("chars"))
            .orderBy(F.xxhash64(F.lit(SAMPLE_SEED), F.col("sample_id")), "sample_id").limit(sample_size).collect())
    clock = time.perf_counter()
    models = load_worker_models(settings.base_model, settings.ref_model, settings.scoring)
    load_seconds = time.perf_counter() - clock
    clock = time.perf_counter()
    scored = scored_rows([r.sample_id for r in rows], [r.messages for r in rows], models, settings.scoring)
    seconds = time.perf_counter() - clock
    ok = [row for row in scored if row["error"] is None]
    keep = keep_masks([row["scores"] for row in ok], settings)
    response = sum(int(np.count_nonzero(~np.isnan(row["scores"]))) for row in ok)
    masked = response - sum(int(mask.sum()) for mask in keep)
    tokens = sum(len(row["input_ids"]) for row in ok)
    sample_chars = sum(r.chars or 0 for r in rows) or 1
    whole_tokens = tokens * total.chars / sample_chars
    worker_seconds = seconds * total.chars / sample_chars
    unit = "GPU" if models.device.startswith("cuda") else "core"
    lines = [
        f"token-clean dry run (mode {settings.mode}, keep {settings.keep}, on {models.device}; no table written): "
        f"{len(rows)} of {total.samples:,} samples of {table}",
        f"  sample: {tokens:,} tokens, {response:,} response tokens scored, {masked:,} masked "
        f"({100 * masked / max(response, 1):.1f}%); {len(scored) - len(ok)} with an error",
        f"  measured: {tokens / seconds if seconds else 0:,.0f} tokens/s per {unit} (two models; loading them "
        f"{load_seconds:.1f} s)",
        f"  whole input: about {whole_tokens:,.0f} tokens, {worker_seconds / 3600:.3g} {unit}-hours, about "
        f"{duration(worker_seconds / max(spark.sparkContext.defaultParallelism, 1))} on this application's "
        f"{spark.sparkContext.defaultParallelism} slots, plus loading the models in each worker",
    ]
    for row, mask in list(zip(ok, keep, strict=True))[:SHOWN]:
        lines.append(f"  --- {row['sample_id']} ([[masked]] tokens)")
        lines.append("  " + marked_response(models.tokenizer, row["input_ids"], row["scores"], mask))
    return "\n".join(lines)


def keep_masks(scores: list[np.ndarray], settings: TokenCleanSettings) -> list[np.ndarray]:
    if settings.mode == GLOBAL:
        threshold = global_threshold(np.concatenate(scores) if scores else np.array([]), settings.keep)
        return [kept_by_threshold(s, threshold) for s in scores]
    return [per_sample_topk(s, settings.keep) for s in scores]


def marked_response(tokenizer, input_ids: np.ndarray, scores: np.ndarray, keep: np.ndarray) -> str:
    """The first scored tokens of a response, masked ones in [[ ]], on one line."""
    positions = np.flatnonzero(~np.isnan(scores))[:SHOWN_TOKENS]
    pieces = [tokenizer.decode([int(input_ids[p])]) for p in positions]
    text = "".join(piece if keep[p] else f"[[{piece}]]" for p, piece in zip(positions, pieces, strict=True))
    return text.replace("\n", "\\n")
