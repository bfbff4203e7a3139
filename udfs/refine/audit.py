"""Writing and reading one run's rows of ``refine_edits``.

A slice of refined documents is one idempotent Delta append (lake/slices.py): an attempt
that reruns a committed slice skips it, and a Spark task retry never commits twice. Rows a
run makes in Spark SQL (carried and deleted documents of an incremental run) are committed
with an insert-only MERGE on (run_id, doc_id). Either way no document gets a second row in
a run.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.schemas.refine_edits import PARTITION_BY, REFINE_EDITS_SCHEMA
from lakerefine.schemas.vocab import CARRIED, DELETED
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef, with_constants


def ensure_edits_table(spark: SparkSession, edits: TableRef) -> None:
    edits.create_if_missing(spark, REFINE_EDITS_SCHEMA, partition_by=PARTITION_BY)


def audit_rows(fields: DataFrame, run: Run) -> DataFrame:
    """Per-document fields + the run's columns, in the table's column order."""
    return with_constants(fields, REFINE_EDITS_SCHEMA, {"run_id": run.run_id, "input_table": run.input_table,
                                                        "input_version": run.input_version})


def insert_audit(fields: DataFrame, edits: TableRef, run: Run, stage: str) -> None:
    """Insert the rows whose (run_id, doc_id) is not in the table yet; one Delta commit."""
    edits.insert_new(audit_rows(fields, run), keys=("run_id", "doc_id"), pinned={"run_id": run.run_id},
                     metadata=run.commit_metadata(stage=stage))


@dataclass(frozen=True)
class EarlierAttempt:
    """What earlier attempts of a run left in the audit."""

    input_table: str
    input_version: int
    incremental: bool   # it has carried or deleted rows


def earlier_attempt(spark: SparkSession, edits: TableRef, run_id: str) -> EarlierAttempt | None:
    """The input and mode of a refine run that has audit rows, in one query."""
    row = (edits.run_rows(spark, run_id)
           .agg(F.first("input_table").alias("table"), F.first("input_version").alias("version"),
                F.max(F.col("status").isin(CARRIED, DELETED)).alias("incremental"))
           .first())
    return EarlierAttempt(row.table, row.version, bool(row.incremental)) if row.table is not None else None
