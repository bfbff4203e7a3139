"""Apply a keep rule to scored samples: labels -100 where a token is cleaned away, plus counts.

Rules:
- ``threshold``: keep scored tokens with ``score >= threshold`` (global mode, and
  the rounds of self-evolving mode); no threshold keeps nothing;
- ``per_sample``: keep exactly ``int(m * keep)`` of a sample's m scored tokens,
  highest first, ties broken by position (earlier first);
- ``all``: keep every response token (round 0 of self-evolving mode).
A token that is not scored is never kept by the first two rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pyspark.sql import DataFrame

from lakerefine.schemas.token_masks import MASK_FIELDS
from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.lake.batch_udf import map_batches
from lakerefine.udfs.tokenclean.selection import kept_by_threshold, mask_labels, per_sample_topk

Rule = Literal["threshold", "per_sample", "all"]


@dataclass(frozen=True)
class KeepRule:
    rule: Rule
    keep: float = 1.0
    threshold: float | None = None

    def keep_mask(self, labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
        if self.rule == "threshold":
            if self.threshold is None:  # int(M * keep) == 0
                return np.zeros(len(labels), dtype=bool)
            return kept_by_threshold(scores, self.threshold)
        if self.rule == "per_sample":
            return per_sample_topk(scores, self.keep)
        if self.rule == "all":
            return labels != IGNORE_INDEX
        raise ValueError(f"unknown keep rule {self.rule!r}")


def masked_samples(scored: DataFrame, rule: KeepRule) -> DataFrame:
    """``MASK_FIELDS`` for every scored row."""
    return scored.mapInPandas(map_batches(lambda _, rows: [masked_row(row, rule) for row in rows], MASK_FIELDS),
                              MASK_FIELDS)


def masked_row(row: dict[str, Any], rule: KeepRule) -> dict[str, Any]:
    """A scored row with the rule applied: new labels, and how many tokens are scored and kept."""
    out = {"sample_id": row["sample_id"], "input_ids": row["input_ids"], "scores": row["scores"],
           "truncated": row["truncated"], "error": row["error"]}
    if row["labels"] is None:  # a sample with an error: nothing to mask
        return out
    labels = np.asarray(row["labels"], np.int32)
    scores = np.asarray([np.nan if s is None else s for s in row["scores"]], np.float32)
    new_labels = mask_labels(labels, rule.keep_mask(labels, scores)).astype(np.int32)
    kept = int(np.count_nonzero(new_labels != IGNORE_INDEX))
    return {**out, "labels": new_labels, "tokens": len(labels), "kept_tokens": kept, "no_token_kept": kept == 0,
            "scored_tokens": int(np.count_nonzero(~np.isnan(scores)))}
