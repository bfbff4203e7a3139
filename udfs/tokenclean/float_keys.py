"""The exact k-th largest of many float32 scores from two small histograms (radix select; numpy only).

A float32 maps to a uint32 *key* whose unsigned order is the float order: flip
every bit of a negative number, set the sign bit of a positive one (-0.0 is made
+0.0 first, so equal floats have equal keys). Pass 1 counts keys by their high 16
bits; the bucket holding rank k is found by walking the counts from the top;
pass 2 counts that bucket's keys by their low 16 bits and finds the key itself.
Each pass is a histogram of at most 65,536 counts, however many scores there are,
so Spark can sum them per bucket and the driver only ever sees counts.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

SIGN = np.uint32(0x8000_0000)
LOW_BITS = 16


def sortable_keys(scores: np.ndarray) -> np.ndarray:
    """uint32 keys of the non-NaN scores, ordered as the scores are."""
    values = np.asarray(scores, dtype=np.float32).ravel()
    values = values[~np.isnan(values)] + np.float32(0.0)   # -0.0 + 0.0 == +0.0
    bits = values.view(np.uint32)
    return np.where(bits & SIGN, ~bits, bits | SIGN)


def key_to_float(key: int) -> float:
    bits = np.uint32(key)
    bits = bits & ~SIGN if bits & SIGN else ~bits
    return float(np.array([bits], dtype=np.uint32).view(np.float32)[0])


def high_counts(scores: np.ndarray) -> dict[int, int]:
    """Pass 1: how many keys have each high-16-bit value."""
    return _counts(sortable_keys(scores) >> LOW_BITS)


def low_counts(scores: np.ndarray, high: int) -> dict[int, int]:
    """Pass 2: within the keys whose high bits are ``high``, how many have each low-16-bit value."""
    keys = sortable_keys(scores)
    return _counts(keys[(keys >> LOW_BITS) == high] & 0xFFFF)


@dataclass(frozen=True)
class Step:
    value: int      # the bucket (or low bits) holding the wanted rank
    above: int      # how many keys are in higher buckets
    count: int      # how many keys are in this bucket


def find_rank(counts: Mapping[int, int], rank: int) -> Step:
    """The bucket holding the ``rank``-th largest key (1-based), walking from the top."""
    above = 0
    for value in sorted(counts, reverse=True):
        if above + counts[value] >= rank:
            return Step(value, above, counts[value])
        above += counts[value]
    raise ValueError(f"rank {rank} is beyond the {above} keys counted")


def kth_largest(scores: np.ndarray, rank: int) -> tuple[float, int]:
    """(the ``rank``-th largest score, how many scores are >= it), by the two passes in one process."""
    high = find_rank(high_counts(scores), rank)
    low = find_rank(low_counts(scores, high.value), rank - high.above)
    return key_to_float((high.value << LOW_BITS) | low.value), high.above + low.above + low.count


def _counts(values: np.ndarray) -> dict[int, int]:
    unique, counts = np.unique(values, return_counts=True)
    return {int(v): int(n) for v, n in zip(unique, counts, strict=True)}
