"""Global and per-sample token selection: exact counts, ties, unscored tokens."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.tokenclean.selection import (
    apply_mask,
    global_threshold,
    kept_by_threshold,
    kept_count,
    mask_labels,
    no_token_kept,
    per_sample_topk,
)

keeps = st.floats(min_value=0.0, max_value=1.0)
score_lists = st.lists(st.floats(min_value=-20, max_value=20, width=32), min_size=1, max_size=200)
tie_heavy_lists = st.lists(st.sampled_from([-1.5, 0.0, 0.25, 2.0]), min_size=1, max_size=200)


def top_k_by_sorting(scores: np.ndarray, keep: float) -> set[int]:
    """The reference code's way: sort every score, keep the first int(M * keep)."""
    scored = [i for i in range(scores.size) if not np.isnan(scores[i])]
    ranked = sorted(scored, key=lambda i: -scores[i])
    return set(ranked[: int(len(scored) * keep)])


@given(st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=300, unique=True), keeps)
def test_distinct_scores_keep_exactly_int_m_times_k(values, keep):
    scores = np.array(values, dtype=np.float32) / 7
    threshold = global_threshold(scores, keep)

    assert kept_count(scores, threshold) == int(scores.size * keep)
    assert set(np.flatnonzero(kept_by_threshold(scores, threshold))) == top_k_by_sorting(scores, keep)


@given(st.one_of(score_lists, tie_heavy_lists), keeps)
def test_threshold_is_the_int_m_k_th_largest_score(values, keep):
    scores = np.array(values, dtype=np.float32)
    threshold = global_threshold(scores, keep)
    target = int(scores.size * keep)

    if target == 0:
        assert kept_count(scores, threshold) == 0
    else:
        assert np.count_nonzero(scores >= threshold) >= target  # ties at the threshold may add some
        assert np.count_nonzero(scores > threshold) < target
        assert threshold in scores


def test_ties_at_the_threshold_are_all_kept():
    scores = np.array([1.0, 2.0, 2.0, 2.0, 3.0])
    threshold = global_threshold(scores, 0.4)  # int(5 * 0.4) = 2 wanted

    assert threshold == 2.0
    assert kept_count(scores, threshold) == 4


def test_unscored_tokens_do_not_count_and_are_never_kept():
    scores = np.array([np.nan, 0.5, np.nan, -1.0, 3.0, 2.0, np.nan])
    threshold = global_threshold(scores, 0.5)  # M = 4, int(4 * 0.5) = 2 kept

    assert threshold == 2.0
    assert kept_by_threshold(scores, threshold).tolist() == [False, False, False, False, True, True, False]
    assert kept_count(scores, -np.inf) == 4


def test_keep_all_and_keep_nothing():
    scores = np.array([0.3, -2.0, 5.0, np.nan])
    assert kept_count(scores, global_threshold(scores, 1.0)) == 3
    assert global_threshold(scores, 0.0) == float("inf")
    assert kept_count(scores, global_threshold(scores, 0.0)) == 0
    assert global_threshold(np.array([np.nan]), 0.6) == float("inf")


def test_keep_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match="keep"):
        global_threshold(np.array([1.0]), 1.5)
    with pytest.raises(ValueError, match="keep"):
        per_sample_topk(np.array([1.0]), -0.1)


def test_apply_mask_keeps_ids_of_kept_tokens_and_masks_the_rest():
    labels = np.array([IGNORE_INDEX, IGNORE_INDEX, 11, 12, 13, 2])
    scores = np.array([np.nan, np.nan, 0.9, -0.4, 0.1, 1.5], dtype=np.float32)

    assert apply_mask(labels, scores, 0.1).tolist() == [IGNORE_INDEX, IGNORE_INDEX, 11, IGNORE_INDEX, 13, 2]
    assert apply_mask(labels, scores, -np.inf).tolist() == labels.tolist()


@given(st.lists(st.one_of(st.none(), st.sampled_from([-1.0, 0.0, 0.5, 3.0])), min_size=1, max_size=60), keeps)
def test_per_sample_topk_keeps_exactly_int_m_k_best_ties_by_position(values, keep):
    scores = np.array([np.nan if v is None else v for v in values])
    mask = per_sample_topk(scores, keep)
    scored = np.flatnonzero(~np.isnan(scores))
    expected = sorted(scored, key=lambda i: (-scores[i], i))[: int(scored.size * keep)]

    assert mask.sum() == int(scored.size * keep)
    assert set(np.flatnonzero(mask)) == set(expected)
    assert not np.any(mask & np.isnan(scores))


def test_per_sample_topk_breaks_ties_by_position():
    scores = np.array([np.nan, 1.0, 2.0, 1.0, 1.0])
    assert per_sample_topk(scores, 0.5).tolist() == [False, True, True, False, False]


def test_no_token_kept_flags_samples_with_nothing_left():
    labels = np.array([IGNORE_INDEX, 5, 6])
    scores = np.array([np.nan, -2.0, -1.0])

    assert not no_token_kept(labels)
    assert no_token_kept(apply_mask(labels, scores, 0.0))
    assert no_token_kept(mask_labels(labels, np.zeros(3, dtype=bool)))
    with pytest.raises(ValueError, match="shape"):
        mask_labels(labels, np.zeros(2, dtype=bool))
