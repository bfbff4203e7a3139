"""lakerefine report: find the run in ``runs``, draw its report data in Spark, write one HTML file."""
from __future__ import annotations

import json
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import Settings
from lakerefine.udfs.lake.runs import runs_table
from lakerefine.udfs.report.model import RunInfo
from lakerefine.udfs.report.render import render_refine, render_token_clean

REPORTED_JOBS = ("refine", "token-clean")


def run_row(spark: SparkSession, settings: Settings, run_id: str | None):
    """The newest attempt of ``run_id``, else the newest succeeded refine or token-clean run."""
    table = runs_table(settings)
    if not table.exists(spark):
        raise ValueError(f"no runs table at {table}: run refine or token-clean first")
    rows = table.read(spark).where(F.col("job").isin(*REPORTED_JOBS))
    if run_id is None:
        row = rows.where(F.col("status") == "succeeded").orderBy(F.desc("ended_at")).first()
        if row is None:
            raise ValueError(f"{table} has no succeeded refine or token-clean run")
        return row
    row = table.read(spark).where(F.col("run_id") == run_id).orderBy(F.desc("attempt")).first()
    if row is None:
        raise ValueError(f"no run {run_id!r} in {table}")
    if row.job not in REPORTED_JOBS:
        raise ValueError(f"run {run_id} is a {row.job} run: reports are made for {', '.join(REPORTED_JOBS)} runs")
    return row


def run_info(row) -> RunInfo:
    return RunInfo(run_id=row.run_id, job=row.job, status=row.status, attempt=row.attempt,
                   started_at=f"{row.started_at:%Y-%m-%d %H:%M:%S}", ended_at=f"{row.ended_at:%Y-%m-%d %H:%M:%S}",
                   input_table=row.input_table, input_version=row.input_version, output_table=row.output_table,
                   output_version=row.output_version, config_hash=row.config_hash, code_version=row.code_version,
                   counts=dict(row.counts or {}), error=row.error)


def build_report(spark: SparkSession, settings: Settings, run_id: str | None) -> tuple[RunInfo, str]:
    """The run reported on and its HTML. The run's recorded config names its tables."""
    row = run_row(spark, settings, run_id)
    run = run_info(row)
    recorded = Settings.model_validate(json.loads(row.config_json))
    if run.job == "refine":
        from lakerefine.udfs.report.refine_data import refine_report
        return run, render_refine(refine_report(spark, run, recorded))
    from lakerefine.udfs.report.token_data import recorded_metrics, token_report
    return run, render_token_clean(token_report(spark, run, recorded, recorded_metrics(row.metrics_json)))


def write_report(html: str, output: str | Path) -> Path:
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
