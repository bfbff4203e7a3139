"""The token-clean run in global or per-sample mode: sft (one version) -> scores -> selection -> token_masks.

Scores are computed once per sample (the models run in the scoring UDF) and
persisted on the executors (memory, then disk), then read by the selection
passes and the masking pass. The output is overwritten in one commit carrying
the run's metadata; a rerun with the id of a run that already published only
reports. The driver only ever holds counts, histograms and quantiles.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import TokenCleanSettings
from lakerefine.schemas.sft import check_sft_schema
from lakerefine.schemas.token_masks import GLOBAL, PER_SAMPLE, TOKEN_MASKS_SCHEMA
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef

from .masks import KeepRule, masked_samples
from .score_udf import scored_samples
from .threshold import Selection, global_selection


@dataclass(frozen=True)
class CleanTables:
    input: TableRef
    output: TableRef


@dataclass(frozen=True)
class ModelPaths:
    base: str
    ref: str


@dataclass
class CleanResult:
    input_version: int
    selection: Selection | None = None      # None: per-sample mode, or nothing done (already published)
    already_published: bool = False


def clean_table(spark: SparkSession, settings: TokenCleanSettings, tables: CleanTables, models: ModelPaths,
                run: Run) -> CleanResult:
    with run.timed("prepare"):
        version = latest_version(spark, tables.input)
        run.input_table, run.input_version, run.output_table = str(tables.input), version, str(tables.output)
        if tables.output.commit_version_of(spark, run.run_id) is not None:
            return CleanResult(version, already_published=True)
        sft = tables.input.read(spark, version)
        check_sft_schema(sft.schema)
    scored = scored_samples(sft, models.base, models.ref, settings.scoring).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        with run.timed("score"):
            scored.count()  # the models run here, once
        with run.timed("select"):
            selection, rule = choose_rule(scored, settings)
        with run.timed("publish"):
            rows = with_run_columns(masked_samples(scored, rule), run.run_id, settings.mode,
                                    selection.threshold if selection else None, None)
            tables.output.write(rows, "overwrite", overwriteSchema="true", metadata=run.commit_metadata(
                mode=settings.mode, keep=settings.keep, selection=settings.selection, base_model=models.base,
                ref_model=models.ref, threshold=selection.threshold if selection else None))
    finally:
        scored.unpersist()
    return CleanResult(version, selection)


def choose_rule(scored: DataFrame, settings: TokenCleanSettings) -> tuple[Selection | None, KeepRule]:
    if settings.mode == GLOBAL:
        selection = global_selection(scored, settings.keep, settings.selection, settings.approx_accuracy)
        return selection, KeepRule("threshold", settings.keep, selection.threshold)
    if settings.mode == PER_SAMPLE:
        return None, KeepRule("per_sample", settings.keep)
    raise ValueError(f"token_clean.mode {settings.mode!r} is not a single-pass mode")


def with_run_columns(masks: DataFrame, run_id: str, mode: str, threshold: float | None,
                     round_index: int | None) -> DataFrame:
    """The masking step's rows + the run's constants, in the table's column order."""
    constants = {
        "run_id": F.lit(run_id),
        "threshold": F.lit(threshold).cast("double"),
        "mode": F.lit(mode),
        "round": F.lit(round_index).cast("int"),
    }
    return masks.select(*(constants.get(f.name, F.col(f.name)).alias(f.name) for f in TOKEN_MASKS_SCHEMA.fields))


def latest_version(spark: SparkSession, table: TableRef) -> int:
    version = table.version(spark)
    if version is None:
        raise ValueError(f"input table {table} does not exist")
    return version
