"""Slices: how many Spark tasks a slice gets follows the bytes of work planned."""
from __future__ import annotations

from delta.tables import DeltaTable

from lakerefine.udfs.lake.slices import tasks_per_slice
from tests.support.corpus import PROSE, write_corpus


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
