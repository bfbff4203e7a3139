"""The token-clean run: sft (one version) -> scores -> selection -> token_masks.

Global or per-sample mode: scores are computed once per sample (the models run in the
scoring step) and persisted on the executors (memory, then disk), then read by the
selection passes and the masking pass. Self-evolving mode runs rounds (self_evolving.py).
The output is overwritten in one commit carrying the run's metadata; a rerun with the id
of a run that already published only reports. The driver only ever holds counts,
histograms and quantiles.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

from lakerefine.conf.settings import Settings, TokenCleanSettings
from lakerefine.schemas.sft import check_sft_schema
from lakerefine.schemas.token_masks import TOKEN_MASKS_SCHEMA
from lakerefine.schemas.vocab import GLOBAL, PER_SAMPLE, SELF_EVOLVING
from lakerefine.udfs.lake.runs import Run, RunResult
from lakerefine.udfs.lake.tables import TableRef, with_constants
from lakerefine.udfs.lake.versions import pin_input_version
from lakerefine.udfs.tokenclean.masks import KeepRule, masked_samples
from lakerefine.udfs.tokenclean.stats import mask_counts, score_metrics
from lakerefine.udfs.tokenclean.threshold import Selection, global_selection
from lakerefine.udfs.tokenclean.udf import scored_samples


@dataclass(frozen=True)
class CleanTables:
    input: TableRef
    output: TableRef


@dataclass
class Cleaned:
    """What a mode did besides writing the table."""

    already_published: bool = False
    selection: Selection | None = None          # global mode's threshold
    metrics: dict[str, Any] | None = None        # self-evolving rounds
    other_outputs: dict[str, int] | None = None  # self-evolving round tables


def run_token_clean(spark: SparkSession, settings: Settings, tables: CleanTables, run: Run) -> RunResult:
    clean = settings.token_clean
    if clean.mode == SELF_EVOLVING:
        from lakerefine.udfs.tokenclean.self_evolving import run_rounds
        cleaned = run_rounds(spark, settings, tables, run)
    else:
        cleaned = clean_table(spark, clean, tables, run)
    return clean_result(spark, clean, tables, run, cleaned)


def clean_table(spark: SparkSession, settings: TokenCleanSettings, tables: CleanTables, run: Run) -> Cleaned:
    with run.timed("prepare"):
        version = pin_input_version(spark, tables.input)
        run.read_input(tables.input, version)
        if tables.output.commit_version_of(spark, run.run_id) is not None:
            return Cleaned(already_published=True)
        sft = tables.input.read(spark, version)
        check_sft_schema(sft.schema)
    scored = scored_samples(sft, settings.base_model, settings.ref_model, settings.scoring).persist(
        StorageLevel.MEMORY_AND_DISK)
    try:
        with run.timed("score"):
            scored.count()  # the models run here, once
        with run.timed("select"):
            selection, rule = choose_rule(scored, settings)
        threshold = selection.threshold if selection else None
        with run.timed("publish"):
            rows = mask_rows(masked_samples(scored, rule), run, settings.mode, threshold)
            tables.output.write(rows, "overwrite", overwriteSchema="true", metadata=run.commit_metadata(
                mode=settings.mode, keep=settings.keep, selection=settings.selection, base_model=settings.base_model,
                ref_model=settings.ref_model, threshold=threshold))
    finally:
        scored.unpersist()
    return Cleaned(selection=selection)


def choose_rule(scored: DataFrame, settings: TokenCleanSettings) -> tuple[Selection | None, KeepRule]:
    if settings.mode == GLOBAL:
        selection = global_selection(scored, settings.keep, settings.selection, settings.approx_accuracy)
        return selection, KeepRule("threshold", settings.keep, selection.threshold)
    if settings.mode == PER_SAMPLE:
        return None, KeepRule("per_sample", settings.keep)
    raise ValueError(f"token_clean.mode {settings.mode!r} is not a single-pass mode")


def mask_rows(masks: DataFrame, run: Run, mode: str, threshold: float | None, round_index: int | None = None):
    """The masking step's rows + the run's columns, in the table's column order."""
    return with_constants(masks, TOKEN_MASKS_SCHEMA, {"run_id": run.run_id, "threshold": threshold, "mode": mode,
                                                      "round": round_index})


def clean_result(spark: SparkSession, settings: TokenCleanSettings, tables: CleanTables, run: Run,
                 cleaned: Cleaned) -> RunResult:
    """Read back what the run published: counts, score distribution, threshold, keep ratios."""
    output_version = tables.output.commit_version_of(spark, run.run_id)
    result = RunResult(f"mode {settings.mode}, keep {settings.keep}"
                       + (" (already published: nothing redone)" if cleaned.already_published else ""),
                       tables={"input": f"{tables.input} (version {run.input_version})",
                               "token_masks": f"{tables.output} (version {output_version})"},
                       output_table=str(tables.output), output_version=output_version,
                       other_outputs=cleaned.other_outputs or {}, metrics=dict(cleaned.metrics or {}))
    if output_version is None:
        return result
    with run.timed("report"):
        masks = tables.output.read(spark, output_version)
        counts = result.counts = mask_counts(masks)
        result.metrics.update(score_metrics(masks, settings.approx_accuracy))
    scored, kept = counts["scored_tokens"], counts["kept_tokens"]
    result.details = [f"samples {counts['samples']} ({counts['errors']} errors, {counts['truncated']} truncated, "
                      f"{counts['no_token_kept']} with no token kept)",
                      f"tokens {counts['tokens']}: {scored} scored, {kept} kept"]
    if settings.mode != SELF_EVOLVING:  # there, round 0 keeps unscored tokens: see metrics["rounds"]
        result.metrics["keep"] = keep_metrics(counts, settings.keep)
    if cleaned.selection is not None:
        threshold = result.metrics["threshold"] = threshold_metrics(cleaned.selection, kept)
        result.details.append(f"threshold {threshold['value']} ({threshold['method']}; target "
                              f"{threshold['target_kept']} tokens, {threshold['kept_beyond_target']} more kept)")
    return result


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
