"""Run bookkeeping: a run's identity while it works, the result it returns, and its ``runs`` row.

A job gets a ``Run`` (id, attempt, what it read, how long each stage took, the metadata its
Delta commits carry) and returns a ``RunResult`` (what it wrote, its counts and metrics, the
summary it prints). ``jobs/common`` alone writes the runs row, once per invocation, whether
the job succeeded or failed.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import logging
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pyspark.sql import SparkSession

from lakerefine.conf.settings import Settings
from lakerefine.schemas.runs import RUNS_SCHEMA
from lakerefine.udfs.lake.code_version import code_version
from lakerefine.udfs.lake.tables import TableRef

log = logging.getLogger(__name__)


def new_run_id(job: str) -> str:
    return f"{job}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def config_json(settings: Settings) -> str:
    return json.dumps(settings.model_dump(mode="json"), sort_keys=True)


def config_hash(settings: Settings) -> str:
    return hashlib.sha256(config_json(settings).encode()).hexdigest()[:16]


@dataclass
class Run:
    """A job invocation while it works."""

    run_id: str
    job: str
    settings: Settings
    attempt: int = 1
    input_table: str | None = None
    input_version: int | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    timings_s: dict[str, float] = field(default_factory=dict)

    def read_input(self, table: object, version: int | None) -> None:
        """Record what the run reads: its commits name it as their source."""
        self.input_table, self.input_version = str(table), version

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings_s[stage] = round(self.timings_s.get(stage, 0.0) + time.perf_counter() - start, 3)

    def commit_metadata(self, **extra: Any) -> dict[str, Any]:
        """What every Delta commit of this run carries in ``userMetadata``."""
        meta = {"run_id": self.run_id, "job": self.job, "config_hash": config_hash(self.settings),
                "source_table": self.input_table, "source_version": self.input_version,
                "code_version": code_version()}
        meta.update(extra)
        return meta


@dataclass
class RunResult:
    """What a job did: the runs row's outputs, counts and metrics, and the summary it prints
    (``headline``, ``details`` lines, then where each table is)."""

    headline: str
    details: list[str] = field(default_factory=list)
    tables: dict[str, str] = field(default_factory=dict)
    output_table: str | None = None
    output_version: int | None = None
    other_outputs: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def as_counts(self) -> dict[str, int]:
        return {key: int(value) for key, value in self.counts.items()}

    def summary(self, job: str, run_id: str) -> str:
        lines = [f"{job} {run_id}: {self.headline}", *(f"  {line}" for line in self.details)]
        return "\n".join(lines + [f"  {name}: {where}" for name, where in self.tables.items()])


def by_key(prefix: str, counts: dict[str, int]) -> dict[str, int]:
    """``{"refined": 3}`` -> ``{"status.refined": 3}``: a breakdown as runs counts."""
    return {f"{prefix}.{key}": int(n) for key, n in counts.items()}


def start_run(spark: SparkSession, settings: Settings, job: str, run_id: str | None = None) -> Run:
    """A new run, or the next attempt of the run ``run_id`` names."""
    run = Run(run_id=run_id or new_run_id(job), job=job, settings=settings)
    if run_id is not None:  # a generated run id is new: its attempt is 1 without asking the table
        run.attempt = _next_attempt(spark, runs_table(settings), run.run_id)
    return run


def runs_table(settings: Settings) -> TableRef:
    return TableRef.resolve(settings.tables.runs, settings.tables)


def write_run_row(spark: SparkSession, run: Run, result: RunResult | None, error: BaseException | None) -> None:
    """Append the run's row: succeeded with ``result``, or failed with ``error``."""
    result = result or RunResult("")
    status = "failed" if error is not None else "succeeded"
    row = (run.run_id, run.attempt, run.job, status, None if error is None else f"{type(error).__name__}: {error}",
           run.started_at, datetime.now(timezone.utc), _user(), socket.gethostname(), run.input_table,
           run.input_version, result.output_table, result.output_version, result.other_outputs,
           config_json(run.settings), config_hash(run.settings), result.as_counts(), run.timings_s,
           json.dumps(result.metrics, sort_keys=True, default=str) if result.metrics else None,
           code_version(), spark.version)
    table = runs_table(run.settings)
    try:
        table.create_if_missing(spark, RUNS_SCHEMA)
        table.write(spark.createDataFrame([row], RUNS_SCHEMA), "append",
                    metadata={"run_id": run.run_id, "job": run.job, "runs_row": status})
    except Exception:  # the job's own outcome matters more than its audit row
        log.exception("could not append the runs row for %s", run.run_id)
        if error is None:
            raise


def _next_attempt(spark: SparkSession, table: TableRef, run_id: str) -> int:
    if not table.exists(spark):
        return 1
    from pyspark.sql import functions as F
    previous = table.read(spark).where(F.col("run_id") == run_id).agg(F.max("attempt")).first()[0]
    return (previous or 0) + 1


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:
        return None
