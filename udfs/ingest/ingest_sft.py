"""Ingest SFT JSONL (plain, .gz, .zst) into the ``sft`` Delta table; set bad records aside in quarantine.

The same accounting, duplicate rule (first wins) and quarantine as corpus ingest:
records read = accepted + quarantined; accepted = inserted + updated + unchanged.
While records are checked the id column is called ``doc_id`` (what the shared
quarantine table and ``mark_duplicates`` use); it becomes ``sample_id`` on the way in.
"""
from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType

from lakerefine.conf.settings import SftIngestSettings
from lakerefine.schemas.sft import MESSAGES, MESSAGES_TYPE, SAMPLE_ID
from lakerefine.udfs.ingest.ingest_corpus import IngestCounts, mark_duplicates, write_quarantine
from lakerefine.udfs.ingest.sft_records import check_sft_line
from lakerefine.udfs.ingest.sources import _jsonl_lines
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef, commit_metadata_for

CHECKED_SFT_SCHEMA = StructType([
    StructField("source_file", StringType(), True),
    StructField("block_start", LongType(), True),
    StructField("seq", LongType(), True),
    StructField("record", StringType(), True),
    StructField("doc_id", StringType(), True),
    StructField("messages_json", StringType(), True),
    StructField("extras_json", StringType(), True),
    StructField("reason", StringType(), True),
    StructField("detail", StringType(), True),
])


def read_sft_checked(spark: SparkSession, path: str, settings: SftIngestSettings) -> DataFrame:
    """Every non-blank line of the JSONL file(s) at ``path``, checked (``CHECKED_SFT_SCHEMA``)."""
    id_column, missing_id, limit = settings.id_column, settings.missing_id, settings.max_record_chars_in_quarantine

    def check(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            checked = [check_sft_line(line, id_column, missing_id) for line in batch["line"]]
            yield pd.DataFrame({
                "source_file": batch["source_file"],
                "block_start": batch["block_start"],
                "seq": batch["seq"],
                "record": [line[:limit] for line in batch["line"]],
                "doc_id": [c.sample_id for c in checked],
                "messages_json": [c.messages_json if c.reason is None else None for c in checked],
                "extras_json": [c.extras_json for c in checked],
                "reason": [c.reason for c in checked],
                "detail": [c.detail for c in checked],
            })

    return _jsonl_lines(spark, path).mapInPandas(check, CHECKED_SFT_SCHEMA)


def sft_rows(accepted: DataFrame, run_id: str) -> DataFrame:
    """sample_id, messages, the source's other fields as columns, and ``ingest_run_id``."""
    spark = accepted.sparkSession
    json_rows = accepted.select("extras_json").where(F.col("extras_json").isNotNull())
    extras_schema = spark.read.json(json_rows.rdd.map(lambda r: r[0])).schema if json_rows.take(1) else None
    columns = [F.col("doc_id").alias(SAMPLE_ID), F.from_json("messages_json", MESSAGES_TYPE).alias(MESSAGES)]
    if extras_schema is not None:
        parsed = F.from_json("extras_json", extras_schema)
        columns += [parsed[f.name].alias(f.name) for f in extras_schema.fields
                    if f.name not in (SAMPLE_ID, MESSAGES, "ingest_run_id", "_corrupt_record")]
    return accepted.select(*columns, F.lit(run_id).alias("ingest_run_id"))


def merge_sft(rows: DataFrame, table: TableRef, run: Run) -> tuple[int, int]:
    """Insert new sample_ids, update changed conversations; return (inserted, updated)."""
    spark = rows.sparkSession
    if not table.exists(spark):
        table.write(rows, "errorifexists", metadata=run.commit_metadata())
        return rows.count(), 0
    target = table.delta(spark)
    with commit_metadata_for(spark, run.commit_metadata()):
        (target.alias("t").merge(rows.alias("s"), f"t.{SAMPLE_ID} = s.{SAMPLE_ID}")
         .whenMatchedUpdateAll(condition=f"NOT (t.{MESSAGES} <=> s.{MESSAGES})")
         .whenNotMatchedInsertAll()
         .withSchemaEvolution()
         .execute())
    metrics = target.history(1).select("operationMetrics").first()[0]
    return int(metrics.get("numTargetRowsInserted", 0)), int(metrics.get("numTargetRowsUpdated", 0))


def ingest_sft(checked: DataFrame, output: TableRef, quarantine: TableRef, run: Run) -> IngestCounts:
    marked = mark_duplicates(checked).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        by_reason = {row["reason"]: row["count"] for row in marked.groupBy("reason").count().collect()}
        counts = IngestCounts(read=sum(by_reason.values()), accepted=by_reason.pop(None, 0))
        counts.quarantined_by_reason = {k: int(v) for k, v in sorted(by_reason.items())}
        counts.quarantined = sum(counts.quarantined_by_reason.values())
        with run.timed("quarantine"):
            write_quarantine(marked.where(F.col("reason").isNotNull()), quarantine, run)
        with run.timed("merge"):
            if counts.accepted:
                counts.inserted, counts.updated = merge_sft(
                    sft_rows(marked.where(F.col("reason").isNull()), run.run_id), output, run)
        counts.unchanged = counts.accepted - counts.inserted - counts.updated
    finally:
        marked.unpersist()
    return counts
