"""``*_quarantine``: input records set aside by an ingest job, with the reason.

For every ingest run: records read = records accepted + records quarantined.
"""
from pyspark.sql.types import StringType, StructField, StructType, TimestampType

QUARANTINE_SCHEMA = StructType([
    StructField("run_id", StringType(), False),
    StructField("source_file", StringType(), True),
    StructField("doc_id", StringType(), True),
    StructField("reason", StringType(), False),
    StructField("detail", StringType(), True),
    StructField("record", StringType(), True),     # the raw record, truncated
    StructField("quarantined_at", TimestampType(), False),
])

# Reasons, as recorded in the ``reason`` column.
MALFORMED_JSON = "malformed_json"
NOT_AN_OBJECT = "not_an_object"
NULL_TEXT = "null_text"
MISSING_TEXT = "missing_text"
EMPTY_TEXT = "empty_text"
NON_STRING_TEXT = "non_string_text"
BAD_ID = "bad_id"
MISSING_ID = "missing_id"
DUPLICATE_ID = "duplicate_id"
