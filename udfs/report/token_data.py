"""A token-clean run's report data, drawn in Spark from the token_masks version the run published:
score and keep-ratio histograms, the target, and a few samples' tokens (decoded with the base tokenizer)."""
from __future__ import annotations

import json
import logging

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from lakerefine.conf.settings import Settings
from lakerefine.schemas.vocab import IGNORE_INDEX, PER_SAMPLE
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.report.model import RunInfo, TokenReport, TokenSample
from lakerefine.udfs.tokenclean.stats import mask_counts

log = logging.getLogger(__name__)
SCORE_BINS = 40
RATIO_BINS = 20
PER_STRATUM = 4          # samples per (no_token_kept, truncated, error) stratum
SHOWN_TOKENS = 400       # tokens shown per sample


def token_report(spark: SparkSession, run: RunInfo, settings: Settings, metrics: dict) -> TokenReport:
    if run.output_table is None or run.output_version is None:
        raise ValueError(f"run {run.run_id} published no token_masks version")
    masks = (TableRef.resolve(run.output_table, settings.tables).read(spark, run.output_version)
             .where(F.col("run_id") == run.run_id).cache())
    try:
        clean = settings.token_clean
        counts = mask_counts(masks)
        threshold = masks.agg(F.max("threshold")).first()[0]
        bins, width = score_bins(masks)
        return TokenReport(
            run=run, mode=clean.mode, keep=clean.keep, threshold=threshold, base_model=clean.base_model,
            ref_model=clean.ref_model, counts=counts, target_kept=target_kept(masks, clean.mode, clean.keep, metrics),
            score_bins=bins, score_bin_width=width, ratio_bins=keep_ratio_bins(masks),
            samples=sample_tokens(masks, clean.base_model), metrics=metrics)
    finally:
        masks.unpersist()


def scored_tokens(masks: DataFrame) -> DataFrame:
    """One row per scored token: its score and whether its label kept it."""
    return (masks.select(F.posexplode("scores").alias("pos", "score"), "labels")
            .where(F.col("score").isNotNull() & ~F.isnan("score"))
            .select("score", (F.element_at("labels", F.col("pos") + 1) != IGNORE_INDEX).alias("kept")))


def score_bins(masks: DataFrame) -> tuple[list[tuple[float, int, int]], float]:
    tokens = scored_tokens(masks)
    low, high = tokens.agg(F.min("score"), F.max("score")).first()
    if low is None:
        return [], 1.0
    width = (high - low) / SCORE_BINS or 1.0
    index = F.least(F.floor((F.col("score") - F.lit(low)) / F.lit(width)), F.lit(SCORE_BINS - 1)).alias("bin")
    found = {r.bin: (int(r.kept), int(r.masked)) for r in tokens.groupBy(index).agg(
        F.sum(F.col("kept").cast("long")).alias("kept"), F.sum((~F.col("kept")).cast("long")).alias("masked"))
        .collect()}
    return [(low + b * width, *found.get(b, (0, 0))) for b in range(SCORE_BINS)], width


def keep_ratio_bins(masks: DataFrame) -> list[tuple[float, int]]:
    ratio = F.col("kept_tokens") / F.col("scored_tokens")
    found = dict(masks.where(F.col("scored_tokens") > 0)
                 .groupBy(F.least(F.floor(ratio * RATIO_BINS), F.lit(RATIO_BINS - 1)).alias("bin")).count().collect())
    return [(b / RATIO_BINS, int(found.get(b, 0))) for b in range(RATIO_BINS)]


def target_kept(masks: DataFrame, mode: str, keep: float, metrics: dict) -> int:
    """What the run aimed to keep: the threshold's target (global), else int(m_i * keep) summed per sample."""
    recorded = (metrics.get("threshold") or {}).get("target_kept")
    if recorded is not None:
        return int(recorded)
    if mode == PER_SAMPLE:
        return int(masks.agg(F.sum(F.floor(F.col("scored_tokens") * keep))).first()[0] or 0)
    return int(int(masks.agg(F.sum("scored_tokens")).first()[0] or 0) * keep)


def sample_tokens(masks: DataFrame, tokenizer_path: str) -> list[TokenSample]:
    stratum = [F.col("no_token_kept"), F.col("truncated"), F.col("error").isNotNull()]
    by_hash = Window.partitionBy(*stratum).orderBy(F.xxhash64("sample_id"), "sample_id")
    rows = (masks.withColumn("rank", F.row_number().over(by_hash)).where(F.col("rank") <= PER_STRATUM)
            .select("sample_id", F.slice("input_ids", 1, SHOWN_TOKENS).alias("input_ids"),
                    F.slice("labels", 1, SHOWN_TOKENS).alias("labels"),
                    F.slice("scores", 1, SHOWN_TOKENS).alias("scores"), "kept_tokens", "scored_tokens",
                    "no_token_kept", "truncated", "error")
            .orderBy("sample_id").collect())
    decode = token_decoder(tokenizer_path)
    return [TokenSample(
        sample_id=r.sample_id, picked=stratum_name(r), tokens=decode(r.input_ids or []), labels=list(r.labels or []),
        scores=[None if s is None or s != s else float(s) for s in r.scores or [None] * len(r.input_ids or [])],
        kept_tokens=r.kept_tokens, scored_tokens=r.scored_tokens, error=r.error) for r in rows]


def stratum_name(row) -> str:
    flags = [name for name, on in (("no token kept", row.no_token_kept), ("truncated", row.truncated),
                                   ("error", row.error is not None)) if on]
    return ", ".join(flags) or "plain"


def token_decoder(path: str):
    """Token ids -> their text (the base model's tokenizer); the ids themselves when it cannot be loaded."""
    try:
        from lakerefine.udfs.generate.assets import load_tokenizer
        tokenizer = load_tokenizer(path)
    except Exception as err:  # the report still shows scores and masks, by token id
        log.warning("could not load the tokenizer at %s (%s): tokens are shown as ids", path, err)
        return lambda ids: [f"[{i}]" for i in ids]
    return lambda ids: [tokenizer.decode([i]) for i in ids]


def recorded_metrics(metrics_json: str | None) -> dict:
    return json.loads(metrics_json) if metrics_json else {}

