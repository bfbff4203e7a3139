"""``expert_pairs``: what an expert LM made of a sample of the corpus, one row per (run_id, doc_id).

Contract:
- every document the run sampled has exactly one row, whatever happened to it;
- ``status`` is ``accepted`` (``expert`` holds the parsed, checked refined text),
  ``rejected`` (the answer was unusable: ``reason`` says why, ``answer`` keeps it, cut),
  ``error`` (no answer: timeout, HTTP error, ...) or ``skipped`` (never sent: null text,
  too long, the text contains the [doc] markers);
- ``reason`` is null exactly when status is accepted; ``detail`` is a message for people
  (never a credential);
- the rewrite statistics come from the distiller's diff of (raw, expert);
- ``backend`` gold or html (no LM): ``expert`` is raw minus the lines the column's main content
  does not cover (udfs/expert/columns.py), and a rejected row's ``answer`` is that main content.
Partitioned by run_id, so one run's rows are read and merged without the others.
"""
from lakerefine.schemas.columns import DOUBLE, INT, LONG, STRING, TIMESTAMP, optional, required, struct

# What the expert UDF computes per document.
PAIR_FIELDS = struct(
    required(STRING, "doc_id"),
    optional(STRING, "stratum"),                           # value of expert.stratify_column
    optional(STRING, "raw", "expert"),                     # expert: the refined text (parsed text when rejected)
    required(STRING, "status"),
    optional(STRING, "reason", "detail", "answer"),        # answer: the whole answer of a rejected row, cut
    optional(LONG, "deleted_chars", "inserted_chars", "replaced_chars", "longest_rewrite"),
    required(STRING, "backend"),
    optional(STRING, "model"),
    optional(DOUBLE, "latency_s"),                         # wall time of the call that answered (a batch for hf/vllm)
    required(INT, "attempts"),                             # requests made (retries included); 0 when skipped
    required(TIMESTAMP, "created_at"),
)

EXPERT_PAIRS_SCHEMA = struct(
    required(STRING, "run_id"), PAIR_FIELDS.fields, required(STRING, "input_table"), required(LONG, "input_version"))

PARTITION_BY = ["run_id"]
