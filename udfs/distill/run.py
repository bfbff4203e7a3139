"""The distill run: one expert run's accepted pairs -> refiner_sft (one commit).

The rows are committed with one insert-only MERGE on (run_id, sample_id), so a rerun with
the same run id adds nothing twice; it reads the expert_pairs version the first attempt read.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import Settings
from lakerefine.schemas.refiner_sft import PARTITION_BY, REFINER_SFT_SCHEMA, SAMPLE_FIELDS
from lakerefine.schemas.vocab import ACCEPTED
from lakerefine.udfs.distill.chunk_pairs import RenderSpec
from lakerefine.udfs.distill.udf import distill_udf
from lakerefine.udfs.lake.runs import Run, RunResult, by_key
from lakerefine.udfs.lake.tables import TableRef, count_by, with_constants
from lakerefine.udfs.lake.versions import latest_run_id, pin_input_version, recorded_input
from lakerefine.udfs.program.distiller import DistillConfig


@dataclass(frozen=True)
class DistillTables:
    input: TableRef    # expert_pairs
    output: TableRef   # refiner_sft


def render_spec(settings: Settings) -> RenderSpec:
    """How the refine job will render documents for the refiner (``distill.render_as`` names its
    engine: the program budget is that engine's max_new_tokens), and the distiller's rules."""
    refine, distill_settings = settings.refine, settings.distill
    return RenderSpec(
        tokenizer_path=distill_settings.tokenizer_path or settings.train_refiner.base_model,
        render_as=distill_settings.render_as,
        prompt=refine.prompt,
        chunk_tokens=refine.chunk_tokens,
        max_line_chars=refine.max_line_chars,
        max_program_tokens=getattr(refine, distill_settings.render_as).max_new_tokens,
        rules=DistillConfig(max_rewrite_chars=distill_settings.max_rewrite_chars,
                            min_deleted_chars=distill_settings.min_deleted_chars,
                            min_expressed_fraction=distill_settings.min_expressed_fraction,
                            allow_empty_expert=distill_settings.allow_empty_expert,
                            max_line_chars=refine.max_line_chars))


def run_distill(spark: SparkSession, settings: Settings, tables: DistillTables, expert_run_id: str | None,
                run: Run) -> RunResult:
    spec = render_spec(settings)
    with run.timed("prepare"):
        tables.output.create_if_missing(spark, REFINER_SFT_SCHEMA, partition_by=PARTITION_BY)
        version = pin_input_version(spark, tables.input, None, recorded_input(spark, tables.output, run.run_id),
                                    run.run_id, hint=": run `lakerefine expert` first")
        run.read_input(tables.input, version)
        pairs = tables.input.read(spark, version)
        expert_run_id = expert_run_id or latest_run_id(pairs, "created_at", str(tables.input),
                                                       hint=": run `lakerefine expert` first")
        of_run = pairs.where(F.col("run_id") == F.lit(expert_run_id))
        accepted = of_run.where(F.col("status") == ACCEPTED)
        by_expert_status = count_by(of_run, "status")
        expert_rows, expert_accepted = sum(by_expert_status.values()), by_expert_status.get(ACCEPTED, 0)
        if expert_rows == 0:
            raise ValueError(f"{tables.input} (version {version}) has no rows of expert run {expert_run_id!r}")
    with run.timed("distill"):
        tasks = 2 * spark.sparkContext.defaultParallelism
        fields = accepted.select("doc_id", "raw", "expert").repartition(tasks, "doc_id").mapInPandas(
            distill_udf(spec), SAMPLE_FIELDS)
        constants = {"run_id": run.run_id, "expert_run_id": expert_run_id, "input_table": str(tables.input),
                     "input_version": version, "tokenizer": spec.tokenizer_path, "render_as": spec.render_as,
                     "prompt_name": spec.prompt, "chunk_tokens": spec.chunk_tokens,
                     "max_line_chars": spec.max_line_chars}
        tables.output.insert_new(with_constants(fields, REFINER_SFT_SCHEMA, constants), keys=("run_id", "sample_id"),
                                 pinned={"run_id": run.run_id}, metadata=run.commit_metadata(stage="distill"))
    with run.timed("check"):
        rows = tables.output.run_rows(spark, run.run_id)
        missing = accepted.select("doc_id").join(rows, "doc_id", "left_anti").count()
        if missing:
            raise RuntimeError(f"{missing} accepted expert pairs have no refiner_sft row for run {run.run_id}")
        by_status, by_reason = count_by(rows, "status"), count_by(rows, "reason")
        docs_ok = rows.where(F.col("status") == ACCEPTED).select("doc_id").distinct().count()
    output_version = tables.output.commit_version_of(spark, run.run_id)
    samples = sum(by_status.values())
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(by_reason.items())) or "none"
    return RunResult(
        f"expert run {expert_run_id}: {expert_rows} pairs, {expert_accepted} accepted by the expert stage "
        "and distilled",
        details=[f"{samples} chunk samples: {by_status.get(ACCEPTED, 0)} accepted ({docs_ok} documents), "
                 f"{by_status.get('rejected', 0)} rejected (reasons: {reasons})"],
        tables={"refiner_sft": f"{tables.output} (run_id = '{run.run_id}', version {output_version})"},
        output_table=str(tables.output), output_version=output_version,
        counts={"expert_rows": expert_rows, "expert_accepted": expert_accepted,
                "expert_not_accepted": expert_rows - expert_accepted, "samples": samples,
                "docs_with_accepted_samples": docs_ok, **by_key("status", by_status), **by_key("reason", by_reason)},
        metrics={"expert_run_id": expert_run_id})
