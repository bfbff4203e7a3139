"""The global threshold computed by Spark (exact radix select, approx percentile) against the numpy reference."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lakerefine.schemas.token_masks import SCORED_FIELDS
from lakerefine.udfs.tokenclean.float_keys import key_to_float, kth_largest, sortable_keys
from lakerefine.udfs.tokenclean.masks import KeepRule, masked_row
from lakerefine.udfs.tokenclean.selection import global_threshold, kept_count, per_sample_topk
from lakerefine.udfs.tokenclean.threshold import approx_selection, exact_selection

float32s = st.floats(width=32, allow_nan=True, allow_infinity=True)


@given(arrays(np.float32, st.integers(1, 300), elements=float32s), st.floats(0.01, 1.0))
def test_radix_select_is_the_numpy_reference(scores, keep):
    scored = scores[~np.isnan(scores)]
    target = int(scored.size * keep)
    if target == 0:
        return
    threshold, kept = kth_largest(scores, target)
    assert threshold == global_threshold(scores, keep)
    assert kept == kept_count(scores, threshold) >= target


@given(arrays(np.float32, 50, elements=st.floats(width=32, allow_nan=False)))
def test_keys_order_like_floats_and_convert_back(values):
    keys = sortable_keys(values)
    assert [key_to_float(k) for k in keys] == [float(v) + 0.0 for v in values]
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(keys[order].astype(np.int64)) >= 0)


def scored_frame(spark, rows: list[list[float | None]]):
    data = pd.DataFrame({
        "sample_id": [f"s{i}" for i in range(len(rows))],
        "input_ids": [list(range(len(r))) for r in rows],
        "labels": [list(range(len(r))) for r in rows],
        "scores": rows,
        "truncated": False,
        "error": None,
    })
    return spark.createDataFrame(data, SCORED_FIELDS)


def flat(rows: list[list[float | None]]) -> np.ndarray:
    return np.array([np.nan if v is None else v for r in rows for v in r], np.float32)


@pytest.mark.parametrize("rows, keep", [
    ([[None, 0.5, -1.0, 2.0], [None, None], [3.0, 0.5, 0.5, 0.5, -0.0, 0.0]], 0.6),   # ties and both zeros
    ([[1.0, 1.0, 1.0], [1.0]], 0.5),                                                     # all equal
    ([[None, -1e30, float("inf"), -float("inf")], [1e-40, -1e-40]], 0.34),             # extremes, subnormals
    ([[0.1], [float("inf")]], 0.4),                                                      # int(M * k) == 0
    ([[None]], 0.6),                                                                     # nothing scored
])
def test_exact_selection_on_spark_is_the_numpy_reference(spark, rows, keep):
    selection = exact_selection(scored_frame(spark, rows), keep)
    scores = flat(rows)
    assert selection.scored == int(np.count_nonzero(~np.isnan(scores)))
    if selection.target == 0:
        assert selection.threshold is None and selection.kept == 0 and global_threshold(scores, keep) == math.inf
    else:
        assert selection.threshold == global_threshold(scores, keep)
        assert selection.kept == kept_count(scores, selection.threshold)


def test_approx_selection_keeps_within_its_rank_error(spark):
    rng = np.random.default_rng(7)
    rows = [rng.normal(size=int(n)).astype(np.float32).tolist() for n in rng.integers(20, 60, size=200)]
    selection = approx_selection(scored_frame(spark, rows), keep=0.6, accuracy=100)
    scores = flat(rows)
    kept = kept_count(scores, selection.threshold)
    assert selection.target == int(scores.size * 0.6) and selection.rank_error_bound == math.ceil(scores.size / 100)
    assert abs(kept - selection.target) <= selection.rank_error_bound + 1


@settings(max_examples=50)
@given(st.lists(st.lists(st.one_of(st.none(), st.floats(-5, 5, width=32)), min_size=1, max_size=30),
                min_size=1, max_size=5), st.floats(0.0, 1.0))
def test_per_sample_rule_is_the_numpy_reference(rows, keep):
    batch = [{"sample_id": str(i), "input_ids": np.arange(len(r)) + 10, "labels": np.arange(len(r)) + 10,
              "scores": r, "truncated": False, "error": None} for i, r in enumerate(rows)]
    out = [masked_row(row, KeepRule("per_sample", keep)) for row in batch]
    scores_of = [np.array([np.nan if v is None else v for v in r], np.float32) for r in rows]
    for o, scores in zip(out, scores_of, strict=True):
        labels, kept = o["labels"], o["kept_tokens"]
        mask = per_sample_topk(scores, keep)
        assert (labels != -100).tolist() == mask.tolist() and kept == mask.sum()
        assert kept == int(np.count_nonzero(~np.isnan(scores)) * keep)
