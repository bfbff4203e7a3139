"""Small corpora for the refine tests: boilerplate lines, real sample documents, a corpus table."""
from __future__ import annotations

import gzip
import json

from pyspark.sql.types import StringType, StructField, StructType

from tests.support import SAMPLE_DIR

NAV = "Home | About | Contact | Blog"
FOOTER = "Copyright 2024 Example Inc. All rights reserved."
PROSE = "The river rises in the hills and flows west to the sea, past three old mills."
CORPUS_SCHEMA = StructType([StructField("doc_id", StringType(), False), StructField("text", StringType(), True),
                            StructField("source", StringType(), True)])


def sample_docs(n: int) -> list[tuple[str, str, str]]:
    """n real documents of the sample corpus, taken round-robin over its sources."""
    rows = [json.loads(line) for line in gzip.open(SAMPLE_DIR / "corpus.jsonl.gz", "rt", encoding="utf-8")]
    by_source: dict[str, list] = {}
    for row in rows:
        if len(row["text"]) < 6000:
            by_source.setdefault(row["source"], []).append(row)
    picked = [r for group in zip(*by_source.values(), strict=False) for r in group][:n]
    return [(r["id"], r["text"], r["source"]) for r in picked]


def write_corpus(spark, path: str, rows: list[tuple]) -> None:
    spark.createDataFrame(rows, CORPUS_SCHEMA).write.format("delta").mode("overwrite").save(path)
