"""Progress of a job's Spark work on stderr, from the driver's status tracker: tasks done of the active
stages, their rate and an ETA, and the rows (documents, samples) the stages' batch functions have
finished, from an accumulator that ``lake/batch_udf.map_batches`` adds to (updated as tasks end; a
retried task counts again). A driver thread polls ``sc.statusTracker()``; on a terminal it redraws one
line, in cluster mode (not a terminal) it logs one line every ``interval_s``."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from lakerefine.conf.settings import ProgressSettings


@dataclass(frozen=True)
class StageTasks:
    stage_id: int
    done: int
    total: int


def choose_mode(mode: str, quiet: bool, stream: TextIO, master: str | None) -> str:
    """tty, log or off: off with --quiet; a live line only on a terminal; a log line in cluster mode."""
    if quiet or mode == "off":
        return "off"
    terminal = stream.isatty()
    if mode == "auto":
        return "tty" if terminal else "log" if not (master or "local").startswith("local") else "off"
    return "log" if mode == "tty" and not terminal else mode


def active_stages(tracker) -> list[StageTasks]:
    stages = []
    for stage_id in sorted(tracker.getActiveStageIds()):
        info = tracker.getStageInfo(stage_id)
        if info is not None:
            stages.append(StageTasks(stage_id, info.numCompletedTasks, info.numTasks))
    return stages


_rows_done = None   # the accumulator of the job showing progress (driver side), else None


def rows_counter():
    """The accumulator batch functions add their rows to while a job shows progress; None otherwise."""
    return _rows_done


def progress_line(job: str, stages: list[StageTasks], seen_since: dict[int, float], now: float,
                  rows: int | None = None) -> str:
    done, total = sum(s.done for s in stages), sum(s.total for s in stages)
    elapsed = max(now - min(seen_since[s.stage_id] for s in stages), 1e-9)
    rate = done / elapsed
    eta = f"{(total - done) / rate:.0f} s" if rate > 0 else "?"
    names = ",".join(str(s.stage_id) for s in stages)
    share = 100 * done / max(total, 1)
    line = f"{job}: stage {names}: tasks {done}/{total} ({share:.0f}%), {rate:.2f} tasks/s, ETA {eta}"
    return line if rows is None else f"{line}; {rows:,} rows done"


class ProgressThread(threading.Thread):
    def __init__(self, tracker, job: str, mode: str, interval_s: float, stream: TextIO):
        super().__init__(name="lakerefine-progress", daemon=True)
        self.tracker, self.job, self.mode, self.interval_s, self.stream = tracker, job, mode, interval_s, stream
        self.stopped = threading.Event()
        self.seen_since: dict[int, float] = {}

    def run(self) -> None:
        while not self.stopped.wait(self.interval_s if self.mode == "log" else min(self.interval_s, 1.0)):
            self.show()
        if self.mode == "tty":
            self.stream.write("\r\033[K")
            self.stream.flush()

    def show(self) -> None:
        stages = active_stages(self.tracker)
        if not stages:
            return
        now = time.monotonic()
        for stage in stages:
            self.seen_since.setdefault(stage.stage_id, now)
        line = progress_line(self.job, stages, self.seen_since, now, _rows_done.value if _rows_done else None)
        self.stream.write(f"\r\033[K{line}" if self.mode == "tty" else f"{line}\n")
        self.stream.flush()


@contextmanager
def job_progress(spark, job: str, settings: ProgressSettings, quiet: bool) -> Iterator[str]:
    """Show the progress of the Spark work done inside the block; yields the mode chosen."""
    stream = sys.stderr
    mode = choose_mode(settings.mode, quiet, stream, spark.sparkContext.master)
    if mode == "off":
        yield mode
        return
    global _rows_done
    _rows_done = spark.sparkContext.accumulator(0)
    thread = ProgressThread(spark.sparkContext.statusTracker(), job, mode, settings.interval_s, stream)
    thread.start()
    try:
        yield mode
    finally:
        thread.stopped.set()
        thread.join()
        _rows_done = None
