"""What happened to a document in a refine run: the ``status`` column of refine_edits.

The executor gives the first four; the refine job adds the rest.
"""
from lakerefine.udfs.program.executor import EMPTIED, PROGRAM_REJECTED, REFINED, UNCHANGED

ERROR = "error"                          # generation failed twice (batch, then alone): kept unchanged
SKIPPED_NULL = "skipped_null"            # null or empty text: kept as is
SKIPPED_TOO_LARGE = "skipped_too_large"  # over refine.max_doc_chars with refine.oversize=skip: kept unchanged
CARRIED = "carried"                      # incremental run: text unchanged since the last run, refined row kept
DELETED = "deleted"                      # incremental run: gone from the input, removed from refined

STATUSES = (REFINED, UNCHANGED, EMPTIED, PROGRAM_REJECTED, ERROR, SKIPPED_NULL, SKIPPED_TOO_LARGE,
            CARRIED, DELETED)
# Statuses whose spans were applied to the text (the others keep the text as it was).
EDITED = (REFINED, EMPTIED)

__all__ = ["REFINED", "UNCHANGED", "EMPTIED", "PROGRAM_REJECTED", "ERROR", "SKIPPED_NULL",
           "SKIPPED_TOO_LARGE", "CARRIED", "DELETED", "STATUSES", "EDITED"]
