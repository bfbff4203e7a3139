"""token_masks -> files an HF trainer loads directly: ``input_ids``, ``attention_mask``, ``labels``.

Int64 lists (what torch's cross-entropy wants for labels), one row per sample,
no padding (a collator pads per batch). Rows with an error are never exported;
rows whose every label is -100 (``no_token_kept``) are dropped unless
``export.include_no_token_kept`` (training on them adds nothing but cost).
Spark writes a folder of part files: ``datasets.Dataset.from_parquet("DIR/*.parquet")``
or ``Dataset.from_json("DIR/*.json")``.
"""
from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

FORMATS = ("parquet", "jsonl")
LONGS = "array<bigint>"


def export_rows(masks: DataFrame, include_no_token_kept: bool) -> DataFrame:
    usable = masks.where(F.col("error").isNull() & F.col("input_ids").isNotNull())
    if not include_no_token_kept:
        usable = usable.where(~F.col("no_token_kept"))
    return usable.select(
        F.col("input_ids").cast(LONGS).alias("input_ids"),
        F.transform("input_ids", lambda _: F.lit(1)).cast(LONGS).alias("attention_mask"),
        F.col("labels").cast(LONGS).alias("labels"))


def write_export(rows: DataFrame, path: str, fmt: str) -> None:
    writer = rows.write.mode("overwrite")
    if fmt == "parquet":
        writer.parquet(path)
    elif fmt == "jsonl":
        writer.option("compression", "none").json(path)
    else:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {FORMATS}")


def export_counts(masks: DataFrame) -> dict[str, int]:
    row = masks.agg(
        F.count("*").alias("rows"),
        F.count("error").alias("errors"),
        F.sum((F.col("error").isNull() & F.col("no_token_kept")).cast("long")).alias("no_token_kept"),
    ).first()
    return {key: int(value or 0) for key, value in row.asDict().items()}
