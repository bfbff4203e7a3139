"""A Delta table named by a path or a catalog name, and the few operations jobs need.

Every write goes through Delta's API and carries run metadata in the commit
(``userMetadata``), so ``DESCRIBE HISTORY`` tells which run wrote which version.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from delta.exceptions.captured import (  # importing it makes PySpark raise these for Delta's conflicts
    ConcurrentAppendException,
    ConcurrentDeleteDeleteException,
    ConcurrentDeleteReadException,
    ConcurrentTransactionException,
    ConcurrentWriteException,
    DeltaConcurrentModificationException,
    MetadataChangedException,
    ProtocolChangedException,
)
from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from lakerefine.conf.identifiers import check_table_name, is_path
from lakerefine.conf.settings import TableSettings

USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata"
HISTORY_WINDOW = 8   # commits read at first when looking for a run's commit
SCRATCH_DIR = "_lakerefine_scratch"
COMMIT_CONFLICTS = (DeltaConcurrentModificationException, ConcurrentWriteException, MetadataChangedException,
                    ProtocolChangedException, ConcurrentAppendException, ConcurrentDeleteReadException,
                    ConcurrentDeleteDeleteException, ConcurrentTransactionException)


class CommitConflict(RuntimeError):
    """Another writer committed to the table while this run was writing it; this run committed nothing."""


@dataclass(frozen=True)
class TableRef:
    """``path`` for a storage location, else ``name`` for a catalog table."""

    name: str
    path: str | None

    @classmethod
    def resolve(cls, table: str, settings: TableSettings) -> TableRef:
        check_table_name(table)
        if is_path(table):
            return cls(name=table, path=_absolute(table))
        if settings.base_path:
            return cls(name=table, path=_absolute(str(Path(settings.base_path) / table.replace(".", "/"))))
        return cls(name=table, path=None)

    @property
    def sql(self) -> str:
        """How to name this table in Spark SQL (safe: names and paths are validated)."""
        return f"delta.`{self.path}`" if self.path else self.name

    def __str__(self) -> str:
        return self.path or self.name

    def exists(self, spark: SparkSession) -> bool:
        if self.path:
            return DeltaTable.isDeltaTable(spark, self.path)
        return spark.catalog.tableExists(self.name)

    def delta(self, spark: SparkSession) -> DeltaTable:
        return DeltaTable.forPath(spark, self.path) if self.path else DeltaTable.forName(spark, self.name)

    def read(self, spark: SparkSession, version: int | None = None) -> DataFrame:
        reader = spark.read.format("delta")
        if version is not None:
            reader = reader.option("versionAsOf", version)
        return reader.load(self.path) if self.path else reader.table(self.name)

    def run_rows(self, spark: SparkSession, run_id: str) -> DataFrame:
        """One run's rows of a table with a run_id column (partition-pruned where partitioned by it)."""
        return self.read(spark).where(F.col("run_id") == F.lit(run_id))

    def version(self, spark: SparkSession) -> int | None:
        if not self.exists(spark):
            return None
        return self.delta(spark).history(1).select("version").first()[0]

    def create_if_missing(self, spark: SparkSession, schema: StructType,
                          partition_by: list[str] | None = None) -> None:
        builder = DeltaTable.createIfNotExists(spark).addColumns(schema)
        builder = builder.location(self.path) if self.path else builder.tableName(self.name)
        if partition_by:
            builder = builder.partitionedBy(*partition_by)
        builder.execute()

    def scratch(self, label: str) -> TableRef:
        """A table for a run's intermediate rows, kept beside this one: for a path table
        ``<parent>/_lakerefine_scratch/<table>/<label>``, for a catalog table
        ``<name>__scratch_<label>`` in its schema (``label`` reduced to letters, digits and _)."""
        safe = re.sub(r"[^A-Za-z0-9_]", "_", label)
        if self.path:
            parent, base = self.path.rstrip("/").rsplit("/", 1)
            path = f"{parent}/{SCRATCH_DIR}/{base}/{safe}"
            return TableRef(name=path, path=path)
        return TableRef(name=f"{self.name}__scratch_{safe}", path=None)

    def drop(self, spark: SparkSession) -> None:
        """Remove the table and its files (a catalog table: DROP TABLE)."""
        if not self.path:
            spark.sql(f"DROP TABLE IF EXISTS {self.name}")
            return
        jvm = spark.sparkContext._jvm
        root = jvm.org.apache.hadoop.fs.Path(self.path)
        root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(root, True)

    def write(self, df: DataFrame, mode: str, metadata: dict[str, Any] | None = None,
              partition_by: list[str] | None = None, **options: str) -> None:
        writer = df.write.format("delta").mode(mode)
        if partition_by:
            writer = writer.partitionBy(*partition_by)
        if metadata:
            writer = writer.option("userMetadata", commit_metadata(metadata))
        for key, value in options.items():
            writer = writer.option(key, value)
        if self.path:
            writer.save(self.path)
        else:
            writer.saveAsTable(self.name)

    def append_once(self, df: DataFrame, app_id: str, step: int, metadata: dict[str, Any]) -> None:
        """Append ``df`` as step ``step`` of ``app_id``, unless that step (or a later one) is
        already committed: Delta's idempotent writes (``txnAppId``/``txnVersion``). A rerun skips
        the step without computing ``df``; concurrent writers of one step conflict, one fails."""
        self.write(df, "append", metadata=metadata, txnAppId=app_id, txnVersion=str(step))

    def insert_new(self, rows: DataFrame, keys: tuple[str, ...], metadata: dict[str, Any],
                   pinned: dict[str, str] | None = None) -> None:
        """Insert the rows whose ``keys`` are not in the table yet: one insert-only MERGE commit.
        ``pinned`` (column -> value) narrows the target to the rows that can match, e.g. one
        run's partition."""
        spark = rows.sparkSession
        match = F.lit(True)
        for column, value in (pinned or {}).items():
            match = match & (F.col(f"t.{column}") == F.lit(value))
        for key in keys:
            match = match & (F.col(f"t.{key}") == F.col(f"s.{key}"))
        with commit_metadata_for(spark, metadata):
            self.delta(spark).alias("t").merge(rows.alias("s"), match).whenNotMatchedInsertAll().execute()

    def compact(self, spark: SparkSession, where: str | None = None) -> tuple[int, int]:
        """Rewrite the table's small files (those matching ``where``, a predicate on partition
        columns) into few large ones: Delta's OPTIMIZE, one commit, the rows unchanged. Returns
        (files removed, files added); (0, 0) when there was nothing to compact."""
        builder = self.delta(spark).optimize()
        if where:
            builder = builder.where(where)
        metrics = builder.executeCompaction().select("metrics.numFilesRemoved", "metrics.numFilesAdded").first()
        return (int(metrics[0]), int(metrics[1])) if metrics else (0, 0)

    def commit_version_of(self, spark: SparkSession, run_id: str) -> int | None:
        """The newest version whose commit metadata names ``run_id``."""
        return next((version for version, named in self._run_commits(spark) if named == run_id), None)

    def newest_commit_run_id(self, spark: SparkSession) -> str | None:
        """The run named by the newest commit that names one (None: no such commit)."""
        return next((named for _, named in self._run_commits(spark) if named is not None), None)

    def _run_commits(self, spark: SparkSession) -> Iterator[tuple[int, str | None]]:
        """(version, run id in its commit metadata or None), newest first. History is read in growing
        windows, so finding a recent commit reads a few commit files, not the table's whole history."""
        if not self.exists(spark):
            return
        table, window, seen = self.delta(spark), HISTORY_WINDOW, set()
        while True:
            rows = table.history(window).select("version", "userMetadata").collect()
            for row in sorted(rows, key=lambda r: r.version, reverse=True):
                if row.version not in seen:
                    seen.add(row.version)
                    yield row.version, _metadata_run_id(row.userMetadata)
            if len(rows) < window:
                return
            window *= 8


@contextmanager
def conflicts_named(table: TableRef, run_id: str) -> Iterator[None]:
    """Delta's commit conflicts inside the block as a CommitConflict that says what happened:
    Delta's optimistic concurrency let the other writer commit and rejected this run's commit whole."""
    try:
        yield
    except COMMIT_CONFLICTS as err:
        raise CommitConflict(
            f"{table} was changed by another writer while run {run_id} was writing it: nothing of run "
            f"{run_id} was committed to it ({type(err).__name__}: {str(err).splitlines()[0][:300]}). "
            f"Rerun with --run-id {run_id} once the other writer is done.") from err


def count_by(rows: DataFrame, column: str) -> dict[str, int]:
    """How many rows have each non-null value of ``column``."""
    return {r[column]: int(r["count"]) for r in rows.where(F.col(column).isNotNull()).groupBy(column).count().collect()}


def with_constants(rows: DataFrame, schema: StructType, constants: dict[str, Any]) -> DataFrame:
    """``rows`` in ``schema``'s column order, each column named in ``constants`` set to that one
    value (cast to the schema's type): the run's own columns of an output table."""
    return rows.select(*(F.lit(constants[f.name]).cast(f.dataType).alias(f.name) if f.name in constants
                         else F.col(f.name) for f in schema.fields))


def commit_metadata(metadata: dict[str, Any]) -> str:
    return json.dumps(metadata, sort_keys=True, default=str)


@contextmanager
def commit_metadata_for(spark: SparkSession, metadata: dict[str, Any]) -> Iterator[None]:
    """Attach ``metadata`` to Delta commits made inside the block (MERGE, DELETE, UPDATE)."""
    previous = spark.conf.get(USER_METADATA_CONF, None)
    spark.conf.set(USER_METADATA_CONF, commit_metadata(metadata))
    try:
        yield
    finally:
        if previous is None:
            spark.conf.unset(USER_METADATA_CONF)
        else:
            spark.conf.set(USER_METADATA_CONF, previous)


def _metadata_run_id(user_metadata: str | None) -> str | None:
    try:
        return json.loads(user_metadata).get("run_id")
    except (TypeError, ValueError, AttributeError):
        return None


def _absolute(path: str) -> str:
    if "://" in path or path.startswith("dbfs:"):
        return path
    return str(Path(path).resolve())
