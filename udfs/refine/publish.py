"""Publishing a run: corpus text at the input version minus the audited spans -> ``refined``.

Spans are the source of truth, so the refined text is computed here from the raw
text and the run's audit rows (in Spark SQL, no Python), never copied from a UDF.
Each run adds exactly one Delta version: an overwrite (full run) or one MERGE
(incremental run), its commit carrying the run's metadata. Two runs publishing to one table at
once: Delta commits one, the other fails whole with a CommitConflict (and can be rerun).
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lakerefine.schemas.refined import REFINE_RUN_ID
from lakerefine.schemas.vocab import EDITED, EMPTIED
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef, commit_metadata_for, conflicts_named

DELETE_FLAG = "_delete"


def apply_spans(text: Column, spans: Column) -> Column:
    """``text`` without the sorted, disjoint ``[start, end)`` spans (0-based characters).

    Keeps the pieces between spans: piece i runs from the end of span i-1 (or 0)
    to the start of span i (or the end of the text).
    """
    count = F.size(spans)

    def piece(i: Column) -> Column:
        start = F.when(i == 0, F.lit(0)).otherwise(spans[i - 1]["end"])
        end = F.when(i == count, F.length(text)).otherwise(spans[i]["start"])
        return F.substring(text, start + 1, end - start)

    edited = F.array_join(F.transform(F.sequence(F.lit(0), count), piece), "")
    return F.when(F.coalesce(count, F.lit(0)) > 0, edited).otherwise(text)


def refined_rows(corpus: DataFrame, run_edits: DataFrame, run_id: str) -> DataFrame:
    """Every corpus row with its refined text and ``refine_run_id``, plus a ``_delete``
    flag for emptied documents; the audit must hold a row for each doc_id."""
    # Prefixed names: the corpus may have columns of its own called status or spans.
    audit = run_edits.select("doc_id", F.col("status").alias("_refine_status"), F.col("spans").alias("_refine_spans"))
    joined = corpus.join(audit, "doc_id", "left")
    status = F.col("_refine_status")
    text = F.when(status.isin(*EDITED), apply_spans(F.col("text"), F.col("_refine_spans"))).otherwise(F.col("text"))
    columns = [text.alias("text") if c == "text" else F.col(c) for c in corpus.columns if c != REFINE_RUN_ID]
    return joined.select(*columns, F.lit(run_id).alias(REFINE_RUN_ID),
                         F.coalesce(status == F.lit(EMPTIED), F.lit(False)).alias(DELETE_FLAG))


def publish_full(rows: DataFrame, refined: TableRef, run: Run, drop_emptied: bool) -> None:
    """Replace the refined table with ``rows`` in one commit."""
    if drop_emptied:
        rows = rows.where(~F.col(DELETE_FLAG))
    with conflicts_named(refined, run.run_id):
        refined.write(rows.drop(DELETE_FLAG), "overwrite", metadata=run.commit_metadata(mode="full"),
                      overwriteSchema="true")


def publish_incremental(rows: DataFrame, deleted_ids: DataFrame, refined: TableRef, run: Run,
                        drop_emptied: bool) -> None:
    """One MERGE: upsert the re-refined rows, delete removed doc_ids (and emptied ones
    when ``drop_emptied``)."""
    spark = rows.sparkSession
    flagged = rows.withColumn(DELETE_FLAG, F.col(DELETE_FLAG) & F.lit(drop_emptied))
    gone = deleted_ids.select("doc_id")
    for name, dtype in ((c, flagged.schema[c].dataType) for c in flagged.columns if c != "doc_id"):
        gone = gone.withColumn(name, F.lit(True) if name == DELETE_FLAG else F.lit(None).cast(dtype))
    source = flagged.unionByName(gone)
    values = {c: F.col(f"s.`{c}`") for c in rows.columns if c != DELETE_FLAG}
    with commit_metadata_for(spark, run.commit_metadata(mode="incremental")), conflicts_named(refined, run.run_id):
        (refined.delta(spark).alias("t").merge(source.alias("s"), F.col("t.doc_id") == F.col("s.doc_id"))
         .whenMatchedDelete(condition=F.col(f"s.{DELETE_FLAG}"))
         .whenMatchedUpdate(set=values)
         .whenNotMatchedInsert(condition=~F.col(f"s.{DELETE_FLAG}"), values=values)
         .execute())

