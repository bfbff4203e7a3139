"""Every status, reason and mode a table records, in one place (no pyspark: kernels import it).

The StructTypes beside this module say which column holds which vocabulary.
"""
from __future__ import annotations

# -- refine_edits.status --------------------------------------------------------------------
# The executor gives refined, unchanged, emptied and program_rejected; the refine job the rest.
REFINED = "refined"
UNCHANGED = "unchanged"
KEPT_WHOLE = "kept_whole"                # the backend chose to keep it whole (the classifier's page floor): unchanged
EMPTIED = "emptied"                      # every character deleted
PROGRAM_REJECTED = "program_rejected"    # too many bad calls: kept as it was
ERROR = "error"                          # generation failed twice (batch, then alone): kept unchanged
SKIPPED_NULL = "skipped_null"            # null or empty text: kept as is
SKIPPED_TOO_LARGE = "skipped_too_large"  # over refine.max_doc_chars with refine.oversize=skip: kept unchanged
CARRIED = "carried"                      # incremental run: text unchanged since the last run, refined row kept
DELETED = "deleted"                      # incremental run: gone from the input, removed from refined
REFINE_STATUSES = (REFINED, UNCHANGED, KEPT_WHOLE, EMPTIED, PROGRAM_REJECTED, ERROR, SKIPPED_NULL, SKIPPED_TOO_LARGE,
                   CARRIED, DELETED)
EDITED = (REFINED, EMPTIED)              # statuses whose spans were applied to the text

# -- refine_edits.rejected_by_reason: why a call of a program was rejected ------------------
# The parser gives the first four, the executor the rest.
UNKNOWN_FUNCTION = "unknown_function"
BAD_ARITY = "bad_arity"
BAD_TYPE = "bad_type"
MALFORMED = "malformed"
OUT_OF_RANGE = "out_of_range"
NOT_FOUND = "not_found"
NOT_UNIQUE = "not_unique"
CALL_REJECTIONS = (UNKNOWN_FUNCTION, BAD_ARITY, BAD_TYPE, MALFORMED, OUT_OF_RANGE, NOT_FOUND, NOT_UNIQUE)

# -- *_quarantine.reason: why an input record was set aside ----------------------------------
INVALID_UTF8 = "invalid_utf8"           # the line's bytes are not UTF-8 (the record shows them as U+FFFD)
INVALID_UNICODE = "invalid_unicode"     # a lone surrogate (an escaped \ud800-\udfff): not encodable as UTF-8
MALFORMED_JSON = "malformed_json"
NOT_AN_OBJECT = "not_an_object"
NULL_TEXT = "null_text"
MISSING_TEXT = "missing_text"
EMPTY_TEXT = "empty_text"
NON_STRING_TEXT = "non_string_text"
BAD_ID = "bad_id"
MISSING_ID = "missing_id"
DUPLICATE_ID = "duplicate_id"
# SFT ingest only.
MISSING_MESSAGES = "missing_messages"   # neither messages nor prompt + response
BAD_MESSAGES = "bad_messages"           # not a list of {role, content} with a known role and string content
NO_RESPONSE = "no_response"             # no assistant turn with non-blank content
ROLES = ("system", "user", "assistant")

# -- where an ingested id came from (counts ids.<source> in runs) -----------------------------
CONTENT_HASH = "content_hash"

# -- expert_pairs.status and reason -----------------------------------------------------------
ACCEPTED = "accepted"
REJECTED = "rejected"
SKIPPED = "skipped"
EXPERT_STATUSES = (ACCEPTED, REJECTED, ERROR, SKIPPED)
# Not sent to the expert.
TOO_LONG = "too_long"                   # over expert.max_doc_chars (and NULL_TEXT)
CONTAINS_MARKERS = "contains_markers"   # the text holds [doc] or [/doc]: its answer could not be parsed
NULL_EXPERT_INPUT = "null_expert_input"  # gold and html experts: the column they read is null
# An answer that is not used.
NO_SECTION = "no_section"                       # no [doc] in the answer (or no answer at all)
UNTERMINATED_SECTION = "unterminated_section"   # [doc] without [/doc]: usually cut by max_new_tokens
MULTIPLE_SECTIONS = "multiple_sections"         # ambiguous: which one is the document?
EMPTY_OUTPUT = "empty_output"                   # an empty section, unless expert.allow_empty
NO_MAIN_CONTENT = "no_main_content"             # html expert: the extractor found no main content
UNALIGNED = "unaligned"                         # gold and html experts: too little of their text is in raw
# No answer: MALFORMED_REPLY is a rejection (the model answered something unusable), the others errors.
TIMEOUT = "timeout"
CONNECTION_ERROR = "connection_error"
HTTP_ERROR = "http_error"
MALFORMED_REPLY = "malformed_reply"
BACKEND_ERROR = "backend_error"

# -- refiner_sft.status and reason (and the distiller's reasons, also expert_pairs') ----------
EMPTY_RAW = "empty_raw"
EMPTY_EXPERT = "empty_expert"
REWRITE_TOO_LONG = "rewrite_too_long"
TOO_FEW_DELETIONS = "too_few_deletions"
MOSTLY_INEXPRESSIBLE = "mostly_inexpressible"
PROGRAM_TOO_LONG = "program_too_long"   # the target has more tokens than the refiner may generate
# and ERROR: the distill step itself failed on the pair (see ``error``)

# -- token_masks ------------------------------------------------------------------------------
GLOBAL, PER_SAMPLE, SELF_EVOLVING = "global", "per_sample", "self_evolving"   # mode
IGNORE_INDEX = -100   # a label outside the loss (the convention of torch's cross-entropy)
