"""Incremental runs: which documents changed since the run that last published ``refined``.

The last run is named in the refined table's newest commit (``userMetadata``);
its audit rows hold the SHA-256 of every text it saw. Comparing them with the
new corpus version gives new, changed, unchanged (``carried``) and deleted
doc_ids, without needing the old corpus version (which VACUUM may have removed).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.schemas.vocab import CARRIED, DELETED
from lakerefine.udfs.lake.tables import TableRef

NEW, CHANGED, UNCHANGED, GONE = "new", "changed", "unchanged", "deleted"


@dataclass(frozen=True)
class PreviousRun:
    run_id: str
    source_table: str
    source_version: int
    refined_version: int


def previous_run(spark: SparkSession, refined: TableRef) -> PreviousRun | None:
    """The refine run that wrote the refined table's newest version, or None if no table."""
    if not refined.exists(spark):
        return None
    row = refined.delta(spark).history(1).select("version", "userMetadata").first()
    try:
        meta = json.loads(row.userMetadata or "")
        return PreviousRun(meta["run_id"], meta["source_table"], int(meta["source_version"]), row.version)
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"the newest version ({row.version}) of {refined} was not written by a refine run "
                         "(no run_id/source_table/source_version in its userMetadata): run a full refine") from None


def classify(corpus: DataFrame, previous_edits: DataFrame) -> DataFrame:
    """(doc_id, change): new / changed / unchanged for the corpus' doc_ids, deleted for the others."""
    before = (previous_edits.where(F.col("status") != F.lit(DELETED))
              .select("doc_id", F.col("raw_sha256").alias("old_sha"), F.lit(True).alias("was_there")))
    now = corpus.select("doc_id", F.sha2("text", 256).alias("new_sha"), F.lit(True).alias("is_there"))
    change = (F.when(F.col("was_there").isNull(), F.lit(NEW))
              .when(F.col("is_there").isNull(), F.lit(GONE))
              .when(F.col("old_sha").eqNullSafe(F.col("new_sha")), F.lit(UNCHANGED))
              .otherwise(F.lit(CHANGED)))
    return now.join(before, "doc_id", "full_outer").select("doc_id", change.alias("change"))


def carried_and_deleted(changes: DataFrame, corpus: DataFrame, backend: str) -> DataFrame:
    """Audit fields (schemas/refine_edits.DOCUMENT_FIELDS) for documents this run does not refine."""
    kept = changes.where(F.col("change") == F.lit(UNCHANGED)).join(corpus.select("doc_id", "text"), "doc_id")
    gone = changes.where(F.col("change") == F.lit(GONE)).withColumn("text", F.lit(None).cast("string"))
    rows = kept.select("doc_id", "text", F.lit(CARRIED).alias("status")).unionByName(
        gone.select("doc_id", "text", F.lit(DELETED).alias("status")))
    chars = F.coalesce(F.length("text"), F.lit(0)).cast("long")
    lines = line_count(F.col("text")).cast("long")
    return rows.select(
        "doc_id", "status", F.lit(None).cast("string").alias("program"),
        F.lit(0).alias("calls_accepted"), F.lit(0).alias("calls_rejected"),
        F.lit(None).cast("map<string,int>").alias("rejected_by_reason"), F.lit(False).alias("program_truncated"),
        F.lit(None).cast("array<struct<start:bigint,end:bigint>>").alias("spans"),
        chars.alias("chars_in"), chars.alias("chars_out"), lines.alias("lines_in"), lines.alias("lines_out"),
        F.sha2("text", 256).alias("raw_sha256"), F.lit(0).alias("prompts"), F.lit(backend).alias("backend"),
        F.lit(None).cast("string").alias("model"), F.lit(None).cast("string").alias("error"),
        F.current_timestamp().alias("refined_at"))


def line_count(text: Column) -> Column:
    """Lines as udfs/program/lines.count_lines counts them: split on "\\n", a final "\\n" ends the last line."""
    newlines = F.length(text) - F.length(F.regexp_replace(text, "\n", ""))
    last = F.when(text.endswith("\n"), F.lit(0)).otherwise(F.lit(1))
    return F.when(text.isNull() | (text == ""), F.lit(0)).otherwise(newlines + last)
