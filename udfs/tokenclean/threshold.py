"""The global score threshold of a scored table, computed by Spark (scores never reach the driver).

Rule (Token Cleaning keeps ``int(M * keep)`` of the M scored tokens): the
threshold is the ``int(M * keep)``-th largest score, and every scored token with
``score >= threshold`` is kept. Ties at the threshold are all kept, so a few more
tokens than ``int(M * keep)`` may stay (never fewer); the kept count is recorded.
``int(M * keep) == 0`` gives no threshold (None): nothing is kept.

- ``exact``: radix select over float32 keys (float_keys.py): two passes, each a
  histogram of at most 65,536 counts summed by Spark.
- ``approx``: Spark's ``percentile_approx`` of the exploded scores at
  ``1 - keep``, one pass; its rank error is at most ``M / accuracy``
  (``token_clean.approx_accuracy``), so the kept count is within that of the
  target (plus ties).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StructField, StructType

from lakerefine.udfs.lake.batch_udf import map_batches
from lakerefine.udfs.tokenclean.float_keys import LOW_BITS, find_rank, high_counts, key_to_float, low_counts

HISTOGRAM = StructType([StructField("bucket", LongType(), False), StructField("n", LongType(), False)])


@dataclass(frozen=True)
class Selection:
    threshold: float | None   # keep scored tokens with score >= threshold; None: keep none
    scored: int               # M, scored tokens in the table
    target: int               # int(M * keep)
    method: str               # exact | approx
    kept: int | None = None   # known here for exact; counted after masking for approx
    rank_error_bound: int = 0


def global_selection(scored: DataFrame, keep: float, method: str, accuracy: int) -> Selection:
    if method == "exact":
        return exact_selection(scored, keep)
    if method == "approx":
        return approx_selection(scored, keep, accuracy)
    raise ValueError(f"token_clean.selection: unknown method {method!r}")


def exact_selection(scored: DataFrame, keep: float) -> Selection:
    high = _histogram(scored, high_counts)
    total = sum(high.values())
    target = int(total * keep)
    if target == 0:
        return Selection(None, total, 0, "exact", kept=0)
    bucket = find_rank(high, target)
    low = find_rank(_histogram(scored, partial(low_counts, high=bucket.value)), target - bucket.above)
    threshold = key_to_float((bucket.value << LOW_BITS) | low.value)
    return Selection(threshold, total, target, "exact", kept=bucket.above + low.above + low.count)


def approx_selection(scored: DataFrame, keep: float, accuracy: int) -> Selection:
    values = scored.select(F.explode("scores").alias("score")).where(F.col("score").isNotNull()
                                                                     & ~F.isnan("score"))
    row = values.agg(F.count("*").alias("m"),
                     F.percentile_approx("score", 1.0 - keep, accuracy).alias("threshold")).first()
    total = int(row.m)
    target = int(total * keep)
    if target == 0:
        return Selection(None, total, 0, "approx", kept=0)
    return Selection(float(row.threshold), total, target, "approx", rank_error_bound=math.ceil(total / accuracy))


def _histogram(scored: DataFrame, count: Callable[[np.ndarray], dict[int, int]]) -> dict[int, int]:
    """Counts per bucket over every score of the table: per Arrow batch in Python, summed by Spark."""
    def batch_counts(_: Any, rows: list[dict[str, Any]]) -> list[dict[str, int]]:
        arrays = [np.asarray([np.nan if s is None else s for s in row["scores"]], np.float32)
                  for row in rows if row["scores"] is not None]
        counts = count(np.concatenate(arrays)) if arrays else {}
        return [{"bucket": bucket, "n": n} for bucket, n in counts.items()]

    rows = (scored.select("scores").mapInPandas(map_batches(batch_counts, HISTOGRAM), HISTOGRAM)
            .groupBy("bucket").agg(F.sum("n").alias("n")).collect())
    return {int(r.bucket): int(r.n) for r in rows}
