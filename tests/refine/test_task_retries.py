"""Spark task retries inside a refine run: a Python worker killed mid-task, or a task that
raises once, is retried (``local[2,3]``) and the run ends as a clean run does, with one audit
row per document."""
from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from lakerefine.udfs.refine import run as refine_run
from tests.support.corpus import sample_docs, write_corpus
from tests.support.faults import faults_met, faulty

COMPARED = ("status", "program", "spans", "chars_in", "chars_out", "raw_sha256", "calls_accepted", "error")


def audit(spark, path: str, run_id: str) -> dict[str, dict]:
    rows = spark.read.format("delta").load(path).where(F.col("run_id") == run_id).collect()
    by_id = {r.doc_id: {k: r.asDict(recursive=True)[k] for k in COMPARED} for r in rows}
    assert len(by_id) == len(rows), f"run {run_id}: a doc_id is audited twice"
    return by_id


def texts(spark, path: str) -> dict[str, str]:
    return {r.doc_id: r.text for r in spark.read.format("delta").load(path).collect()}


@pytest.mark.parametrize("how", ["kill_worker", "raise"])
def test_a_failed_task_is_retried_and_the_run_equals_a_clean_one(spark, cli, table_path, tmp_path, how,
                                                                monkeypatch):
    docs = sample_docs(24)
    write_corpus(spark, table_path("corpus"), docs)
    slices = ["--set", "refine.slice_docs=8"]   # 3 slices, 4 tasks each
    assert cli("refine", "--run-id", "clean", "--output", "refined_clean", *slices)[0] == 0

    marker = tmp_path / "fault.marker"
    real_udf = refine_run.refine_udf
    monkeypatch.setattr(refine_run, "refine_udf", lambda settings: faulty(real_udf(settings), marker, how))
    code, out = cli("refine", "--run-id", "faulty", *slices)
    assert code == 0, out
    [met] = faults_met(marker)
    assert met.startswith(how), "no task met the fault"

    faulty_audit, clean_audit = audit(spark, table_path("refine_edits"), "faulty"), \
        audit(spark, table_path("refine_edits"), "clean")
    assert len(faulty_audit) == len(docs) and faulty_audit == clean_audit
    assert texts(spark, table_path("refined")) == texts(spark, table_path("refined_clean"))
    [run] = spark.read.format("delta").load(table_path("runs")).where("run_id = 'faulty'").collect()
    assert run.status == "succeeded" and run.attempt == 1 and run.counts["docs_in"] == len(docs)


def test_a_task_failing_every_attempt_fails_the_run_with_the_cause(spark, cli, table_path, tmp_path, monkeypatch):
    write_corpus(spark, table_path("corpus"), sample_docs(6))
    real_udf = refine_run.refine_udf
    marker = tmp_path / "fault.marker"
    monkeypatch.setattr(refine_run, "refine_udf", lambda settings: faulty(real_udf(settings), marker, "raise", 20))
    with pytest.raises(Exception, match="InjectedFault"):
        cli("refine", "--run-id", "doomed")
    assert len(faults_met(marker)) >= 3     # local[2,3]: the task had its 3 attempts
    edits = table_path("refine_edits")
    assert spark.read.format("delta").load(edits).where("run_id = 'doomed'").count() == 0
    [run] = spark.read.format("delta").load(table_path("runs")).where("run_id = 'doomed'").collect()
    assert run.status == "failed" and "InjectedFault" in run.error
