"""Tokenized samples from Spark to the training loop on the driver.

Training a model happens in one process (the driver, on its GPU if it has one);
its data is a small high-quality table (reference model) or one self-evolving
subset, streamed in partition by partition (``toLocalIterator``) in sample_id
order, so the seeded shuffle of the training loop sees the same examples in
the same order on every run.
"""
from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from lakerefine.udfs.train.lora import Example


def training_examples(rows: DataFrame) -> list[Example]:
    """Rows with ``input_ids`` and ``labels`` (no error, at least one label kept) as examples."""
    usable = (rows.where(F.col("error").isNull() & F.col("input_ids").isNotNull()
                         & F.exists("labels", lambda label: label != -100))
              .select("sample_id", "input_ids", "labels").orderBy("sample_id"))
    return [Example(list(row.input_ids), list(row.labels)) for row in usable.toLocalIterator()]
