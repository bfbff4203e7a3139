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
  ``export.include_no_token_kept``);
- ``error``: why a sample could not be tokenized or scored (its arrays are null);
  such rows are never dropped silently.
Each run overwrites the table in one commit whose ``userMetadata`` names the run.
"""
from lakerefine.schemas.columns import (
    BOOL,
    DOUBLE,
    FLOAT,
    INT,
    STRING,
    ArrayType,
    StructType,
    optional,
    required,
    struct,
)

TOKENS = ArrayType(INT, True)

# What the scoring UDF returns per sample (the masks are applied afterwards).
SCORED_FIELDS = struct(
    required(STRING, "sample_id"),
    optional(TOKENS, "input_ids", "labels"),               # labels: -100 on prompt tokens only
    optional(ArrayType(FLOAT, True), "scores"),
    optional(BOOL, "truncated"),
    optional(STRING, "error"),
)

TOKEN_MASKS_SCHEMA = struct(
    required(STRING, "run_id", "sample_id"),
    optional(TOKENS, "input_ids", "labels"),
    optional(ArrayType(FLOAT, True), "scores"),
    optional(INT, "tokens", "scored_tokens", "kept_tokens"),
    optional(DOUBLE, "threshold"),
    optional(BOOL, "truncated", "no_token_kept"),
    required(STRING, "mode"),
    optional(INT, "round"),                                # self-evolving: the subset's round; else null
    optional(STRING, "error"),
)

# Set once per run (or round); the masking step writes every other column.
RUN_COLUMNS = ("run_id", "threshold", "mode", "round")
MASK_FIELDS = StructType([f for f in TOKEN_MASKS_SCHEMA.fields if f.name not in RUN_COLUMNS])
