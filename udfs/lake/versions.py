"""Which version of its input a run reads, and which run of a table wrote last."""
from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .tables import TableRef


def pin_input_version(spark: SparkSession, table: TableRef, requested: int | None = None,
                      recorded: tuple[str, int] | None = None, run_id: str = "", hint: str = "") -> int:
    """The version a run reads, the same in every attempt: the (table, version) an earlier
    attempt recorded, else ``requested``, else the latest. ValueError when the input differs
    from the recorded one or does not exist (``hint`` says how to make it)."""
    if recorded:
        recorded_table, version = recorded
        if recorded_table != str(table) or requested not in (None, version):
            raise ValueError(f"run {run_id} already read {recorded_table} at version {version}; "
                             "resume it with the same input, or use a new --run-id")
        return version
    latest = table.version(spark)
    if latest is None:
        raise ValueError(f"input table {table} does not exist{hint}")
    if requested is not None and not 0 <= requested <= latest:
        raise ValueError(f"--input-version {requested}: {table} has versions 0..{latest}")
    return latest if requested is None else requested


def recorded_input(spark: SparkSession, table: TableRef, run_id: str) -> tuple[str, int] | None:
    """(input_table, input_version) that an earlier attempt of this run recorded in ``table``
    (any table with run_id, input_table and input_version columns), if any."""
    row = table.run_rows(spark, run_id).select("input_table", "input_version").first()
    return (row.input_table, row.input_version) if row else None


def latest_run_id(rows: DataFrame, written_at: str, table: str, hint: str = "") -> str:
    """The run whose rows were written last (by ``written_at``); ValueError when there is none."""
    row = rows.groupBy("run_id").agg(F.max(written_at).alias("at")).orderBy(F.desc("at")).first()
    if row is None:
        raise ValueError(f"{table} has no rows{hint}")
    return row.run_id
