"""The one way a stage runs Python over a table: a ``mapInPandas`` function around a kernel.

Like ``pyspark.ml.functions.predict_batch_udf``: what ``load`` returns (a model, a backend,
a tokenizer) is made once per Python worker and kept (``worker.worker_cached``), each Arrow
batch reaches ``process`` as plain rows (dicts; pandas' NA, NaN and NaT as None), and the
rows ``process`` returns become a frame typed from the output StructType: nullable integer,
float and boolean columns, UTC timestamps, and NaN inside float arrays as null (SQL would
otherwise take a NaN for a number larger than any other).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any

import pandas as pd
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    ByteType,
    DataType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    ShortType,
    StructType,
    TimestampType,
)

from .progress import rows_counter
from .worker import worker_cached

BatchFn = Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]
Process = Callable[[Any, list[dict[str, Any]]], Iterable[Mapping[str, Any]]]

_EXTENSION_DTYPES = ((ByteType, "Int8"), (ShortType, "Int16"), (IntegerType, "Int32"), (LongType, "Int64"),
                     (FloatType, "Float32"), (DoubleType, "Float64"), (BooleanType, "boolean"))


def map_batches(process: Process, schema: StructType, load: Callable[[], Any] | None = None,
                key: Callable[[], Hashable] | None = None, keep_one: bool = False) -> BatchFn:
    """The function for ``mapInPandas(fn, schema)``: ``process(loaded, rows)`` per batch, where
    ``loaded`` is ``load()``, made once per worker for each ``key()`` (both called on the worker,
    so they can depend on the task's GPU); ``keep_one`` frees the last one before loading another.
    While a job shows progress, each batch's rows are added to its counter (lake/progress.py)."""
    rows_done = rows_counter()

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        loaded = worker_cached(key(), load, keep_one) if load is not None else None
        for batch in batches:
            yield typed_frame(list(process(loaded, records(batch))), schema)
            if rows_done is not None:
                rows_done.add(len(batch))

    return run


def records(batch: pd.DataFrame) -> list[dict[str, Any]]:
    """The batch's rows as dicts, missing values as None."""
    columns = {name: [_plain(value) for value in batch[name]] for name in batch.columns}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def typed_frame(rows: list[Mapping[str, Any]], schema: StructType) -> pd.DataFrame:
    """``rows`` as a frame of ``schema``'s columns, in its order, typed for Arrow (see above)."""
    return pd.DataFrame({field.name: _column([row.get(field.name) for row in rows], field.dataType)
                         for field in schema.fields}, columns=schema.names)


def _column(values: list[Any], dtype: DataType) -> Any:
    for spark_type, pandas_dtype in _EXTENSION_DTYPES:
        if isinstance(dtype, spark_type):
            return pd.array(values, dtype=pandas_dtype)
    if isinstance(dtype, TimestampType):
        return pd.Series(values, dtype="datetime64[us, UTC]")
    if isinstance(dtype, ArrayType) and isinstance(dtype.elementType, (FloatType, DoubleType)):
        return [None if v is None else [None if x is None or x != x else float(x) for x in v] for v in values]
    return values


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value
