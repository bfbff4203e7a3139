"""Arrow batches end at a byte size too, so a few huge documents never make one huge batch."""
from __future__ import annotations

import pandas as pd

from lakerefine.conf.settings import SparkSettings

BYTES_KEY = "spark.sql.execution.arrow.maxBytesPerBatch"


def test_the_session_has_the_configured_byte_limit(spark):
    assert spark.conf.get(BYTES_KEY) == str(SparkSettings().arrow_max_bytes_per_batch)


def test_big_rows_split_batches_that_the_record_limit_would_not(spark):
    rows = spark.createDataFrame([(f"d{i}", "x" * 1_000_000) for i in range(12)], "doc_id string, text string")

    def batch_sizes(batches):
        for batch in batches:
            yield pd.DataFrame({"rows": [len(batch)]})

    default = spark.conf.get(BYTES_KEY)
    try:
        spark.conf.set(BYTES_KEY, str(3_000_000))
        sizes = [r.rows for r in rows.coalesce(1).mapInPandas(batch_sizes, "rows long").collect()]
    finally:
        spark.conf.set(BYTES_KEY, default)
    assert sum(sizes) == 12
    assert max(sizes) <= 3 and len(sizes) >= 4   # 256 records a batch would have been one batch of 12
