"""Faults injected into a Spark task from inside a Python UDF, once per marker file.

``faulty(fn, marker, how, times)`` wraps a ``mapInPandas`` function: the first ``times`` task
attempts that reach it (each creates one of ``marker.0``, ``marker.1``, ...) kill their own
Python worker (``kill_worker``), kill the executor JVM that runs it (``kill_executor``: only
where executors are JVMs of their own, ``local-cluster`` or a cluster) or raise (``raise``)
before producing any rows; every later
attempt runs ``fn`` unchanged. Spark retries the failed task (``local[N,F]``: F attempts per task).
"""
from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
from pyspark import cloudpickle

BatchFn = Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]
HOWS = ("kill_worker", "kill_executor", "raise")

# Executors ship this module's functions by value: the tests package need not be importable there.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class InjectedFault(RuntimeError):
    """A task failed on purpose, once."""


def faults_met(marker: Path) -> list[str]:
    """What each fault that happened wrote: "<how> pid=<worker pid>"."""
    return [p.read_text().strip() for p in sorted(Path(marker).parent.glob(f"{Path(marker).name}.*"))]


def executor_pid() -> int:
    """The executor JVM running this Python worker: the parent of the pyspark daemon that forked it."""
    daemon = os.getppid()
    with open(f"/proc/{daemon}/stat") as stat:
        parent = int(stat.read().rsplit(")", 1)[1].split()[1])
    with open(f"/proc/{parent}/comm") as comm:
        if comm.read().strip() != "java":
            raise RuntimeError(f"process {parent} above this worker's daemon is not a JVM")
    return parent


def first_to_arrive(marker: Path) -> bool:
    """True for exactly one caller across processes: the one that creates ``marker``."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def faulty(fn: BatchFn, marker: Path, how: str, times: int = 1) -> BatchFn:
    if how not in HOWS:
        raise ValueError(f"how: one of {HOWS}")
    markers = [Path(f"{marker}.{i}") for i in range(times)]

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        mine = next((m for m in markers if first_to_arrive(m)), None)
        if mine is not None:
            mine.write_text(f"{how} pid={os.getpid()}\n")
            if how == "kill_worker":
                os.kill(os.getpid(), signal.SIGKILL)
            if how == "kill_executor":
                os.kill(executor_pid(), signal.SIGKILL)
            raise InjectedFault(f"injected fault in Python worker {os.getpid()}")
        yield from fn(batches)

    return run


def held_until(started: Path, release: Path, timeout_s: float = 300) -> BatchFn:
    """A pass-through ``mapInPandas`` function that touches ``started`` and then holds its task
    until ``release`` exists: a write that stays open while a test does something else."""
    started, release = Path(started), Path(release)

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        started.touch()
        deadline = time.monotonic() + timeout_s
        while not release.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{release} did not appear within {timeout_s}s")
            time.sleep(0.2)
        yield from batches

    return run


def wait_for(path: Path, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while not Path(path).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear within {timeout_s}s")
        time.sleep(0.2)
