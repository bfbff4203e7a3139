"""Slices: how many Spark tasks a slice gets follows the bytes of work planned; slices are
staged once so that each reads only its own part."""
from __future__ import annotations

from pathlib import Path

from delta.tables import DeltaTable
from pyspark.sql import functions as F

from lakerefine.udfs.lake.slices import SLICE, tasks_per_slice
from lakerefine.udfs.lake.tables import TableRef
from tests.support.corpus import PROSE, sample_docs, write_corpus
from tests.support.kill import killed_after_slices


def test_tasks_follow_the_planned_bytes_but_keep_every_core_busy():
    assert tasks_per_slice(0, 1, parallelism=2, task_bytes=32_000_000) == 4
    assert tasks_per_slice(10_000_000, 1, parallelism=2, task_bytes=32_000_000) == 4
    assert tasks_per_slice(4_000_000_000, 1, parallelism=2, task_bytes=32_000_000) == 125
    assert tasks_per_slice(4_000_000_000, 5, parallelism=2, task_bytes=32_000_000) == 25
    assert tasks_per_slice(4_000_000_000, 1, parallelism=2, task_bytes=None) == 4


def test_refine_writes_one_audit_file_per_task_sized_from_the_input(spark, cli, table_path):
    docs = [(f"d{i}", f"{PROSE} {i}\n" * 20, "web") for i in range(60)]   # about 1,650 characters each
    write_corpus(spark, table_path("corpus"), docs)
    code, out = cli("refine", "--set", "refine.task_text_bytes=10000")
    assert code == 0, out
    appends = [row for row in DeltaTable.forPath(spark, table_path("refine_edits")).history().collect()
               if row.operation == "WRITE"]
    assert len(appends) == 1
    # ~99,000 characters in 10,000-character tasks: 10 tasks (not the fixed 4 of twice the
    # parallelism), each writing a file unless hashing left it no document.
    assert 5 <= int(appends[0].operationMetrics["numFiles"]) <= 10


def test_slices_are_staged_once_and_each_reads_only_its_own_partition(spark, cli, table_path):
    write_corpus(spark, table_path("corpus"), sample_docs(18))
    argv = ["refine", "--run-id", "staged", "--set", "refine.backend=rules", "--set", "refine.slice_docs=6"]
    with killed_after_slices(1):   # 3 slices; stopped with the staged table still there
        cli(*argv)
    scratch = TableRef(name="refine_edits", path=table_path("refine_edits")).scratch("staged_refine")
    staged = spark.read.format("delta").load(scratch.path)
    assert staged.count() == 18 and staged.select(SLICE).distinct().count() == 3
    for k in range(3):
        plan = staged.where(F.col(SLICE) == k)._jdf.queryExecution().executedPlan().toString()
        assert f"PartitionFilters: [isnotnull({SLICE}" in plan and f"({SLICE}" in plan and f"= {k})" in plan, plan

    code, out = cli(*argv)   # the resumed attempt stages what is left, then drops the scratch table
    assert code == 0, out
    assert not Path(scratch.path).exists()
    assert spark.read.format("delta").load(table_path("refine_edits")).where("run_id = 'staged'").count() == 18


def test_a_scratch_table_sits_beside_its_table():
    assert TableRef("x", "/lake/db/refine_edits").scratch("run-1_refine").path == \
        "/lake/db/_lakerefine_scratch/refine_edits/run_1_refine"
    assert TableRef("main.lake.refine_edits", None).scratch("run-1_refine").name == \
        "main.lake.refine_edits__scratch_run_1_refine"
