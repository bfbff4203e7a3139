"""The expert run: corpus (at one version) -> a stratified sample -> expert_pairs, slice by slice.

Resumable like the refine job: each slice's rows are one insert-only MERGE on
(run_id, doc_id); a rerun with the same run id pins the input version of the
first attempt, draws the same sample and sends only the documents that have no
row yet. Expert answers cost money, so no document is asked twice in a run.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import ExpertSettings
from lakerefine.schemas.corpus import check_corpus_schema
from lakerefine.schemas.expert_pairs import EXPERT_PAIRS_SCHEMA, PAIR_FIELDS, PARTITION_BY
from lakerefine.udfs.lake.input_version import pin_input_version
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.refine.audit import merge_audit, recorded_input, run_rows
from lakerefine.udfs.refine.prompts import load_prompt

from .expert_udf import expert_batches_fn
from .sampling import stratified_sample

PAIR_COLUMNS = [f.name for f in EXPERT_PAIRS_SCHEMA.fields]


@dataclass(frozen=True)
class ExpertTables:
    input: TableRef
    output: TableRef


@dataclass
class ExpertResult:
    input_version: int
    sampled: int
    slices: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)


def expert_corpus(spark: SparkSession, settings: ExpertSettings, tables: ExpertTables,
                  input_version: int | None, run: Run) -> ExpertResult:
    template = load_prompt(settings.prompt)
    with run.timed("prepare"):
        tables.output.create_if_missing(spark, EXPERT_PAIRS_SCHEMA, partition_by=PARTITION_BY)
        version = pin_input_version(spark, tables.input, input_version,
                                    recorded_input(spark, tables.output, run.run_id), run.run_id)
        run.input_table, run.input_version, run.output_table = str(tables.input), version, str(tables.output)
        corpus = tables.input.read(spark, version)
        check_corpus_schema(corpus.schema)
    with run.timed("sample"):
        sample = stratified_sample(corpus, settings)
        sampled = sample.count()
    done = run_rows(spark, tables.output, run.run_id).select("doc_id")
    with run.timed("expert"):
        slices = ask_in_slices(sample.join(done, "doc_id", "left_anti"), settings, template,
                               tables.output, run, version)
    with run.timed("check"):
        rows = run_rows(spark, tables.output, run.run_id)
        missing = sample.join(rows, "doc_id", "left_anti").count()
        if missing:
            raise RuntimeError(f"{missing} sampled documents have no expert_pairs row for run {run.run_id}; "
                               "rerun with the same --run-id to finish them")
        by_status = {r.status: r["count"] for r in rows.groupBy("status").count().collect()}
        by_reason = {r.reason: r["count"] for r in rows.where(F.col("reason").isNotNull())
                     .groupBy("reason").count().collect()}
    return ExpertResult(version, sampled, slices, by_status, by_reason)


def ask_in_slices(todo: DataFrame, settings: ExpertSettings, template: str, output: TableRef,
                  run: Run, input_version: int) -> int:
    """Send ``todo`` to the expert slice by slice, committing each slice's rows; return the slice count."""
    spark = todo.sparkSession
    total = todo.count()
    if total == 0:
        return 0
    slices = math.ceil(total / settings.slice_docs)
    tasks = settings.tasks_per_slice or 2 * spark.sparkContext.defaultParallelism
    ask = expert_batches_fn(settings, template)
    for k in range(slices):
        part = todo.where(F.pmod(F.xxhash64("doc_id"), F.lit(slices)) == k) if slices > 1 else todo
        fields = part.repartition(tasks, "doc_id").mapInPandas(ask, PAIR_FIELDS)
        rows = (fields.withColumn("run_id", F.lit(run.run_id))
                .withColumn("input_table", F.lit(run.input_table))
                .withColumn("input_version", F.lit(input_version).cast("long"))
                .select(*PAIR_COLUMNS))
        merge_audit(rows, output, run, stage="expert", slice=k, slices=slices)
    return slices
