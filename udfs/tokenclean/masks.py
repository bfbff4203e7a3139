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

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame

from lakerefine.schemas.token_masks import IGNORE_INDEX, MASK_FIELDS
from lakerefine.udfs.tokens.selection import kept_by_threshold, mask_labels, per_sample_topk

from .nullable import nullable

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
    return scored.mapInPandas(mask_batches_fn(rule), MASK_FIELDS)


def mask_batches_fn(rule: KeepRule) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    def mask_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield masked_frame(batch, rule)

    return mask_batches


def masked_frame(batch: pd.DataFrame, rule: KeepRule) -> pd.DataFrame:
    labels_out, tokens, scored_tokens, kept_tokens = [], [], [], []
    for labels, scores in zip(batch["labels"], batch["scores"]):
        if labels is None:  # a sample with an error: nothing to mask
            for column in (labels_out, tokens, scored_tokens, kept_tokens):
                column.append(None)
            continue
        labels = np.asarray(labels, np.int32)
        scores = np.asarray(scores, np.float32)
        new_labels = mask_labels(labels, rule.keep_mask(labels, scores)).astype(np.int32)
        labels_out.append(new_labels)
        tokens.append(len(labels))
        scored_tokens.append(int(np.count_nonzero(~np.isnan(scores))))
        kept_tokens.append(int(np.count_nonzero(new_labels != IGNORE_INDEX)))
    kept = pd.array(kept_tokens, dtype="Int32")
    return pd.DataFrame({
        "sample_id": batch["sample_id"],
        "input_ids": batch["input_ids"],
        "labels": labels_out,
        "scores": [nullable(s) for s in batch["scores"]],
        "tokens": pd.array(tokens, dtype="Int32"),
        "scored_tokens": pd.array(scored_tokens, dtype="Int32"),
        "kept_tokens": kept,
        "truncated": batch["truncated"],
        "no_token_kept": (kept == 0).astype("boolean"),
        "error": batch["error"],
    })
