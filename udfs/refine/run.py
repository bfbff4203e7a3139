"""The refine run: corpus (at one version) -> refine_edits, slice by slice -> refined.

Resumable: the documents of a run are refined in slices (lake/slices.py), each slice's
audit rows one idempotent Delta append; a rerun with the same run id reads the input at
the version the first attempt pinned, skips the slices and doc_ids already audited for the
run, and then publishes. A run that already published only reports.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import RefineSettings
from lakerefine.schemas.corpus import check_corpus_schema
from lakerefine.schemas.refine_edits import DOCUMENT_FIELDS
from lakerefine.schemas.vocab import DELETED
from lakerefine.udfs.lake.runs import Run, RunResult
from lakerefine.udfs.lake.shuffles import size_shuffles
from lakerefine.udfs.lake.slices import write_in_slices
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.lake.versions import pin_input_version
from lakerefine.udfs.refine import incremental as inc
from lakerefine.udfs.refine.audit import audit_rows, earlier_attempt, ensure_edits_table, insert_audit
from lakerefine.udfs.refine.backends import model_metrics
from lakerefine.udfs.refine.backends.replay import RECORDED_PROGRAM
from lakerefine.udfs.refine.publish import publish_full, publish_incremental, refined_rows
from lakerefine.udfs.refine.site_shares import SHARES_TYPE, SITE_SHARES, site_shares
from lakerefine.udfs.refine.summary import RunTotals, run_totals, status_lines
from lakerefine.udfs.refine.udf import refine_udf


@dataclass(frozen=True)
class RefineTables:
    input: TableRef
    output: TableRef
    edits: TableRef
    runs: TableRef


def run_refine(spark: SparkSession, settings: RefineSettings, tables: RefineTables, input_version: int | None,
               incremental: bool, run: Run) -> RunResult:
    with run.timed("prepare"):
        ensure_edits_table(spark, tables.edits)
        earlier = earlier_attempt(spark, tables.edits, run.run_id)
        version = pin_input_version(spark, tables.input, input_version,
                                    (earlier.input_table, earlier.input_version) if earlier else None, run.run_id)
        run.read_input(tables.input, version)
        if earlier and tables.output.commit_version_of(spark, run.run_id) is not None:
            return refine_result(spark, settings, tables, run, "already published", 0)
        if earlier and earlier.incremental and not incremental:
            raise ValueError(f"run {run.run_id} was started with --incremental: resume it with --incremental")
        previous = inc.previous_run(spark, tables.output) if incremental else None
        corpus = tables.input.read(spark, version)
        check_corpus_schema(corpus.schema)
        input_docs, input_chars = count_unique_documents(corpus, tables.input)
        size_shuffles(spark, input_chars, run.settings.spark)
    todo, todo_docs, todo_chars, deleted_ids = corpus, input_docs, input_chars, None
    if previous:
        with run.timed("diff"):
            todo, deleted_ids = plan_incremental(corpus, previous, tables, run, settings.backend)
            todo_docs, todo_chars = document_count_and_chars(todo)
    shares = None
    if uses_site_shares(settings) and todo_docs:
        with run.timed("site_shares"):  # over the whole input, so a resumed or incremental run sees the same shares
            shares = site_shares(corpus, settings.classifier)
    try:
        with run.timed("refine"):
            remaining = todo
            if earlier:  # a resumed run: leave out what earlier attempts audited
                remaining = todo.join(tables.edits.run_rows(spark, run.run_id).select("doc_id"), "doc_id",
                                      "left_anti")
            slices = refine_in_slices(remaining, todo_docs, todo_chars, settings, tables.edits, run, shares)
    finally:
        if shares is not None:
            shares.unpersist()
    with run.timed("check"):
        check_every_document_audited(run_totals(spark, tables.edits, run.run_id), input_docs, run.run_id)
    with run.timed("publish"):
        rows = refined_rows(todo, tables.edits.run_rows(spark, run.run_id), run.run_id)
        if previous:
            publish_incremental(rows, deleted_ids, tables.output, run, settings.drop_emptied)
        else:
            publish_full(rows, tables.output, run, settings.drop_emptied)
    compacted = compact_audit(spark, tables.edits, run) if settings.compact_audit else {}
    return refine_result(spark, settings, tables, run, "incremental" if previous else "full", slices, compacted)


def compact_audit(spark: SparkSession, edits: TableRef, run: Run) -> dict[str, int]:
    """The run's audit files, rewritten into few (its partition only): the counts of files removed and added."""
    with run.timed("compact"):
        removed, added = edits.compact(spark, where=f"run_id = '{run.run_id}'")
    return {"audit_files_compacted": removed, "audit_files_written": added}


def plan_incremental(corpus: DataFrame, previous: inc.PreviousRun, tables: RefineTables, run: Run,
                     backend: str) -> tuple[DataFrame, DataFrame]:
    """Audit the carried and deleted documents; return (documents to refine, deleted doc_ids)."""
    spark = corpus.sparkSession
    if previous.source_table != str(tables.input):
        raise ValueError(f"incremental: {tables.output} was refined from {previous.source_table}, "
                         f"not {tables.input}; run a full refine")
    changes = inc.classify(corpus, tables.edits.run_rows(spark, previous.run_id))
    insert_audit(inc.carried_and_deleted(changes, corpus, backend), tables.edits, run, stage="carried_and_deleted")
    changed = changes.where(F.col("change").isin(inc.NEW, inc.CHANGED)).select("doc_id")
    deleted_ids = tables.edits.run_rows(spark, run.run_id).where(F.col("status") == DELETED).select("doc_id")
    return corpus.join(changed, "doc_id", "left_semi"), deleted_ids


def uses_site_shares(settings: RefineSettings) -> bool:
    return settings.backend == "classifier" and settings.classifier.site_shares


def refine_in_slices(todo: DataFrame, planned: int, planned_chars: int, settings: RefineSettings, edits: TableRef,
                     run: Run, shares: DataFrame | None = None) -> int:
    """Refine ``todo`` slice by slice (``planned`` documents of ``planned_chars`` characters when
    the run started), committing each slice's audit rows; return the slice count. ``shares``:
    (doc_id, site_shares) of the documents that have a site."""
    source = (F.col(settings.source_column).cast("string") if settings.source_column in todo.columns
              else F.lit(None).cast("string"))
    documents = todo.select("doc_id", "text", source.alias("source"))
    if settings.backend == "replay":   # the replay backend reads each document's recorded program
        documents = documents.join(recorded_programs(todo.sparkSession, settings, run), "doc_id", "left")
    if shares is None:
        documents = documents.withColumn(SITE_SHARES, F.lit(None).cast(SHARES_TYPE))
    else:
        documents = documents.join(shares, "doc_id", "left")
    refine = refine_udf(settings)
    return write_in_slices(documents, planned, settings.slice_docs, settings.tasks_per_slice,
                           lambda part: audit_rows(part.mapInPandas(refine, DOCUMENT_FIELDS), run), edits, run,
                           stage="refine", planned_bytes=planned_chars, task_bytes=settings.task_text_bytes)


def recorded_programs(spark: SparkSession, settings: RefineSettings, run: Run) -> DataFrame:
    """(doc_id, recorded_program) that ``refine.replay.table`` recorded for ``refine.replay.run_id``;
    ValueError if the table is missing, lacks a column, or has no rows (or two) for a doc_id."""
    table = TableRef.resolve(settings.replay.table, run.settings.tables)
    if not table.exists(spark):
        raise ValueError(f"refine.replay.table: no Delta table at {table}")
    rows = table.read(spark)
    missing = {"run_id", "doc_id", "program"} - set(rows.columns)
    if missing:
        raise ValueError(f"refine.replay.table {table} lacks column(s) {sorted(missing)}")
    recorded = rows.where(F.col("run_id") == settings.replay.run_id).select(
        "doc_id", F.col("program").cast("string").alias(RECORDED_PROGRAM))
    count = recorded.agg(F.count("*").alias("rows"), F.countDistinct("doc_id").alias("ids")).first()
    if count.rows == 0:
        raise ValueError(f"refine.replay.table {table} has no rows for run_id '{settings.replay.run_id}'")
    if count.rows != count.ids:
        raise ValueError(f"refine.replay.table {table} has {count.rows} rows for run_id "
                         f"'{settings.replay.run_id}' but {count.ids} distinct doc_ids: one program per document")
    return recorded


def count_unique_documents(corpus: DataFrame, table: TableRef) -> tuple[int, int]:
    """How many documents and characters of text the input has; ValueError if a doc_id occurs
    twice (or is null)."""
    row = corpus.agg(F.count("*").alias("rows"), F.countDistinct("doc_id").alias("ids"), text_chars()).first()
    if row.rows != row.ids:
        raise ValueError(f"{table} has {row.rows} rows but {row.ids} distinct non-null doc_ids: "
                         "a corpus needs unique doc_ids (lakerefine ingest ensures it)")
    return row.rows, row.chars


def text_chars() -> Column:
    return F.coalesce(F.sum(F.length("text")), F.lit(0)).alias("chars")


def document_count_and_chars(docs: DataFrame) -> tuple[int, int]:
    row = docs.agg(F.count("*").alias("rows"), text_chars()).first()
    return row.rows, row.chars


def check_every_document_audited(totals: RunTotals, input_docs: int, run_id: str) -> None:
    """Audit rows are unique per (run_id, doc_id) and only made for input doc_ids (or deleted
    ones), so equal counts mean every input document has its row."""
    if totals.docs_in != input_docs:
        raise RuntimeError(f"run {run_id} audited {totals.docs_in} of {input_docs} input documents; "
                           "rerun with the same --run-id to finish them")


def refine_result(spark: SparkSession, settings: RefineSettings, tables: RefineTables, run: Run, mode: str,
                  slices: int, compacted: dict[str, int] | None = None) -> RunResult:
    """What the run's audit rows say, and where everything is."""
    with run.timed("summary"):
        totals = run_totals(spark, tables.edits, run.run_id)
        output_version = tables.output.commit_version_of(spark, run.run_id)
        headline = (f"{mode} run, {totals.docs_in} documents in, {totals.docs_out(settings.drop_emptied)} out; "
                    f"{totals.chars_removed:,} of {totals.chars_in:,} characters removed "
                    f"({share(totals.chars_removed, totals.chars_in)})")
        return RunResult(
            headline, details=status_lines(totals),
            tables={"input": f"{tables.input} (version {run.input_version})",
                    "refine_edits": f"{tables.edits} (run_id = '{run.run_id}')",
                    "refined": f"{tables.output} (version {output_version})", "runs": str(tables.runs)},
            output_table=str(tables.output), output_version=output_version,
            other_outputs={str(tables.edits): tables.edits.version(spark)},
            counts={**totals.as_counts(), "slices": slices, **(compacted or {})},
            metrics=model_metrics(settings))


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"
