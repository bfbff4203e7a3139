"""Site-bootstrap intervals of the benchmark's scores."""
from __future__ import annotations

import numpy as np
import pytest

from lakerefine.udfs.quality.deletions import DeletionScore
from lakerefine.udfs.quality.intervals import f1_difference_intervals, score_intervals, site_of
from lakerefine.udfs.quality.scoring import ALL, LabelledPage, PageScore, sum_scores
from lakerefine.udfs.quality.shingles import PageShingles


def page(i: int, site: str | None, set_name: str = "news") -> LabelledPage:
    return LabelledPage(f"p{i}", set_name, "raw", "gold", url=f"https://{site}/{i}" if site else None)


def score(recall: float, tp: int = 0, fn: int = 0) -> PageScore:
    # precision 1: tp = recall, fn = 1 - recall of the page's normalised shingles
    return PageScore(PageShingles(recall, 0.0, 1.0 - recall), DeletionScore(tp, 0, fn, 1), 0)


def test_the_interval_holds_the_score_and_is_a_point_when_every_page_scores_alike():
    pages = [page(i, f"site{i}.org") for i in range(20)]
    alike = score_intervals(pages, [score(0.9)] * 20)
    assert alike[ALL]["recall"] == [0.9, 0.9] and alike[ALL]["sites"] == 20
    rng = np.random.default_rng(1)
    scores = [score(float(r)) for r in rng.uniform(0.5, 1.0, 20)]
    summed = sum_scores(pages, ["out"] * 20, scores)[ALL].shingles
    low, high = score_intervals(pages, scores)[ALL]["recall"]
    assert low < summed.recall < high and high - low < 0.5


def test_pages_of_one_site_count_as_one_unit():
    """40 pages scored 0.5 or 1.0 by site: 4 sites give a wider interval than 40 sites with the same scores."""
    scores = [score(1.0 if i % 4 < 2 else 0.5) for i in range(40)]
    by_page = score_intervals([page(i, f"s{i}.org") for i in range(40)], scores)[ALL]["recall"]
    by_site = score_intervals([page(i, f"s{i % 4}.org") for i in range(40)], scores)[ALL]["recall"]
    assert by_site[1] - by_site[0] > 2 * (by_page[1] - by_page[0])
    assert site_of(page(1, None)) != site_of(page(2, None))   # no URL: a site alone


def test_deletion_intervals_sum_characters_over_the_drawn_pages_and_sets_are_separate():
    pages = [page(i, f"s{i}.org", "docs" if i < 10 else "news") for i in range(20)]
    scores = [score(1.0, tp=80 if i % 2 else 100, fn=20 if i % 2 else 0) for i in range(20)]
    result = score_intervals(pages, scores)
    assert set(result) == {"docs", "news", ALL} and result["docs"]["sites"] == 10
    low, high = result[ALL]["deletion_recall"]
    assert low < 180 / 200 < high and result[ALL]["deletion_precision"] == [1.0, 1.0]
    unlabelled = score_intervals(pages[:2], [PageScore(PageShingles(1, 0, 0), None, 0)] * 2)[ALL]
    assert "deletion_recall" not in unlabelled


def test_the_same_input_gives_the_same_interval_and_another_seed_a_close_one():
    pages = [page(i, f"s{i % 7}.org") for i in range(30)]
    scores = [score(0.5 + 0.01 * i) for i in range(30)]
    assert score_intervals(pages, scores) == score_intervals(pages, scores)
    # 2,000 resamples: a 2.5% quantile moves by well under 0.02 between seeds
    assert score_intervals(pages, scores, seed=1)[ALL]["f1"] == pytest.approx(score_intervals(pages, scores)[ALL]["f1"],
                                                                             abs=0.02)


def test_a_paired_difference_is_resolved_where_the_two_intervals_overlap():
    """B is 0.03 under A on every page: their own intervals overlap, the paired difference does not hold 0."""
    pages = [page(i, f"s{i % 10}.org") for i in range(40)]
    rng = np.random.default_rng(2)
    recalls = rng.uniform(0.6, 0.95, 40)
    a, b = [score(float(r)) for r in recalls], [score(float(r) - 0.03) for r in recalls]
    own_a, own_b = score_intervals(pages, a)[ALL]["f1"], score_intervals(pages, b)[ALL]["f1"]
    assert own_b[1] > own_a[0]   # overlapping
    difference = f1_difference_intervals(pages, a, b)[ALL]
    summed = [sum_scores(pages, ["out"] * 40, s)[ALL].shingles.f1 for s in (a, b)]
    assert difference["difference"] == pytest.approx(summed[0] - summed[1], abs=1e-4)
    assert 0 < difference["interval"][0] <= difference["difference"] <= difference["interval"][1]
    assert f1_difference_intervals(pages, a, a)[ALL] == {"difference": 0.0, "interval": [0.0, 0.0]}
