"""The shingle metric and the character-level deletion score (udfs/quality)."""
from __future__ import annotations

import pytest

from lakerefine.udfs.quality.deletions import DeletionScore, score_deletions
from lakerefine.udfs.quality.shingles import ShingleScore, score_page, shingles


def test_shingles_are_4_token_windows_of_word_runs():
    assert shingles("a b, c-d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("one two") == {("one", "two"): 1}
    assert shingles("  ,, ") == {}


def test_identical_texts_score_one_and_disjoint_texts_zero():
    text = "the quick brown fox jumps over the lazy dog"
    page = score_page(text, text)
    assert (page.precision, page.recall) == (1.0, 1.0)
    other = score_page("w x y z v", text)
    assert (other.precision, other.recall) == (0.0, 0.0)


def test_counts_are_multisets_normalised_by_their_sum():
    gold = "a b c d e"          # shingles abcd, bcde
    pred = "a b c d e a b c d"  # abcd x2, bcde, cdea, deab, eabc
    page = score_page(pred, gold)
    assert page.tp == pytest.approx(2 / 6) and page.fp == pytest.approx(4 / 6) and page.fn == 0
    assert page.precision == pytest.approx(2 / 6) and page.recall == 1.0


def test_empty_output_scores_zero_precision_unless_gold_is_empty_too():
    assert score_page("", "some gold words here").precision == 0.0
    assert score_page("", "").precision == 1.0
    assert score_page("a b c d", "").recall == 1.0


def test_f1_is_of_the_averaged_precision_and_recall():
    score = ShingleScore()
    score.add_page(score_page("a b c d", "a b c d"))               # p 1, r 1
    score.add_page(score_page("a b c d x y z w", "a b c d"))       # p 1/5, r 1
    assert score.precision == pytest.approx(0.6) and score.recall == 1.0
    assert score.f1 == pytest.approx(2 * 0.6 / 1.6)


def test_deletion_score_counts_characters_and_ignores_neutral_ones():
    score = score_deletions(deleted=[(0, 10), (20, 25)], boilerplate=[(0, 8), (30, 40)], neutral=[(20, 25)])
    assert (score.true_positive, score.false_positive, score.false_negative) == (8, 2, 10)
    assert score.precision == pytest.approx(0.8) and score.recall == pytest.approx(8 / 18)


def test_a_deletion_score_reads_back_from_what_it_wrote():
    score = DeletionScore(7, 2, 5, 3)
    assert DeletionScore.from_dict(score.as_dict()) == score
