"""Which version of its input table a run reads, the same in every attempt of the run."""
from __future__ import annotations

from pyspark.sql import SparkSession

from .tables import TableRef


def pin_input_version(spark: SparkSession, input_table: TableRef, requested: int | None,
                      recorded: tuple[str, int] | None, run_id: str, hint: str = "") -> int:
    """The (table, version) an earlier attempt of this run recorded, else ``requested``, else the
    latest version; ValueError when the input differs from the recorded one or does not exist
    (``hint`` says how to make it)."""
    if recorded:
        table, version = recorded
        if table != str(input_table) or requested not in (None, version):
            raise ValueError(f"run {run_id} already read {table} at version {version}; "
                             "resume it with the same input, or use a new --run-id")
        return version
    latest = input_table.version(spark)
    if latest is None:
        raise ValueError(f"input table {input_table} does not exist{hint}")
    if requested is not None and not 0 <= requested <= latest:
        raise ValueError(f"--input-version {requested}: {input_table} has versions 0..{latest}")
    return latest if requested is None else requested
