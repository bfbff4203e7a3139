"""The expert run: corpus (at one version) -> a stratified sample -> expert_pairs, slice by slice.

Resumable like the refine run: each slice's rows are one idempotent Delta append
(lake/slices.py); a rerun with the same run id pins the input version of the first
attempt, draws the same sample and sends only the documents that have no row yet.
Expert answers cost money, so no document is asked twice in a run.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import SparkSession

from lakerefine.conf.settings import ExpertSettings
from lakerefine.schemas.corpus import check_corpus_schema
from lakerefine.schemas.expert_pairs import EXPERT_PAIRS_SCHEMA, PAIR_FIELDS, PARTITION_BY
from lakerefine.udfs.expert.backends import COLUMN_EXPERTS
from lakerefine.udfs.expert.sampling import stratified_sample
from lakerefine.udfs.expert.udf import expert_udf
from lakerefine.udfs.generate.prompts import load_prompt
from lakerefine.udfs.lake.runs import Run, RunResult, by_key
from lakerefine.udfs.lake.slices import write_in_slices
from lakerefine.udfs.lake.tables import TableRef, count_by, with_constants
from lakerefine.udfs.lake.versions import pin_input_version, recorded_input


@dataclass(frozen=True)
class ExpertTables:
    input: TableRef
    output: TableRef


def run_expert(spark: SparkSession, settings: ExpertSettings, tables: ExpertTables, input_version: int | None,
               run: Run) -> RunResult:
    template = None if settings.backend in COLUMN_EXPERTS else load_prompt(settings.prompt)
    with run.timed("prepare"):
        tables.output.create_if_missing(spark, EXPERT_PAIRS_SCHEMA, partition_by=PARTITION_BY)
        version = pin_input_version(spark, tables.input, input_version,
                                    recorded_input(spark, tables.output, run.run_id), run.run_id)
        run.read_input(tables.input, version)
        corpus = tables.input.read(spark, version)
        check_corpus_schema(corpus.schema)
    with run.timed("sample"):
        sample = stratified_sample(corpus, settings)
        sampled = sample.count()
    done = tables.output.run_rows(spark, run.run_id).select("doc_id")
    constants = {"run_id": run.run_id, "input_table": run.input_table, "input_version": version}
    ask = expert_udf(settings, template)
    with run.timed("expert"):
        slices = write_in_slices(sample.join(done, "doc_id", "left_anti"), sampled, settings.slice_docs,
                                 settings.tasks_per_slice,
                                 lambda part: with_constants(part.mapInPandas(ask, PAIR_FIELDS), EXPERT_PAIRS_SCHEMA,
                                                             constants),
                                 tables.output, run, stage="expert")
    with run.timed("check"):
        rows = tables.output.run_rows(spark, run.run_id)
        missing = sample.join(rows, "doc_id", "left_anti").count()
        if missing:
            raise RuntimeError(f"{missing} sampled documents have no expert_pairs row for run {run.run_id}; "
                               "rerun with the same --run-id to finish them")
        by_status, by_reason = count_by(rows, "status"), count_by(rows, "reason")
    output_version = tables.output.commit_version_of(spark, run.run_id)
    statuses = ", ".join(f"{s} {n}" for s, n in sorted(by_status.items()))
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(by_reason.items())) or "none"
    return RunResult(
        f"sampled {sampled} documents of {tables.input} (version {version}) with the {settings.backend} expert",
        details=[statuses, f"reasons: {reasons}"],
        tables={"expert_pairs": f"{tables.output} (run_id = '{run.run_id}', version {output_version})"},
        output_table=str(tables.output), output_version=output_version,
        counts={"sampled": sampled, "slices": slices, **by_key("status", by_status), **by_key("reason", by_reason)})

