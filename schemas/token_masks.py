"""``token_masks``: Token Cleaning's output, one row per SFT sample of the run's input.

Contract:
- ``input_ids`` are the sample's tokens (cut at ``token_clean.scoring.max_length``,
  ``truncated`` then true); ``labels`` align with them: the token id where the token
  stays in the loss, -100 where it is a prompt token, the assistant header, or a
  response token cleaned away;
- ``scores`` align with them too: ``loss_base - loss_ref`` (nats, float32) of every
  scored response token, null elsewhere (prompt, token 0, samples not scored);
- ``scored_tokens`` = non-null scores, ``kept_tokens`` = labels other than -100,
  and a kept token is always a scored one (except round 0 of self-evolving mode,
  which trains on all response tokens and scores none);
- global mode keeps exactly the scored tokens with ``score >= threshold``;
  per-sample mode has a null ``threshold``;
- ``no_token_kept``: the sample has no label left (export drops it unless
  ``token_clean.export_no_token_kept``);
- ``error``: why a sample could not be tokenized or scored (its arrays are null);
  such rows are never dropped silently.
Each run overwrites the table in one commit whose ``userMetadata`` names the run.
"""
from pyspark.sql.types import (ArrayType, BooleanType, DoubleType, FloatType, IntegerType, StringType,
                               StructField, StructType)

IGNORE_INDEX = -100
GLOBAL, PER_SAMPLE, SELF_EVOLVING = "global", "per_sample", "self_evolving"

# What the scoring UDF returns per sample (the masks are applied afterwards).
SCORED_FIELDS = StructType([
    StructField("sample_id", StringType(), False),
    StructField("input_ids", ArrayType(IntegerType(), True), True),
    StructField("labels", ArrayType(IntegerType(), True), True),     # -100 on prompt tokens only
    StructField("scores", ArrayType(FloatType(), True), True),
    StructField("truncated", BooleanType(), True),
    StructField("error", StringType(), True),
])

TOKEN_MASKS_SCHEMA = StructType([
    StructField("run_id", StringType(), False),
    StructField("sample_id", StringType(), False),
    StructField("input_ids", ArrayType(IntegerType(), True), True),
    StructField("labels", ArrayType(IntegerType(), True), True),
    StructField("scores", ArrayType(FloatType(), True), True),
    StructField("tokens", IntegerType(), True),
    StructField("scored_tokens", IntegerType(), True),
    StructField("kept_tokens", IntegerType(), True),
    StructField("threshold", DoubleType(), True),
    StructField("truncated", BooleanType(), True),
    StructField("no_token_kept", BooleanType(), True),
    StructField("mode", StringType(), False),
    StructField("round", IntegerType(), True),        # self-evolving: the subset's round; else null
    StructField("error", StringType(), True),
])
TOKEN_MASKS_COLUMNS = [f.name for f in TOKEN_MASKS_SCHEMA.fields]

# Set once per run (or round); the masking step writes every other column.
RUN_COLUMNS = ("run_id", "threshold", "mode", "round")
MASK_FIELDS = StructType([f for f in TOKEN_MASKS_SCHEMA.fields if f.name not in RUN_COLUMNS])
