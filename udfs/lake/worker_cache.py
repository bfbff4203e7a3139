"""Models loaded once per Python worker, like ``pyspark.ml.functions.predict_batch_udf`` does.

Spark reuses Python workers (``spark.python.worker.reuse``), so a module-level
cache lives across the tasks a worker runs: later tasks find the model loaded.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

_LOADED: dict[Hashable, object] = {}


def worker_cached(key: Hashable, load: Callable[[], T]) -> T:
    """``load()`` the first time this worker sees ``key``; the same object every later time."""
    if key not in _LOADED:
        _LOADED[key] = load()
    return _LOADED[key]  # type: ignore[return-value]
