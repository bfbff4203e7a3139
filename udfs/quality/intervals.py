"""How far a benchmark score can be trusted: percentile intervals of a bootstrap over sites.

Pages of one site share their furniture and their template, so a model right or wrong on one of them is
likely right or wrong on the others. The independent units are therefore sites (a page's URL host, as the
refine job groups them; a page without one is a site alone), and the pages of one documentation package are
one draw, not many. Each resample draws as many sites as the set has, with replacement, and scores the pages
of the drawn sites exactly as ``scoring`` does (precision and recall averaged over pages, F1 of the averages;
deleted characters summed over pages). The interval is the central ``level`` of the
resampled scores. Fixed seed: the same pages and outputs give the same interval.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lakerefine.udfs.classifier.site_keys import url_host
from lakerefine.udfs.quality.scoring import ALL, LabelledPage, PageScore
from lakerefine.udfs.quality.shingles import ShingleScore

RESAMPLES = 2000
LEVEL = 0.95


def site_of(page: LabelledPage) -> str:
    return url_host(page.url) or f"page:{page.page_id}"


def score_intervals(pages: Sequence[LabelledPage], scores: Sequence[PageScore], resamples: int = RESAMPLES,
                    level: float = LEVEL, seed: int = 0) -> dict[str, dict]:
    """Per set and over all pages (``ALL``): the number of sites and the intervals (low, high) of shingle
    precision, recall and F1, and of deletion precision and recall where some page has a deletion score."""
    result = {}
    for name, members in _sets(pages).items():
        draws = _resampled([pages[i] for i in members], [scores[i] for i in members], resamples, seed)
        result[name] = {"sites": draws.pop("sites")} | {key: _central(values, level) for key, values in draws.items()}
    return result


def f1_difference_intervals(pages: Sequence[LabelledPage], scores: Sequence[PageScore], other: Sequence[PageScore],
                            resamples: int = RESAMPLES, level: float = LEVEL, seed: int = 0) -> dict[str, dict]:
    """Per set and over all pages: shingle F1 of ``scores`` minus that of ``other`` on the same pages, and its
    interval over the same resamples of sites (a paired bootstrap: both are scored on every resample)."""
    result = {}
    for name, members in _sets(pages).items():
        mine = _resampled([pages[i] for i in members], [scores[i] for i in members], resamples, seed)
        theirs = _resampled([pages[i] for i in members], [other[i] for i in members], resamples, seed)
        observed = _f1_of([scores[i] for i in members]) - _f1_of([other[i] for i in members])
        result[name] = {"difference": round(observed, 4), "interval": _central(mine["f1"] - theirs["f1"], level)}
    return result


def _sets(pages: Sequence[LabelledPage]) -> dict[str, list[int]]:
    by_set: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        by_set.setdefault(page.set, []).append(i)
    by_set[ALL] = list(range(len(pages)))
    return by_set


def _resampled(pages: list[LabelledPage], scores: list[PageScore], resamples: int, seed: int) -> dict:
    """The scores of ``resamples`` draws of sites (the same draws for the same pages and seed)."""
    sites, site_index = np.unique([site_of(page) for page in pages], return_inverse=True)
    rng = np.random.default_rng(seed)
    drawn = rng.multinomial(sites.size, np.full(sites.size, 1 / sites.size), size=resamples)
    weights = drawn[:, site_index].astype(np.float64)  # resample x page: how often the page's site was drawn
    precision = weights @ [s.shingles.precision for s in scores] / weights.sum(axis=1)
    recall = weights @ [s.shingles.recall for s in scores] / weights.sum(axis=1)
    result = {"sites": int(sites.size), "precision": precision, "recall": recall, "f1": _f1(precision, recall)}
    if any(s.deletions is not None for s in scores):
        counts = np.array([[s.deletions.true_positive, s.deletions.false_positive, s.deletions.false_negative]
                           if s.deletions is not None else [0, 0, 0] for s in scores], dtype=np.float64)
        tp, fp, fn = (weights @ counts).T
        result["deletion_precision"] = _ratio(tp, tp + fp)
        result["deletion_recall"] = _ratio(tp, tp + fn)
    return result


def _f1_of(scores: list[PageScore]) -> float:
    total = ShingleScore()
    for score in scores:
        total.add_page(score.shingles)
    return total.f1


def _f1(precision: np.ndarray, recall: np.ndarray) -> np.ndarray:
    total = precision + recall
    return np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total > 0)


def _ratio(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """As DeletionScore does: 1.0 where there is nothing to count."""
    return np.divide(part, whole, out=np.ones_like(whole), where=whole > 0)


def _central(values: np.ndarray, level: float) -> list[float]:
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return [round(float(low), 4), round(float(high), 4)]
