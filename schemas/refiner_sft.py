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
from pyspark.sql.types import (BooleanType, DoubleType, IntegerType, LongType, StringType, StructField,
                               StructType, TimestampType)

ACCEPTED = "accepted"
REJECTED = "rejected"
PROGRAM_TOO_LONG = "program_too_long"   # the target has more tokens than the refiner may generate
ERROR = "error"                         # the distill step itself failed on the pair (see ``error``)

SAMPLE_FIELDS = StructType([
    StructField("sample_id", StringType(), False),
    StructField("doc_id", StringType(), False),
    StructField("chunk_index", IntegerType(), False),
    StructField("chunks", IntegerType(), False),
    StructField("first_line", LongType(), False),
    StructField("last_line", LongType(), False),
    StructField("prompt", StringType(), False),
    StructField("program", StringType(), False),
    StructField("status", StringType(), False),
    StructField("reason", StringType(), True),
    StructField("error", StringType(), True),             # the message, when reason is error
    StructField("calls", IntegerType(), False),           # calls in this chunk's program
    StructField("prompt_tokens", IntegerType(), False),
    StructField("program_tokens", IntegerType(), False),
    # the document's distillation
    StructField("deleted_chars", LongType(), False),
    StructField("expressed_chars", LongType(), False),
    StructField("inexpressible_chars", LongType(), False),
    StructField("expressed_fraction", DoubleType(), False),
    StructField("inserted_chars", LongType(), False),
    StructField("replaced_chars", LongType(), False),
    StructField("longest_rewrite", LongType(), False),
    StructField("exact", BooleanType(), False),
    StructField("created_at", TimestampType(), False),
])

REFINER_SFT_SCHEMA = StructType([
    StructField("run_id", StringType(), False),
    *SAMPLE_FIELDS.fields,
    StructField("expert_run_id", StringType(), False),
    StructField("input_table", StringType(), False),
    StructField("input_version", LongType(), False),
    # How the prompts were rendered: the tokenizer, and the refine backend settings they match.
    StructField("tokenizer", StringType(), False),
    StructField("render_as", StringType(), False),
    StructField("prompt_name", StringType(), False),
    StructField("chunk_tokens", IntegerType(), False),
    StructField("max_line_chars", IntegerType(), False),
])

PARTITION_BY = ["run_id"]
