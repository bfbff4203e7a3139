"""Work committed slice by slice, each slice one idempotent Delta append.

A run's documents are cut into ``ceil(planned / slice_docs)`` slices by
``pmod(xxhash64(key), slices)``; slice k's rows are appended with Delta's transaction
id (``txnAppId`` names the run, the stage and the slice count, ``txnVersion`` is k), so
a committed slice is never written twice: an attempt that resumes with the same plan
skips it, and two attempts racing each other conflict instead of both appending. The
slice count comes from the documents planned when the run started, so every attempt of
the run cuts the same slices (the finished ones are then empty).
"""
from __future__ import annotations

import math
from collections.abc import Callable

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .runs import Run
from .tables import TableRef

SLICE = "_lakerefine_slice"


def after_slice(stage: str, committed: int) -> None:
    """Called at the start (``committed`` 0) and after each committed slice. A test hook: tests
    replace it to stop a run as if it were killed there."""


def write_in_slices(todo: DataFrame, planned: int, slice_docs: int, tasks: int | None,
                    rows: Callable[[DataFrame], DataFrame], table: TableRef, run: Run, stage: str,
                    key: str = "doc_id", planned_bytes: int = 0, task_bytes: int | None = None) -> int:
    """Append ``rows(part)`` to ``table`` for each slice of ``todo`` (``tasks`` Spark tasks per
    slice; None: as ``tasks_per_slice`` sizes them from ``planned_bytes`` of work); return the
    slice count."""
    after_slice(stage, 0)
    if planned == 0:
        return 0
    slices = math.ceil(planned / slice_docs)
    tasks = tasks or tasks_per_slice(planned_bytes, slices, todo.sparkSession.sparkContext.defaultParallelism,
                                     task_bytes)
    if slices == 1:
        append_slice(rows(todo.repartition(tasks, key)), table, run, stage, 0, 1)
        after_slice(stage, 1)
        return 1
    staged = stage_slices(todo, key, slices, tasks, table.scratch(f"{run.run_id}_{stage}"))
    for k in range(slices):
        part = staged.read(todo.sparkSession).where(F.col(SLICE) == k).drop(SLICE)
        append_slice(rows(part.repartition(tasks, key)), table, run, stage, k, slices)
        after_slice(stage, k + 1)
    staged.drop(todo.sparkSession)
    return slices


def stage_slices(todo: DataFrame, key: str, slices: int, tasks: int, scratch: TableRef) -> TableRef:
    """``todo`` written to ``scratch``, partitioned by its slice, in files of about a task's work
    each. What an earlier attempt left there is deleted first, even a table half deleted by a kill."""
    scratch.drop(todo.sparkSession)
    sliced = todo.withColumn(SLICE, F.pmod(F.xxhash64(key), F.lit(slices)))
    files = sliced.repartition(slices * tasks, SLICE, F.pmod(F.hash(key), F.lit(tasks)))
    scratch.write(files, "errorifexists", partition_by=[SLICE])
    return scratch


def tasks_per_slice(planned_bytes: int, slices: int, parallelism: int, task_bytes: int | None) -> int:
    """Enough tasks that each gets at most ``task_bytes`` of its slice's share of ``planned_bytes``
    (so a retried or straggling task costs a bounded amount), and never fewer than twice the
    parallelism (every core or GPU busy)."""
    busy = 2 * parallelism
    if not task_bytes or planned_bytes <= 0:
        return busy
    return max(busy, math.ceil(planned_bytes / slices / task_bytes))


def append_slice(rows: DataFrame, table: TableRef, run: Run, stage: str, k: int, slices: int) -> None:
    """Commit slice ``k`` of ``slices`` once per run and stage: the transaction id names the run,
    the stage and the slice plan, so a resumed attempt with the same plan skips committed slices."""
    table.append_once(rows, app_id=f"lakerefine:{run.run_id}:{stage}:{slices}", step=k,
                      metadata=run.commit_metadata(stage=stage, slice=k, slices=slices))
