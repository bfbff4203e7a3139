"""``expert_pairs``: what an expert LM made of a sample of the corpus, one row per (run_id, doc_id).

Contract:
- every document the run sampled has exactly one row, whatever happened to it;
- ``status`` is ``accepted`` (``expert`` holds the parsed, checked refined text),
  ``rejected`` (the answer was unusable: ``reason`` says why, ``answer`` keeps it, cut),
  ``error`` (no answer: timeout, HTTP error, ...) or ``skipped`` (never sent: null text,
  too long, the text contains the [doc] markers);
- ``reason`` is null exactly when status is accepted; ``detail`` is a message for people
  (never a credential);
- the rewrite statistics come from the distiller's diff of (raw, expert).
Partitioned by run_id, so one run's rows are read and merged without the others.
"""
from pyspark.sql.types import (DoubleType, IntegerType, LongType, StringType, StructField, StructType,
                               TimestampType)

ACCEPTED = "accepted"
REJECTED = "rejected"
ERROR = "error"
SKIPPED = "skipped"
STATUSES = (ACCEPTED, REJECTED, ERROR, SKIPPED)

# What the expert UDF computes per document.
PAIR_FIELDS = StructType([
    StructField("doc_id", StringType(), False),
    StructField("stratum", StringType(), True),         # value of expert.stratify_column
    StructField("raw", StringType(), True),
    StructField("expert", StringType(), True),          # the refined text (accepted rows; parsed text when rejected)
    StructField("status", StringType(), False),
    StructField("reason", StringType(), True),
    StructField("detail", StringType(), True),
    StructField("answer", StringType(), True),          # the whole answer of a rejected row, cut
    StructField("deleted_chars", LongType(), True),
    StructField("inserted_chars", LongType(), True),
    StructField("replaced_chars", LongType(), True),
    StructField("longest_rewrite", LongType(), True),
    StructField("backend", StringType(), False),
    StructField("model", StringType(), True),
    StructField("latency_s", DoubleType(), True),       # wall time of the call that answered (a batch for hf/vllm)
    StructField("attempts", IntegerType(), False),      # requests made (retries included); 0 when skipped
    StructField("created_at", TimestampType(), False),
])

EXPERT_PAIRS_SCHEMA = StructType([
    StructField("run_id", StringType(), False),
    *PAIR_FIELDS.fields,
    StructField("input_table", StringType(), False),
    StructField("input_version", LongType(), False),
])

PARTITION_BY = ["run_id"]
