"""A refine run's report data, drawn in Spark from its audit rows and its input version: aggregates and a
stratified sample. The driver collects only these (a few hundred rows at most, whatever the run's size)."""
from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from lakerefine.conf.settings import Settings
from lakerefine.schemas.vocab import EDITED
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.refine.summary import run_totals
from lakerefine.udfs.report.model import RefineReport, RunInfo, SampleDocument, SourceRow, StatusRow

RATIO_BINS = 20
PER_STRATUM = 3          # documents per (status, source)
EXTREMES = 5             # most and least edited documents
TOP = 25                 # most removed lines and strings
SHOWN_LINE = 300         # characters of a removed line or string shown
NO_SOURCE = "(none)"


def refine_report(spark: SparkSession, run: RunInfo, settings: Settings) -> RefineReport:
    """``settings``: the run's own (its recorded config), which name its audit table."""
    edits = TableRef.resolve(settings.refine.edits_table, settings.tables).run_rows(spark, run.run_id)
    corpus = TableRef.resolve(run.input_table, settings.tables).read(spark, run.input_version)
    audited = with_source(edits, corpus).withColumn(
        "removed", F.col("chars_in") - F.col("chars_out")).cache()
    removed = removed_texts(audited, corpus).cache()
    try:
        totals = run_totals(spark, TableRef.resolve(settings.refine.edits_table, settings.tables), run.run_id)
        sample, backend, model = sample_documents(audited, corpus)
        return RefineReport(
            run=run, backend=backend or settings.refine.backend, model=model,
            by_status=[StatusRow(s, t.docs, t.chars_in, t.chars_in - t.chars_out, t.calls_rejected)
                       for s, t in totals.by_status.items()],
            by_source=source_rows(audited), ratio_bins=ratio_bins(audited),
            rejected_by_reason=rejected_by_reason(audited),
            top_lines=most_common(removed.select(F.explode(F.split("removed", "\n")).alias("piece"))),
            top_strings=most_common(removed.select(F.col("removed").alias("piece"))),
            sample=sample)
    finally:
        removed.unpersist()
        audited.unpersist()


def with_source(edits: DataFrame, corpus: DataFrame) -> DataFrame:
    """The audit rows with their document's source (the corpus's ``source`` column, else the host of ``url``)."""
    if "source" in corpus.columns:
        source = F.col("source").cast("string")
    elif "url" in corpus.columns:
        source = F.expr("parse_url(url, 'HOST')")
    else:
        source = F.lit(None).cast("string")
    sources = corpus.select("doc_id", source.alias("source"))
    return (edits.join(sources, "doc_id", "left")
            .withColumn("source", F.coalesce(F.col("source"), F.lit(NO_SOURCE))))


def source_rows(audited: DataFrame) -> list[SourceRow]:
    rows = (audited.groupBy("source").agg(F.count("*").alias("docs"), F.sum("chars_in").alias("chars_in"),
                                          F.sum("removed").alias("removed"))
            .orderBy(F.desc("removed"), "source").limit(50).collect())
    return [SourceRow(r.source, r.docs, r.chars_in or 0, r.removed or 0) for r in rows]


def ratio_bins(audited: DataFrame) -> list[tuple[float, int]]:
    ratio = F.col("removed") / F.col("chars_in")
    found = dict(audited.where(F.col("chars_in") > 0)
                 .groupBy(F.least(F.floor(ratio * RATIO_BINS), F.lit(RATIO_BINS - 1)).alias("bin")).count()
                 .collect())
    return [(b / RATIO_BINS, int(found.get(b, 0))) for b in range(RATIO_BINS)]


def rejected_by_reason(audited: DataFrame) -> dict[str, int]:
    rows = (audited.select(F.explode("rejected_by_reason").alias("reason", "n"))
            .groupBy("reason").agg(F.sum("n").alias("n")).collect())
    return {r.reason: int(r.n) for r in rows}


def removed_texts(audited: DataFrame, corpus: DataFrame) -> DataFrame:
    """One row per deleted span: the raw text it deleted (Spark strings count code points, as Python's do)."""
    spans = (audited.where(F.col("status").isin(*EDITED)).select("doc_id", F.explode("spans").alias("span")))
    return (spans.join(corpus.select("doc_id", "text"), "doc_id")
            .select(F.expr("substring(text, span.start + 1, span.end - span.start)").alias("removed")))


def most_common(pieces: DataFrame) -> list[tuple[str, int]]:
    rows = (pieces.select(F.trim("piece").alias("piece")).where(F.length("piece") > 0)
            .groupBy("piece").count().orderBy(F.desc("count"), "piece").limit(TOP).collect())
    return [(r.piece if len(r.piece) <= SHOWN_LINE else r.piece[:SHOWN_LINE] + "…", int(r["count"])) for r in rows]


def sample_documents(audited: DataFrame, corpus: DataFrame) -> tuple[list[SampleDocument], str | None, str | None]:
    """Up to PER_STRATUM documents of each (status, source), chosen by a hash of the doc_id, plus the EXTREMES
    most and least edited (by deletion ratio); then their raw text, joined in Spark. With the backend and
    model that refined them (one per run)."""
    by_hash = Window.partitionBy("status", "source").orderBy(F.xxhash64("doc_id"), "doc_id")
    ratio = F.col("removed") / F.col("chars_in")
    edited = audited.where(F.col("removed") > 0)
    picks = (audited.withColumn("rank", F.row_number().over(by_hash)).where(F.col("rank") <= PER_STRATUM)
             .select("doc_id", F.lit("stratum").alias("why"))
             .unionByName(edited.orderBy(ratio.desc(), "doc_id").limit(EXTREMES)
                          .select("doc_id", F.lit("most edited").alias("why")))
             .unionByName(edited.orderBy(ratio.asc(), "doc_id").limit(EXTREMES)
                          .select("doc_id", F.lit("least edited").alias("why")))
             .groupBy("doc_id").agg(F.sort_array(F.collect_set("why")).alias("picked")))
    rows = (picks.join(audited, "doc_id").join(corpus.select("doc_id", "text"), "doc_id", "left")
            .orderBy("status", "source", "doc_id").collect())
    documents = [SampleDocument(
        doc_id=r.doc_id, source=r.source, status=r.status, picked=list(r.picked), chars_in=r.chars_in,
        chars_out=r.chars_out, text=r.text, spans=[(s.start, s.end) for s in r.spans or []], program=r.program,
        rejected_by_reason=dict(r.rejected_by_reason or {}), error=r.error) for r in rows]
    return documents, rows[0].backend if rows else None, rows[0].model if rows else None
