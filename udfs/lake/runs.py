"""Run bookkeeping: every job appends one row to ``runs``, whether it succeeds or fails."""
from __future__ import annotations

import getpass
import hashlib
import json
import logging
import socket
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

from pyspark.sql import SparkSession

from lakerefine.conf.settings import Settings
from lakerefine.schemas.runs import RUNS_SCHEMA
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.lake.version import code_version

log = logging.getLogger(__name__)


def new_run_id(job: str) -> str:
    return f"{job}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def config_json(settings: Settings) -> str:
    return json.dumps(settings.model_dump(mode="json"), sort_keys=True)


def config_hash(settings: Settings) -> str:
    return hashlib.sha256(config_json(settings).encode()).hexdigest()[:16]


@dataclass
class Run:
    """What a job reports about itself while it runs."""

    run_id: str
    job: str
    settings: Settings
    attempt: int = 1
    input_table: str | None = None
    input_version: int | None = None
    output_table: str | None = None
    output_version: int | None = None
    other_outputs: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + int(n)

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


@contextmanager
def recorded_run(spark: SparkSession, settings: Settings, job: str,
                 run_id: str | None = None) -> Iterator[Run]:
    """Yield a ``Run``; on exit append its row to the runs table (then re-raise any error)."""
    runs_table = TableRef.resolve(settings.tables.runs, settings.tables)
    run = Run(run_id=run_id or new_run_id(job), job=job, settings=settings)
    if run_id is not None:  # a generated run id is new: its attempt is 1 without asking the table
        run.attempt = _next_attempt(spark, runs_table, run.run_id)
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    try:
        yield run
    except BaseException as err:
        run.timings_s["total"] = round(time.perf_counter() - clock, 3)
        _append(spark, runs_table, run, started, "failed", f"{type(err).__name__}: {err}")
        raise
    run.timings_s["total"] = round(time.perf_counter() - clock, 3)
    _append(spark, runs_table, run, started, "succeeded", None)


def _next_attempt(spark: SparkSession, runs_table: TableRef, run_id: str) -> int:
    if not runs_table.exists(spark):
        return 1
    from pyspark.sql import functions as F
    previous = runs_table.read(spark).where(F.col("run_id") == run_id).agg(F.max("attempt")).first()[0]
    return (previous or 0) + 1


def _append(spark: SparkSession, runs_table: TableRef, run: Run, started: datetime,
            status: str, error: str | None) -> None:
    row = (run.run_id, run.attempt, run.job, status, error, started, datetime.now(timezone.utc),
           _user(), socket.gethostname(), run.input_table, run.input_version, run.output_table,
           run.output_version, run.other_outputs, config_json(run.settings), config_hash(run.settings),
           run.counts, run.timings_s, json.dumps(run.metrics, sort_keys=True, default=str) if run.metrics else None,
           code_version(), spark.version)
    try:
        runs_table.create_if_missing(spark, RUNS_SCHEMA)
        runs_table.write(spark.createDataFrame([row], RUNS_SCHEMA), "append",
                         metadata={"run_id": run.run_id, "job": run.job, "runs_row": status})
    except Exception:  # the job's own outcome matters more than its audit row
        log.exception("could not append the runs row for %s", run.run_id)
        if status == "succeeded":
            raise


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:
        return None
