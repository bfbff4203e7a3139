"""Ingest SFT JSONL (plain, .gz, .zst) into the ``sft`` Delta table; set bad records aside in quarantine.

The same accounting, duplicate rule (first wins) and quarantine as corpus ingest:
records read = accepted + quarantined; accepted = inserted + updated + unchanged.
While records are checked the id column is called ``doc_id`` (what the shared
quarantine table and ``mark_duplicates`` use); it becomes ``sample_id`` on the way in.
"""
from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import SftIngestSettings
from lakerefine.schemas.sft import MESSAGES, MESSAGES_TYPE, SAMPLE_ID
from lakerefine.udfs.ingest.ingest_corpus import IngestCounts, extras_columns, ingest_checked
from lakerefine.udfs.ingest.sft_records import check_sft_line
from lakerefine.udfs.ingest.sources import checked_frame, checked_schema, jsonl_lines
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef

CHECKED_SFT_SCHEMA = checked_schema("messages_json")


def read_sft_checked(spark: SparkSession, path: str, settings: SftIngestSettings) -> DataFrame:
    """Every non-blank line of the JSONL file(s) at ``path``, checked (``CHECKED_SFT_SCHEMA``)."""
    id_column, missing_id, limit = settings.id_column, settings.missing_id, settings.max_record_chars_in_quarantine

    def check(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            checked = [check_sft_line(line, id_column, missing_id) for line in batch["line"]]
            yield checked_frame(batch, limit, checked, value_column="messages_json")

    return jsonl_lines(spark, path).mapInPandas(check, CHECKED_SFT_SCHEMA)


def sft_rows(accepted: DataFrame, run_id: str) -> DataFrame:
    """sample_id, messages, the source's other fields as columns, and ``ingest_run_id``."""
    return accepted.select(F.col("doc_id").alias(SAMPLE_ID),
                           F.from_json("messages_json", MESSAGES_TYPE).alias(MESSAGES),
                           *extras_columns(accepted, None),
                           F.lit(run_id).alias("ingest_run_id"))


def ingest_sft(checked: DataFrame, output: TableRef, quarantine: TableRef, run: Run) -> IngestCounts:
    return ingest_checked(checked, lambda accepted: sft_rows(accepted, run.run_id), output, quarantine, run,
                          key=SAMPLE_ID, value=MESSAGES)
