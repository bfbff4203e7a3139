"""``refiner_sft``: training pairs for the refiner, one row per (run_id, sample_id).

A sample is one chunk of one document: ``prompt`` is exactly what the refine job
feeds its language model for that chunk (numbered lines, the refiner prompt, the
chat template), ``program`` the target: the distilled calls that fall in the
chunk's lines (``keep_all()`` when none do).

Contract:
- every accepted expert pair the run read has at least one row (sample_id
  ``<doc_id>#<chunk_index>``, chunk_index from 0), every chunk of it one row;
- ``status`` is ``accepted`` or ``rejected``; ``reason`` is null exactly when accepted.
  A document-level rejection (the distiller discarded the pair) rejects all its chunks
  with the distiller's reason; a chunk-level one (``program_too_long``) only that chunk;
  a pair the step could not handle is one row with reason ``error`` and the message;
- executing the programs of all chunks of a document together equals executing the
  document's distilled program;
- the distillation statistics are the document's, repeated on each of its chunks.
Partitioned by run_id.
"""
from lakerefine.schemas.columns import BOOL, DOUBLE, INT, LONG, STRING, TIMESTAMP, optional, required, struct

SAMPLE_FIELDS = struct(
    required(STRING, "sample_id", "doc_id"),
    required(INT, "chunk_index", "chunks"),
    required(LONG, "first_line", "last_line"),
    required(STRING, "prompt", "program", "status"),
    optional(STRING, "reason", "error"),                   # error: the message, when reason is error
    required(INT, "calls", "prompt_tokens", "program_tokens"),   # calls in this chunk's program
    # the document's distillation
    required(LONG, "deleted_chars", "expressed_chars", "inexpressible_chars"),
    required(DOUBLE, "expressed_fraction"),
    required(LONG, "inserted_chars", "replaced_chars", "longest_rewrite"),
    required(BOOL, "exact"),
    required(TIMESTAMP, "created_at"),
)

REFINER_SFT_SCHEMA = struct(
    required(STRING, "run_id"), SAMPLE_FIELDS.fields,
    required(STRING, "expert_run_id", "input_table"), required(LONG, "input_version"),
    # How the prompts were rendered: the tokenizer, and the refine settings they match.
    required(STRING, "tokenizer", "render_as", "prompt_name"),
    required(INT, "chunk_tokens", "max_line_chars"),
)

PARTITION_BY = ["run_id"]
