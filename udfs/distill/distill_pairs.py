"""The distill run: one expert run's accepted pairs -> refiner_sft (one commit).

The rows are committed with one insert-only MERGE on (run_id, sample_id), so a
rerun with the same run id adds nothing twice; it reads the expert_pairs
version the first attempt read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import Settings
from lakerefine.schemas.expert_pairs import ACCEPTED as EXPERT_ACCEPTED
from lakerefine.schemas.refiner_sft import PARTITION_BY, REFINER_SFT_SCHEMA, SAMPLE_FIELDS
from lakerefine.udfs.lake.input_version import pin_input_version
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef, commit_metadata_for
from lakerefine.udfs.refine.audit import recorded_input, run_rows

from .chunk_pairs import render_spec
from .distill_udf import distill_batches_fn

SFT_COLUMNS = [f.name for f in REFINER_SFT_SCHEMA.fields]


@dataclass(frozen=True)
class DistillTables:
    input: TableRef    # expert_pairs
    output: TableRef   # refiner_sft


@dataclass
class DistillResult:
    input_version: int
    expert_run_id: str
    expert_rows: int                  # rows of the expert run
    expert_accepted: int              # of which accepted, hence distilled
    docs_with_accepted_samples: int
    by_status: dict[str, int] = field(default_factory=dict)    # samples
    by_reason: dict[str, int] = field(default_factory=dict)    # samples


def distill_pairs(spark: SparkSession, settings: Settings, tables: DistillTables,
                  expert_run_id: str | None, run: Run) -> DistillResult:
    spec = render_spec(settings)
    with run.timed("prepare"):
        tables.output.create_if_missing(spark, REFINER_SFT_SCHEMA, partition_by=PARTITION_BY)
        version = pin_input_version(spark, tables.input, None, recorded_input(spark, tables.output, run.run_id),
                                    run.run_id, hint=": run `lakerefine expert` first")
        run.input_table, run.input_version, run.output_table = str(tables.input), version, str(tables.output)
        pairs = tables.input.read(spark, version)
        expert_run_id = expert_run_id or latest_run_id(pairs)
        of_run = pairs.where(F.col("run_id") == F.lit(expert_run_id))
        accepted = of_run.where(F.col("status") == EXPERT_ACCEPTED)
        by_expert_status = {r.status: r["count"] for r in of_run.groupBy("status").count().collect()}
        expert_rows, expert_accepted = sum(by_expert_status.values()), by_expert_status.get(EXPERT_ACCEPTED, 0)
        if expert_rows == 0:
            raise ValueError(f"{tables.input} (version {version}) has no rows of expert run {expert_run_id!r}")
    with run.timed("distill"):
        tasks = 2 * spark.sparkContext.defaultParallelism
        fields = (accepted.select("doc_id", "raw", "expert").repartition(tasks, "doc_id")
                  .mapInPandas(distill_batches_fn(spec), SAMPLE_FIELDS))
        constants = {"run_id": F.lit(run.run_id), "expert_run_id": F.lit(expert_run_id),
                     "input_table": F.lit(str(tables.input)), "input_version": F.lit(version).cast("long"),
                     "tokenizer": F.lit(spec.tokenizer_path), "render_as": F.lit(spec.render_as),
                     "prompt_name": F.lit(spec.prompt), "chunk_tokens": F.lit(spec.chunk_tokens).cast("int"),
                     "max_line_chars": F.lit(spec.max_line_chars).cast("int")}
        merge_new_samples(fields.withColumns(constants).select(*SFT_COLUMNS), tables.output, run)
    with run.timed("check"):
        rows = run_rows(spark, tables.output, run.run_id)
        missing = accepted.select("doc_id").join(rows, "doc_id", "left_anti").count()
        if missing:
            raise RuntimeError(f"{missing} accepted expert pairs have no refiner_sft row for run {run.run_id}")
        by_status = {r.status: r["count"] for r in rows.groupBy("status").count().collect()}
        by_reason = {r.reason: r["count"] for r in rows.where(F.col("reason").isNotNull())
                     .groupBy("reason").count().collect()}
        docs_ok = rows.where(F.col("status") == "accepted").select("doc_id").distinct().count()
    return DistillResult(version, expert_run_id, expert_rows, expert_accepted, docs_ok, by_status, by_reason)


def latest_run_id(pairs: DataFrame) -> str:
    """The expert run whose rows were written last."""
    row = pairs.groupBy("run_id").agg(F.max("created_at").alias("at")).orderBy(F.desc("at")).first()
    if row is None:
        raise ValueError("the expert pairs table is empty: run `lakerefine expert` first")
    return row.run_id


def merge_new_samples(rows: DataFrame, output: TableRef, run: Run) -> None:
    """Insert the rows whose (run_id, sample_id) is not in the table yet; one Delta commit."""
    spark = rows.sparkSession
    same: Column = ((F.col("t.run_id") == F.lit(run.run_id)) & (F.col("t.run_id") == F.col("s.run_id"))
                    & (F.col("t.sample_id") == F.col("s.sample_id")))
    with commit_metadata_for(spark, run.commit_metadata(stage="distill")):
        output.delta(spark).alias("t").merge(rows.alias("s"), same).whenNotMatchedInsertAll().execute()
