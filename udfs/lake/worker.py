"""What a Python worker keeps and what Spark gave the task it runs.

Models are loaded once per worker, as ``pyspark.ml.functions.predict_batch_udf`` does:
Spark reuses Python workers (``spark.python.worker.reuse``), so a module-level cache lives
across the tasks a worker runs. Outside a Spark task (the driver, a plain script) there is
no GPU assignment and no core count.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

_LOADED: dict[Hashable, object] = {}


def worker_cached(key: Hashable, load: Callable[[], T], keep_one: bool = False) -> T:
    """``load()`` the first time this worker sees ``key``; the same object every later time.
    ``keep_one`` drops what was cached before loading a new key (large models)."""
    if key not in _LOADED:
        if keep_one:
            _LOADED.clear()
        _LOADED[key] = load()
    return _LOADED[key]  # type: ignore[return-value]


def spark_gpu_addresses() -> list[str]:
    """The GPU addresses Spark assigned this task (``TaskContext.resources()["gpu"]``)."""
    context = _task_context()
    gpu = context.resources().get("gpu") if context is not None else None
    return list(gpu.addresses) if gpu is not None else []


def task_cpus() -> int | None:
    """How many cores Spark gave this task (``spark.task.cpus``), when inside a task."""
    context = _task_context()
    return context.cpus() if context is not None else None


def _task_context():
    try:
        from pyspark import TaskContext
    except ImportError:
        return None
    return TaskContext.get()
