"""``refine_edits``: the audit of refine runs, one row per (run_id, doc_id).

Contract:
- every doc_id of a run's input appears exactly once for that run (deleted doc_ids
  of an incremental run too, with status ``deleted``);
- ``spans`` are the deleted ``[start, end)`` character ranges of the raw text (the
  corpus text at ``input_version``), sorted and disjoint: they, not a stored copy of
  the refined text, define ``refined`` (refined text = raw text minus the spans);
- chars_out = chars_in - sum(end - start); rows with status other than refined or
  emptied have no spans;
- ``rejected_by_reason`` sums to ``calls_rejected``.
Partitioned by run_id, so one run's rows are read and merged without the others.
"""
from pyspark.sql.types import (ArrayType, BooleanType, IntegerType, LongType, MapType, StringType,
                               StructField, StructType, TimestampType)

from lakerefine.udfs.refine.statuses import *  # noqa: F401,F403  (the status values)

# Delta allows no NOT NULL inside arrays: start and end are never null all the same.
SPAN = StructType([
    StructField("start", LongType(), True),
    StructField("end", LongType(), True),
])

# What the refine UDF computes per document.
DOCUMENT_FIELDS = StructType([
    StructField("doc_id", StringType(), False),
    StructField("status", StringType(), False),
    StructField("program", StringType(), True),          # the programs of all chunks, joined
    StructField("calls_accepted", IntegerType(), False),
    StructField("calls_rejected", IntegerType(), False),
    StructField("rejected_by_reason", MapType(StringType(), IntegerType()), True),
    StructField("program_truncated", BooleanType(), False),
    StructField("spans", ArrayType(SPAN, True), True),
    StructField("chars_in", LongType(), False),
    StructField("chars_out", LongType(), False),
    StructField("lines_in", LongType(), False),
    StructField("lines_out", LongType(), False),
    StructField("raw_sha256", StringType(), True),        # of the UTF-8 raw text; null for null text
    StructField("prompts", IntegerType(), False),         # how many prompts (chunks) it took
    StructField("backend", StringType(), False),
    StructField("model", StringType(), True),
    StructField("error", StringType(), True),
    StructField("refined_at", TimestampType(), False),
])

REFINE_EDITS_SCHEMA = StructType([
    StructField("run_id", StringType(), False),
    *DOCUMENT_FIELDS.fields,
    StructField("input_table", StringType(), False),
    StructField("input_version", LongType(), False),
])

PARTITION_BY = ["run_id"]
