"""The ingest runs: checked records into the ``corpus`` (or ``sft``) Delta table, the rest into quarantine.

Accounting, always: records read = accepted + quarantined, and
accepted = inserted + updated + unchanged (a re-ingest of the same input only
finds unchanged rows and adds nothing). The same duplicate rule (first wins) and
quarantine serve both tables; while records are checked the id column is called
``doc_id`` (what the shared quarantine table and ``mark_duplicates`` use), and it
becomes ``sample_id`` on the way into ``sft``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from lakerefine.schemas.quarantine import QUARANTINE_SCHEMA
from lakerefine.schemas.sft import MESSAGES, MESSAGES_TYPE, SAMPLE_ID
from lakerefine.schemas.vocab import CONTENT_HASH, DUPLICATE_ID
from lakerefine.udfs.ingest.sources import unreadable_files_named
from lakerefine.udfs.lake.runs import Run, RunResult, by_key
from lakerefine.udfs.lake.tables import TableRef, commit_metadata_for, conflicts_named


@dataclass
class IngestCounts:
    """read = accepted + quarantined; accepted = inserted + updated + unchanged (``totals``)."""

    totals: dict[str, int]
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    ids_by_source: dict[str, int] = field(default_factory=dict)    # accepted records by where the id came from

    def as_counts(self) -> dict[str, int]:
        return {**self.totals, **by_key("quarantined", self.quarantined_by_reason), **by_key("ids", self.ids_by_source)}


def mark_duplicates(checked: DataFrame) -> DataFrame:
    """Of several accepted records with one doc_id, keep the first, quarantine the rest.

    First means: by source file name, then by place in the file.
    """
    order = Window.partitionBy("doc_id").orderBy("source_file", "block_start", "seq")
    rank = F.when(F.col("reason").isNull(), F.row_number().over(order))
    return checked.withColumn("reason", F.when((rank > 1), F.lit(DUPLICATE_ID)).otherwise(F.col("reason")))


def corpus_rows(accepted: DataFrame, extras_schema: StructType | None, run_id: str) -> DataFrame:
    """doc_id, text, the source's other fields as columns, and the id of the run that ingested it."""
    return accepted.select("doc_id", "text", *extras_columns(accepted, extras_schema),
                           F.lit(run_id).alias("ingest_run_id"))


def extras_columns(accepted: DataFrame, extras_schema: StructType | None) -> list[Column]:
    """The fields of ``extras_json`` as columns (schema inferred from the data when None); the
    checks already renamed a field called like a column of the table (records.extras_of)."""
    if extras_schema is None:
        json_rows = accepted.select("extras_json").where(F.col("extras_json").isNotNull())
        if not json_rows.take(1):
            return []
        extras_schema = accepted.sparkSession.read.json(json_rows.rdd.map(lambda r: r[0])).schema
    parsed = F.from_json("extras_json", extras_schema)
    return [parsed[f.name].alias(f.name) for f in extras_schema.fields if f.name != "_corrupt_record"]


def write_quarantine(bad: DataFrame, table: TableRef, run: Run) -> None:
    """Replace this run's quarantine rows (a rerun of the same run_id does not duplicate them)."""
    rows = bad.select(F.lit(run.run_id).alias("run_id"), "source_file", "doc_id", "reason", "detail",
                      "record", F.current_timestamp().alias("quarantined_at"))
    spark = bad.sparkSession
    table.create_if_missing(spark, QUARANTINE_SCHEMA)
    table.delta(spark).delete(F.col("run_id") == run.run_id)
    table.write(rows, "append", metadata=run.commit_metadata())


def upsert(rows: DataFrame, table: TableRef, run: Run, key: str, value: str) -> tuple[int, int]:
    """Insert new ``key``s, update rows whose ``value`` changed; return (inserted, updated)."""
    spark = rows.sparkSession
    if not table.exists(spark):
        table.write(rows, "errorifexists", metadata=run.commit_metadata())
        return rows.count(), 0
    target = table.delta(spark)
    with commit_metadata_for(spark, run.commit_metadata()), conflicts_named(table, run.run_id):
        (target.alias("t").merge(rows.alias("s"), f"t.`{key}` = s.`{key}`")
         .whenMatchedUpdateAll(condition=f"NOT (t.`{value}` <=> s.`{value}`)")
         .whenNotMatchedInsertAll()
         .withSchemaEvolution()
         .execute())
    metrics = target.history(1).select("operationMetrics").first()[0]
    return int(metrics.get("numTargetRowsInserted", 0)), int(metrics.get("numTargetRowsUpdated", 0))


def ingest_checked(checked: DataFrame, table_rows: Callable[[DataFrame], DataFrame], output: TableRef,
                   quarantine: TableRef, run: Run, key: str, value: str) -> IngestCounts:
    """Checked records -> quarantine (rejected and duplicate ones) + ``output`` (the accepted
    ones as ``table_rows`` shapes them, upserted on ``key``), counted both ways."""
    # On local disk, not the heap: cached in memory, a 4 GB input ran a 4 GB heap out of memory.
    marked = mark_duplicates(checked).persist(StorageLevel.DISK_ONLY)
    try:
        with unreadable_files_named():   # the first action reads every input file
            groups = marked.groupBy("reason", "id_source").count().collect()
        by_reason: dict[str | None, int] = {}
        for row in groups:
            by_reason[row["reason"]] = by_reason.get(row["reason"], 0) + row["count"]
        totals = {"read": sum(by_reason.values()), "accepted": by_reason.pop(None, 0)}
        counts = IngestCounts(totals, {k: int(v) for k, v in sorted(by_reason.items())})
        counts.ids_by_source = {row["id_source"]: int(row["count"]) for row in sorted(
            (r for r in groups if r["reason"] is None),
            key=lambda r: (-r["count"], r["id_source"] == CONTENT_HASH, r["id_source"]))}
        totals["quarantined"] = sum(counts.quarantined_by_reason.values())
        with run.timed("quarantine"):
            write_quarantine(marked.where(F.col("reason").isNotNull()), quarantine, run)
        with run.timed("merge"):
            inserted, updated = upsert(table_rows(marked.where(F.col("reason").isNull())), output, run, key,
                                       value) if totals["accepted"] else (0, 0)
        totals.update(inserted=inserted, updated=updated, unchanged=totals["accepted"] - inserted - updated)
    finally:
        marked.unpersist()
    return counts


def ingest_corpus(checked: DataFrame, extras_schema: StructType | None, output: TableRef,
                  quarantine: TableRef, run: Run) -> RunResult:
    counts = ingest_checked(checked, lambda accepted: corpus_rows(accepted, extras_schema, run.run_id),
                            output, quarantine, run, key="doc_id", value="text")
    return ingest_result(counts, output, quarantine, run, label="corpus")


def sft_rows(accepted: DataFrame, run_id: str) -> DataFrame:
    """sample_id, messages, the source's other fields as columns, and ``ingest_run_id``."""
    return accepted.select(F.col("doc_id").alias(SAMPLE_ID),
                           F.from_json("messages_json", MESSAGES_TYPE).alias(MESSAGES),
                           *extras_columns(accepted, None),
                           F.lit(run_id).alias("ingest_run_id"))


def ingest_sft(checked: DataFrame, output: TableRef, quarantine: TableRef, run: Run) -> RunResult:
    counts = ingest_checked(checked, lambda accepted: sft_rows(accepted, run.run_id), output, quarantine, run,
                            key=SAMPLE_ID, value=MESSAGES)
    return ingest_result(counts, output, quarantine, run, label="sft")


def ingest_result(counts: IngestCounts, output: TableRef, quarantine: TableRef, run: Run, label: str) -> RunResult:
    spark = SparkSession.getActiveSession()
    output_version = output.commit_version_of(spark, run.run_id)
    quarantine_version = quarantine.commit_version_of(spark, run.run_id)
    reasons = ", ".join(f"{r}={n}" for r, n in counts.quarantined_by_reason.items()) or "none"
    ids = ", ".join(f"{'content hash' if source == CONTENT_HASH else source} {n}"
                    for source, n in counts.ids_by_source.items()) or "none"
    n = counts.totals
    return RunResult(
        f"read {n['read']} = accepted {n['accepted']} + quarantined {n['quarantined']} ({reasons})",
        details=[f"accepted {n['accepted']} = inserted {n['inserted']} + updated {n['updated']} "
                 f"+ unchanged {n['unchanged']}", f"ids from: {ids}"],
        tables={label: f"{output} (version {output_version})", "quarantine": str(quarantine)},
        output_table=str(output), output_version=output_version,
        other_outputs={} if quarantine_version is None else {str(quarantine): quarantine_version},
        counts=counts.as_counts())
