"""What a token-clean run reports: counts, the distribution of scores, keep ratios (all computed by Spark)."""
from __future__ import annotations

from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

QUANTILES = (0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0)


def mask_counts(masks: DataFrame) -> dict[str, int]:
    row = masks.agg(
        F.count("*").alias("samples"),
        F.count("error").alias("errors"),
        F.sum(F.col("truncated").cast("long")).alias("truncated"),
        F.sum(F.col("no_token_kept").cast("long")).alias("no_token_kept"),
        F.sum("tokens").alias("tokens"),
        F.sum("scored_tokens").alias("scored_tokens"),
        F.sum("kept_tokens").alias("kept_tokens"),
    ).first()
    return {key: int(value or 0) for key, value in row.asDict().items()}


def score_metrics(masks: DataFrame, accuracy: int) -> dict[str, Any]:
    """Score quantiles (approximate, rank error <= n / accuracy), moments, and per-sample keep ratios."""
    scores = masks.select(F.explode("scores").alias("score")).where(F.col("score").isNotNull()
                                                                    & ~F.isnan("score"))
    dist = scores.agg(F.count("*").alias("n"), F.mean("score").alias("mean"), F.stddev("score").alias("std"),
                      F.percentile_approx("score", list(QUANTILES), accuracy).alias("q")).first()
    ratios = (masks.where(F.col("scored_tokens") > 0)
              .select((F.col("kept_tokens") / F.col("scored_tokens")).alias("ratio"))
              .agg(F.mean("ratio").alias("mean"), F.percentile_approx("ratio", list(QUANTILES), accuracy).alias("q"))
              .first())
    return {
        "score_distribution": {"n": int(dist.n), "mean": dist.mean, "std": dist.std,
                               "quantiles": _by_quantile(dist.q)},
        "sample_keep_ratio": {"mean": ratios.mean, "quantiles": _by_quantile(ratios.q)},
    }


def _by_quantile(values: list[float] | None) -> dict[str, float] | None:
    if values is None:
        return None
    return {f"p{round(q * 100):02d}": float(v) for q, v in zip(QUANTILES, values, strict=True)}
