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
Statuses and reasons: schemas/vocab.py. Partitioned by run_id, so one run's rows are
read and merged without the others.
"""
from lakerefine.schemas.columns import (
    BOOL,
    INT,
    LONG,
    STRING,
    TIMESTAMP,
    ArrayType,
    MapType,
    optional,
    required,
    struct,
)

# Delta allows no NOT NULL inside arrays: start and end are never null all the same.
SPAN = struct(optional(LONG, "start", "end"))

# What the refine UDF computes per document.
DOCUMENT_FIELDS = struct(
    required(STRING, "doc_id", "status"),
    optional(STRING, "program"),                           # the programs of all chunks, joined
    required(INT, "calls_accepted", "calls_rejected"),
    optional(MapType(STRING, INT), "rejected_by_reason"),
    required(BOOL, "program_truncated"),
    optional(ArrayType(SPAN, True), "spans"),
    required(LONG, "chars_in", "chars_out", "lines_in", "lines_out"),
    optional(STRING, "raw_sha256"),                        # of the UTF-8 raw text; null for null text
    required(INT, "prompts"),                              # how many prompts (chunks) it took
    required(STRING, "backend"),
    optional(STRING, "model", "error"),
    required(TIMESTAMP, "refined_at"),
)

REFINE_EDITS_SCHEMA = struct(
    required(STRING, "run_id"), DOCUMENT_FIELDS.fields,
    required(STRING, "input_table"), required(LONG, "input_version"))

PARTITION_BY = ["run_id"]
