"""The refine run: corpus (at one version) -> refine_edits, slice by slice -> refined.

Resumable: the documents of a run are refined in slices (``pmod(xxhash64(doc_id),
n)``), each slice's audit rows one idempotent Delta append; a rerun with the same
run id reads the input at the version the first attempt pinned, skips the slices
and doc_ids already audited for the run, and then publishes. A run that already
published only reports.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import RefineSettings
from lakerefine.schemas.corpus import check_corpus_schema
from lakerefine.schemas.refine_edits import DOCUMENT_FIELDS
from lakerefine.udfs.lake.input_version import pin_input_version
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef

from . import incremental as inc
from .audit import append_slice, ensure_edits_table, merge_audit, recorded_run, run_rows, with_run_columns
from .publish import publish_full, publish_incremental, refined_rows
from .refine_udf import refine_batches_fn
from .statuses import DELETED
from .summary import RunTotals, run_totals


class SimulatedKill(RuntimeError):
    """Raised by ``refine.fail_after_slices`` (tests of resumption)."""


@dataclass(frozen=True)
class RefineTables:
    input: TableRef
    output: TableRef
    edits: TableRef


@dataclass
class RefineResult:
    mode: str               # full | incremental | already published
    input_version: int
    slices: int = 0         # slices refined by this attempt
    already_published: bool = False
    totals: RunTotals | None = None


def refine_corpus(spark: SparkSession, settings: RefineSettings, tables: RefineTables,
                  input_version: int | None, incremental: bool, run: Run) -> RefineResult:
    with run.timed("prepare"):
        ensure_edits_table(spark, tables.edits)
        recorded = recorded_run(spark, tables.edits, run.run_id)
        version = pin_input_version(spark, tables.input, input_version,
                                    (recorded.input_table, recorded.input_version) if recorded else None,
                                    run.run_id)
        run.input_table, run.input_version, run.output_table = str(tables.input), version, str(tables.output)
        if recorded and tables.output.commit_version_of(spark, run.run_id) is not None:
            return RefineResult("already published", version, already_published=True)
        if recorded and recorded.incremental and not incremental:
            raise ValueError(f"run {run.run_id} was started with --incremental: resume it with --incremental")
        previous = inc.previous_run(spark, tables.output) if incremental else None
        corpus = tables.input.read(spark, version)
        check_corpus_schema(corpus.schema)
        input_docs = count_unique_documents(corpus, tables.input)
    result = RefineResult("incremental" if previous else "full", version)
    todo, todo_docs, deleted_ids = corpus, input_docs, None
    if previous:
        with run.timed("diff"):
            todo, deleted_ids = plan_incremental(corpus, previous, tables, run, settings.backend)
            todo_docs = todo.count()
    with run.timed("refine"):
        remaining = todo
        if recorded:  # a resumed run: leave out what earlier attempts audited
            remaining = todo.join(run_rows(spark, tables.edits, run.run_id).select("doc_id"), "doc_id", "left_anti")
        result.slices = refine_in_slices(remaining, todo_docs, settings, tables.edits, run)
    with run.timed("check"):
        result.totals = run_totals(spark, tables.edits, run.run_id)
        check_every_document_audited(result.totals, input_docs, run.run_id)
    with run.timed("publish"):
        rows = refined_rows(todo, run_rows(spark, tables.edits, run.run_id), run.run_id)
        if previous:
            publish_incremental(rows, deleted_ids, tables.output, run, settings.drop_emptied)
        else:
            publish_full(rows, tables.output, run, settings.drop_emptied)
    return result


def plan_incremental(corpus: DataFrame, previous: inc.PreviousRun, tables: RefineTables, run: Run,
                     backend: str) -> tuple[DataFrame, DataFrame]:
    """Audit the carried and deleted documents; return (documents to refine, deleted doc_ids)."""
    spark = corpus.sparkSession
    if previous.source_table != str(tables.input):
        raise ValueError(f"incremental: {tables.output} was refined from {previous.source_table}, "
                         f"not {tables.input}; run a full refine")
    changes = inc.classify(corpus, run_rows(spark, tables.edits, previous.run_id))
    others = inc.carried_and_deleted(changes, corpus, backend)
    merge_audit(with_run_columns(others, run.run_id, run.input_table, run.input_version), tables.edits, run,
                stage="carried_and_deleted")
    changed = changes.where(F.col("change").isin(inc.NEW, inc.CHANGED)).select("doc_id")
    deleted_ids = run_rows(spark, tables.edits, run.run_id).where(F.col("status") == DELETED).select("doc_id")
    return corpus.join(changed, "doc_id", "left_semi"), deleted_ids


def refine_in_slices(todo: DataFrame, todo_docs: int, settings: RefineSettings, edits: TableRef,
                     run: Run) -> int:
    """Refine ``todo`` (at most ``todo_docs`` documents) slice by slice, committing each slice's
    audit rows; return the slice count. The count of a resumed run's first attempt is used, so
    slices are the same in every attempt (finished ones are empty)."""
    stop_after(settings, 0)
    if todo_docs == 0:
        return 0
    slices = math.ceil(todo_docs / settings.slice_docs)
    tasks = settings.tasks_per_slice or 2 * todo.sparkSession.sparkContext.defaultParallelism
    source = (F.col(settings.source_column).cast("string") if settings.source_column in todo.columns
              else F.lit(None).cast("string"))
    documents = todo.select("doc_id", "text", source.alias("source"))
    refine = refine_batches_fn(settings)
    for k in range(slices):
        part = documents.where(F.pmod(F.xxhash64("doc_id"), F.lit(slices)) == k) if slices > 1 else documents
        fields = part.repartition(tasks, "doc_id").mapInPandas(refine, DOCUMENT_FIELDS)
        append_slice(with_run_columns(fields, run.run_id, run.input_table, run.input_version), edits, run,
                     slice=k, slices=slices)
        stop_after(settings, k + 1)
    return slices


def stop_after(settings: RefineSettings, committed: int) -> None:
    if settings.fail_after_slices is not None and committed == settings.fail_after_slices:
        raise SimulatedKill(f"refine.fail_after_slices={committed}: stopping as if killed")


def count_unique_documents(corpus: DataFrame, table: TableRef) -> int:
    """How many documents the input has; ValueError if a doc_id occurs twice (or is null)."""
    row = corpus.agg(F.count("*").alias("rows"), F.countDistinct("doc_id").alias("ids")).first()
    if row.rows != row.ids:
        raise ValueError(f"{table} has {row.rows} rows but {row.ids} distinct non-null doc_ids: "
                         "a corpus needs unique doc_ids (lakerefine ingest ensures it)")
    return row.rows


def check_every_document_audited(totals: RunTotals, input_docs: int, run_id: str) -> None:
    """Audit rows are unique per (run_id, doc_id) and only made for input doc_ids (or deleted
    ones), so equal counts mean every input document has its row."""
    if totals.docs_in != input_docs:
        raise RuntimeError(f"run {run_id} audited {totals.docs_in} of {input_docs} input documents; "
                           "rerun with the same --run-id to finish them")
