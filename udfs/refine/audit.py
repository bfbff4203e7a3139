"""Writing and reading one run's rows of ``refine_edits``.

A slice of refined documents is one idempotent Delta append (``append_slice``):
an attempt that reruns a committed slice skips it, and a Spark task retry never
commits twice. Rows a run makes in Spark SQL (carried and deleted documents of an
incremental run) are committed with an insert-only MERGE on (run_id, doc_id).
Either way no document gets a second row in a run.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.schemas.refine_edits import PARTITION_BY, REFINE_EDITS_SCHEMA
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef, commit_metadata_for
from lakerefine.udfs.refine.statuses import CARRIED, DELETED

EDITS_COLUMNS = [f.name for f in REFINE_EDITS_SCHEMA.fields]


def ensure_edits_table(spark: SparkSession, edits: TableRef) -> None:
    edits.create_if_missing(spark, REFINE_EDITS_SCHEMA, partition_by=PARTITION_BY)


def run_rows(spark: SparkSession, edits: TableRef, run_id: str) -> DataFrame:
    """This run's audit rows (partition-pruned on run_id)."""
    return edits.read(spark).where(F.col("run_id") == F.lit(run_id))


def with_run_columns(rows: DataFrame, run_id: str, input_table: str, input_version: int) -> DataFrame:
    """Per-document fields + the run's constants, in the table's column order."""
    return (rows.withColumn("run_id", F.lit(run_id))
            .withColumn("input_table", F.lit(input_table))
            .withColumn("input_version", F.lit(input_version).cast("long"))
            .select(*EDITS_COLUMNS))


def merge_audit(rows: DataFrame, edits: TableRef, run: Run, **metadata: object) -> None:
    """Insert the rows whose (run_id, doc_id) is not in the table yet; one Delta commit."""
    spark = rows.sparkSession
    same_row: Column = ((F.col("t.run_id") == F.lit(run.run_id)) & (F.col("t.run_id") == F.col("s.run_id"))
                        & (F.col("t.doc_id") == F.col("s.doc_id")))
    with commit_metadata_for(spark, run.commit_metadata(**metadata)):
        (edits.delta(spark).alias("t").merge(rows.alias("s"), same_row)
         .whenNotMatchedInsertAll()
         .execute())


def append_slice(rows: DataFrame, edits: TableRef, run: Run, slice: int, slices: int) -> None:
    """Commit slice ``slice`` of ``slices`` once per run: the Delta transaction id names the run
    and its slice plan, so a resumed attempt with the same plan skips the slices already in."""
    edits.append_once(rows, app_id=f"lakerefine:{run.run_id}:refine:{slices}", step=slice,
                      metadata=run.commit_metadata(stage="refine", slice=slice, slices=slices))


@dataclass(frozen=True)
class RecordedRun:
    """What earlier attempts of a run left in the audit."""

    input_table: str
    input_version: int
    incremental: bool   # it has carried or deleted rows


def recorded_run(spark: SparkSession, edits: TableRef, run_id: str) -> RecordedRun | None:
    """The input and mode of a refine run that has audit rows, in one query."""
    row = (run_rows(spark, edits, run_id)
           .agg(F.first("input_table").alias("table"), F.first("input_version").alias("version"),
                F.max(F.col("status").isin(CARRIED, DELETED)).alias("incremental"))
           .first())
    return RecordedRun(row.table, row.version, bool(row.incremental)) if row.table is not None else None


def recorded_input(spark: SparkSession, table: TableRef, run_id: str) -> tuple[str, int] | None:
    """(input_table, input_version) that an earlier attempt of this run used, if any; for any
    table with run_id, input_table and input_version columns."""
    row = run_rows(spark, table, run_id).select("input_table", "input_version").first()
    return (row.input_table, row.input_version) if row else None
