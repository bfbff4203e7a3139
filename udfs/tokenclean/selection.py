"""Which scored tokens stay in the loss (pure numpy).

Scores are float arrays aligned with a sample's tokens, NaN where a token is
not scored (prompt, padding, token 0); an unscored token is never kept.

Global selection (Token Cleaning): over the M scored tokens of a pool, the
paper keeps exactly ``int(M * keep)``. We keep every token whose score is
``>= global_threshold(all_scores, keep)``, the ``int(M * keep)``-th largest
score. With ties at that value a few more tokens than ``int(M * keep)`` are
kept (never fewer): the rule depends on a token's score only, not on its
position in the pool, so Spark can apply it row by row. ``kept_count`` gives
the actual number to record.

Per-sample selection (the RHO-style baseline): the top ``int(m_i * keep)`` of
each sample's m_i scored tokens, exactly, ties broken by position (earlier
first).
"""
from __future__ import annotations

import numpy as np

from lakerefine.schemas.vocab import IGNORE_INDEX


def global_threshold(all_scores: np.ndarray, keep: float) -> float:
    """The ``int(M * keep)``-th largest of the M scored values; ``inf`` (keep nothing) when that is 0."""
    scores = _scored(all_scores, keep)
    n_keep = int(scores.size * keep)
    if n_keep == 0:
        return float("inf")
    return float(np.partition(scores, scores.size - n_keep)[scores.size - n_keep])


def kept_count(all_scores: np.ndarray, threshold: float) -> int:
    """How many scored tokens the threshold keeps (ties included)."""
    return int(np.count_nonzero(kept_by_threshold(all_scores, threshold)))


def kept_by_threshold(scores: np.ndarray, threshold: float) -> np.ndarray:
    """Boolean keep-mask: scored and ``>= threshold``."""
    scores = np.asarray(scores, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return scores >= threshold  # NaN compares False


def per_sample_topk(scores: np.ndarray, keep: float) -> np.ndarray:
    """Boolean keep-mask of exactly ``int(m * keep)`` of the sample's m scored tokens."""
    scores = np.asarray(scores, dtype=np.float64)
    scored = np.flatnonzero(~np.isnan(scores))
    _check_keep(keep)
    n_keep = int(scored.size * keep)
    best_first = scored[np.argsort(-scores[scored], kind="stable")]
    mask = np.zeros(scores.shape, dtype=bool)
    mask[best_first[:n_keep]] = True
    return mask


def mask_labels(labels: np.ndarray, keep_mask: np.ndarray) -> np.ndarray:
    """New labels: unchanged where kept, -100 elsewhere."""
    labels = np.asarray(labels)
    if labels.shape != np.shape(keep_mask):
        raise ValueError(f"labels has shape {labels.shape} but the keep-mask has {np.shape(keep_mask)}")
    return np.where(keep_mask, labels, IGNORE_INDEX)


def apply_mask(labels: np.ndarray, scores: np.ndarray, threshold: float) -> np.ndarray:
    """New labels keeping the tokens whose score is ``>= threshold``; -100 elsewhere."""
    return mask_labels(labels, kept_by_threshold(scores, threshold))


def no_token_kept(labels: np.ndarray) -> bool:
    """True when a sample has no label left to train on (flag it; don't train on it)."""
    return not np.any(np.asarray(labels) != IGNORE_INDEX)


def _scored(all_scores: np.ndarray, keep: float) -> np.ndarray:
    _check_keep(keep)
    scores = np.asarray(all_scores, dtype=np.float64).ravel()
    return scores[~np.isnan(scores)]


def _check_keep(keep: float) -> None:
    if not 0.0 <= keep <= 1.0:
        raise ValueError(f"keep must be a fraction in [0, 1], got {keep}")
