"""``*_quarantine``: input records set aside by an ingest job, with the reason.

For every ingest run: records read = records accepted + records quarantined. The reasons
are in schemas/vocab.py.
"""
from lakerefine.schemas.columns import STRING, TIMESTAMP, optional, required, struct

QUARANTINE_SCHEMA = struct(
    required(STRING, "run_id"),
    optional(STRING, "source_file", "doc_id"),
    required(STRING, "reason"),
    optional(STRING, "detail", "record"),                  # record: the raw record, truncated
    required(TIMESTAMP, "quarantined_at"),
)
