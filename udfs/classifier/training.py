"""Training the line model from (raw, expert) pairs: labels from the word alignment (align.py).

Stage 2 learns from stage-1 probabilities that stage 1 did not see the page of (out-of-fold, pages
split into ``folds``), as it will meet them at prediction time. The threshold is picked on stage 2's
out-of-fold probabilities: the one with the best page-averaged F1 of kept words among those whose
page-averaged recall is at least ``min_recall`` (the highest-recall one if none reaches it).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import lightgbm
import numpy as np

from lakerefine.udfs.program.align import kept_lines

from .features import FEATURE_NAMES, LINE_FEATURES, line_features
from .model import CONTEXT_NAMES, LineModel, context_features

_WORDS = LINE_FEATURES.index("words")
_BLANK = LINE_FEATURES.index("is_blank")
THRESHOLDS = tuple(np.round(np.arange(0.05, 0.951, 0.025), 3))


@dataclass(frozen=True)
class TrainingPage:
    raw: str
    expert: str
    site_shares: list[float] | None = None  # per raw line (site_keys.site_shares), None when unknown


@dataclass(frozen=True)
class TrainingParams:
    trees: int = 80
    max_depth: int = 6
    num_leaves: int = 48
    learning_rate: float = 0.1
    min_data_in_leaf: int = 40
    feature_fraction: float = 0.8
    folds: int = 4
    min_recall: float = 0.95
    line_weight: str = "sqrt_words"  # "lines": every line 1; "words": 1 + its \w+ words; "sqrt_words": its root
    threshold: float | None = None  # None: picked on out-of-fold probabilities
    seed: int = 0
    num_threads: int = 1  # OpenMP threads busy-wait: one thread is fastest on a shared machine
    name: str = "lakerefine-line-gbt"
    version: str = "1"


@dataclass
class LabelledLines:
    features: np.ndarray  # rows: every page's lines
    labels: np.ndarray  # 1 = the expert kept the line
    words: np.ndarray  # \w+ words per line (what the threshold's scores count)
    lengths: list[int]  # lines per page


def label_pages(pages: Iterable[TrainingPage]) -> LabelledLines:
    matrices, labels, lengths = [], [], []
    for page in pages:
        matrix = line_features(page.raw, page.site_shares)
        matrices.append(matrix)
        labels.append(np.asarray(kept_lines(page.raw, page.expert), dtype=np.float64))
        lengths.append(matrix.shape[0])
    if not any(lengths):
        raise ValueError("no training lines: every page is empty")
    features = np.vstack(matrices)
    words = np.rint(np.expm1(features[:, _WORDS].astype(np.float64)))
    return LabelledLines(features, np.concatenate(labels), words, lengths)


def train_line_model(pages: Iterable[TrainingPage], params: TrainingParams | None = None) -> LineModel:
    params = params or TrainingParams()
    data = label_pages(pages)
    if len(data.lengths) < params.folds:
        raise ValueError(f"{len(data.lengths)} pages: need at least folds={params.folds}")
    page_of_line = np.repeat(np.arange(len(data.lengths)), data.lengths)
    fold_of_line = page_of_line % params.folds
    blank = data.features[:, _BLANK]

    weight = line_weights(data.words, params.line_weight)
    first_oof = _out_of_fold(data.features, data.labels, weight, fold_of_line, params)
    second_features = np.hstack([data.features, context_features(first_oof, blank, data.lengths)])
    second_oof = _out_of_fold(second_features, data.labels, weight, fold_of_line, params)
    threshold, scores = pick_threshold(second_oof, data, params.min_recall)
    if params.threshold is not None:
        threshold = params.threshold
    stage1 = _fit(data.features, data.labels, weight, FEATURE_NAMES, params)
    stage2 = _fit(second_features, data.labels, weight, (*FEATURE_NAMES, *CONTEXT_NAMES), params)
    training = {
        "params": asdict(params), "pages": len(data.lengths), "lines": int(data.labels.size),
        "kept_line_share": round(float(data.labels.mean()), 4), "out_of_fold": scores,
    }
    return LineModel(stage1, stage2, float(threshold), params.name, params.version, training)


def pick_threshold(probability: np.ndarray, data: LabelledLines, min_recall: float) -> tuple[float, dict]:
    """The threshold and the page-averaged word precision/recall/F1 at it (see module doc)."""
    best = None
    for threshold in THRESHOLDS:
        precision, recall = _page_averaged(probability >= threshold, data)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        key = (recall >= min_recall, f1 if recall >= min_recall else recall)
        if best is None or key > best[0]:
            best = (key, float(threshold), {"precision": round(precision, 4), "recall": round(recall, 4),
                                            "f1": round(f1, 4), "threshold": float(threshold)})
    return best[1], best[2]


def _page_averaged(kept: np.ndarray, data: LabelledLines) -> tuple[float, float]:
    page = np.repeat(np.arange(len(data.lengths)), data.lengths)
    pages = len(data.lengths)
    tp = np.bincount(page, weights=data.words * kept * data.labels, minlength=pages)
    predicted = np.bincount(page, weights=data.words * kept, minlength=pages)
    gold = np.bincount(page, weights=data.words * data.labels, minlength=pages)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, tp / predicted, np.where(gold > 0, 0.0, 1.0))
        recall = np.where(gold > 0, tp / np.maximum(gold, 1e-9), 1.0)
    return float(precision.mean()), float(recall.mean())


def line_weights(words: np.ndarray, scheme: str) -> np.ndarray:
    """Training weight per line: long lines hold most shingles, so a scheme can count words."""
    if scheme == "lines":
        return np.ones(words.size)
    if scheme == "words":
        return 1.0 + words
    if scheme == "sqrt_words":
        return np.sqrt(1.0 + words)
    raise ValueError(f"line_weight must be lines, words or sqrt_words, not {scheme!r}")


def _out_of_fold(
    features: np.ndarray, labels: np.ndarray, weight: np.ndarray, fold: np.ndarray, params: TrainingParams
) -> np.ndarray:
    probability = np.zeros(labels.size)
    for k in range(params.folds):
        held = fold == k
        booster = _fit(features[~held], labels[~held], weight[~held], None, params)
        probability[held] = booster.predict(features[held], num_threads=params.num_threads)
    return probability


def _fit(features: np.ndarray, labels: np.ndarray, weight: np.ndarray, names, params: TrainingParams
         ) -> lightgbm.Booster:
    settings = {
        "objective": "binary", "max_depth": params.max_depth, "num_leaves": params.num_leaves,
        "learning_rate": params.learning_rate, "min_data_in_leaf": params.min_data_in_leaf,
        "feature_fraction": params.feature_fraction, "seed": params.seed, "deterministic": True,
        "force_col_wise": True, "num_threads": params.num_threads, "verbosity": -1,
    }
    dataset = lightgbm.Dataset(features, labels, weight=weight, feature_name=list(names) if names else "auto")
    return lightgbm.train(settings, dataset, num_boost_round=params.trees)
