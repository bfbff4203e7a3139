"""What a token-clean run records in its runs row: counts, score distribution, threshold, keep ratios."""
from __future__ import annotations

from typing import Any

from pyspark.sql import SparkSession

from lakerefine.conf.settings import TokenCleanSettings
from lakerefine.schemas.token_masks import SELF_EVOLVING
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef

from .stats import mask_counts, score_metrics
from .threshold import Selection


def record_outcome(spark: SparkSession, output: TableRef, run: Run, selection: Selection | None,
                   settings: TokenCleanSettings) -> dict[str, int]:
    """Read back what the run published and put its counts and metrics on ``run``; return the counts."""
    run.output_version = output.commit_version_of(spark, run.run_id)
    if run.output_version is None:
        return {}
    with run.timed("report"):
        masks = output.read(spark, run.output_version)
        counts = mask_counts(masks)
        run.counts.update(counts)
        run.metrics.update(score_metrics(masks, settings.approx_accuracy))
        if settings.mode != SELF_EVOLVING:  # there, round 0 keeps unscored tokens: see metrics["rounds"]
            run.metrics["keep"] = keep_metrics(counts, settings.keep)
        if selection is not None:
            run.metrics["threshold"] = threshold_metrics(selection, counts["kept_tokens"])
    return counts


def keep_metrics(counts: dict[str, int], keep: float) -> dict[str, Any]:
    scored = counts["scored_tokens"]
    return {"target_fraction": keep, "kept_tokens": counts["kept_tokens"], "scored_tokens": scored,
            "kept_fraction": counts["kept_tokens"] / scored if scored else None,
            "samples_no_token_kept": counts["no_token_kept"]}


def threshold_metrics(selection: Selection, kept: int) -> dict[str, Any]:
    return {
        "value": selection.threshold,
        "keeps_nothing": selection.threshold is None,
        "method": selection.method,
        "scored_tokens": selection.scored,
        "target_kept": selection.target,          # int(M * keep)
        "kept": kept,
        "kept_beyond_target": kept - selection.target,   # ties (exact), or rank error (approx)
        "rank_error_bound": selection.rank_error_bound,
    }
