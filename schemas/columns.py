"""Building table schemas: consecutive columns of one type and nullability are declared together.

``struct(required(STRING, "doc_id", "status"), optional(STRING, "program"))`` is
``doc_id STRING NOT NULL, status STRING NOT NULL, program STRING``; order is kept.
"""
from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

__all__ = ["BOOL", "DOUBLE", "FLOAT", "INT", "LONG", "STRING", "TIMESTAMP", "ArrayType", "MapType", "StructType",
           "optional", "required", "struct"]

STRING, INT, LONG, DOUBLE, FLOAT, BOOL, TIMESTAMP = (
    StringType(), IntegerType(), LongType(), DoubleType(), FloatType(), BooleanType(), TimestampType())


def required(dtype: DataType, *names: str) -> list[StructField]:
    """NOT NULL columns of one type."""
    return [StructField(name, dtype, False) for name in names]


def optional(dtype: DataType, *names: str) -> list[StructField]:
    """Nullable columns of one type."""
    return [StructField(name, dtype, True) for name in names]


def struct(*groups: list[StructField]) -> StructType:
    return StructType([column for group in groups for column in group])
