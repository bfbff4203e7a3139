"""Training the line model from (raw, expert) pairs: labels from the word alignment (align.py).

Pages are split into ``folds`` by site (a page's ``group``; pages without one fold alone), so that every out-
of-fold score is a score on sites the model has not seen. The word-score columns of a fold's lines come from a
lexicon built on the other folds, so the trees learn how far a lexicon can be trusted on sites it has not
seen, as at prediction time; the model keeps the lexicon of all pages. Only lines with text train (blank lines
follow their neighbours: model.fill_blank_lines). The context stage (context.py) trains on the first stage's
out-of-fold probabilities, with the same folds, monotone in every probability it reads (``context_monotone``).
The threshold is picked on the last stage's out-of-fold probabilities: the one with the best page-averaged F1 of
kept words among those whose page-averaged recall is at least ``min_recall`` (the highest-recall one if none reaches
it). The page floor (program.py) is a parameter: the word labels of the alignment cannot score it (a page whose
article the alignment could not place has no kept words to lose), so scripts/cv_classifier.py chose it on out-of-
fold shingle scores. With ``wrapped_copies`` every page is also trained on hard-wrapped (wrapping.py), at a width
drawn per page (seeded), in its page's fold and without site shares; the threshold is picked on the pages as given.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import lightgbm
import numpy as np

from lakerefine.udfs.program.align import kept_lines

from .context import CONTEXT_FEATURE_NAMES, context_features
from .features import (
    BASE_COLUMNS,
    BLANK,
    FEATURE_NAMES,
    base_features,
    line_words,
    parse,
    text_word_hashes,
    word_score_columns,
)
from .lexicon import build_lexicon
from .model import LineModel
from .wrapping import WRAP_WIDTHS, hard_wrap

THRESHOLDS = tuple(np.round(np.arange(0.05, 0.951, 0.025), 3))


@dataclass(frozen=True)
class TrainingPage:
    raw: str
    expert: str
    site_shares: list[float] | None = None  # per raw line (site_keys.site_shares), None when unknown
    group: str | None = None  # the page's site: pages of one site share a fold


@dataclass(frozen=True)
class TrainingParams:
    trees: int = 80
    context_trees: int = 40  # trees of the context stage (context.py); 0: no context stage
    max_depth: int = 6
    num_leaves: int = 48
    learning_rate: float = 0.1
    min_data_in_leaf: int = 40
    feature_fraction: float = 0.8
    folds: int = 4
    min_recall: float = 0.95
    line_weight: str = "sqrt_words"  # "lines": every line 1; "words": 1 + its \w+ words; "sqrt_words": its root
    lexicon_min_count: int = 5  # lines a word must occur on to enter the lexicon
    threshold: float | None = None  # None: picked on out-of-fold probabilities
    page_floor: float = 0.1  # program.py; chosen by scripts/cv_classifier.py (MODEL_CARD.md)
    context_monotone: bool = True  # the context stage never lowers a line's keep probability as one it reads rises
    lexicon_dropout: float = 0.2  # share of pages the first stage is fitted on without their word scores (seeded)
    wrapped_copies: bool = False  # also train on each page hard-wrapped (wrapping.py), in its fold (MODEL_CARD.md)
    seed: int = 0
    num_threads: int = 1  # OpenMP threads busy-wait: one thread is fastest on a shared machine
    name: str = "lakerefine-line-gbt"
    version: str = "2"


@dataclass(frozen=True)
class OutOfFold:
    """The training procedure's out-of-fold results, one row per line of its pages (blank lines: 0)."""

    features: np.ndarray  # the first stage's matrix, word scores from lexicons without the page's fold
    context: np.ndarray | None  # context.py's matrix of the first stage's probabilities (None: no context stage)
    probability: np.ndarray  # the last stage's probabilities: what the threshold and page floor are picked on


@dataclass
class LabelledLines:
    features: np.ndarray  # rows: every page's lines; the columns before the word scores
    labels: np.ndarray  # 1 = the expert kept the line
    words: np.ndarray  # \w+ words per line (what the threshold's scores count)
    lengths: list[int]  # lines per page
    groups: list[str | None]  # per page
    word_hashes: list[np.ndarray]  # per page: each word's lexicon hash
    word_lines: list[np.ndarray]  # per page: each word's line in the page
    originals: int  # the pages as given come first; the rest are wrapped copies of the first ones, in order

    @property
    def page_of_line(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.lengths)), self.lengths)

    @property
    def copy_of(self) -> np.ndarray:
        """Per page, the page as given that it is (itself) or that it is a wrapped copy of."""
        return np.concatenate([np.arange(self.originals), np.arange(len(self.lengths) - self.originals)])


def label_pages(pages: Iterable[TrainingPage], params: TrainingParams | None = None) -> LabelledLines:
    """The pages' feature rows and line labels, followed by those of their wrapped copies when ``params`` asks."""
    pages = list(pages)
    originals = len(pages)
    if params is not None and params.wrapped_copies:
        pages += wrapped_copies(pages, params.seed)
    matrices, labels, lengths, groups, hashes, word_lines = [], [], [], [], [], []
    for page in pages:
        groups.append(page.group)
        parsed = parse([page.raw])
        matrices.append(base_features(parsed, [page.site_shares]))
        labels.append(np.asarray(kept_lines(page.raw, page.expert), dtype=np.float64))
        lengths.append(parsed.lines)
        hashes.append(text_word_hashes(parsed))
        word_lines.append(parsed.word_line)
    if not any(lengths):
        raise ValueError("no training lines: every page is empty")
    features = np.vstack(matrices)
    words = line_words(features)
    return LabelledLines(features, np.concatenate(labels), words, lengths, groups, hashes, word_lines, originals)


def wrapped_copies(pages: list[TrainingPage], seed: int) -> list[TrainingPage]:
    """Each page hard-wrapped at a width drawn from WRAP_WIDTHS (seeded), same expert and site, no site shares
    (they count the lines of the page as given)."""
    widths = np.random.default_rng(seed).integers(WRAP_WIDTHS[0], WRAP_WIDTHS[1] + 1, len(pages))
    return [TrainingPage(hard_wrap(page.raw, int(width)), page.expert, None, page.group)
            for page, width in zip(pages, widths, strict=True)]


def train_line_model(pages: Iterable[TrainingPage], params: TrainingParams | None = None) -> LineModel:
    params = params or TrainingParams()
    data = label_pages(pages, params)
    out_of_fold = out_of_fold_probabilities(data, params)
    threshold, scores = pick_threshold(out_of_fold.probability, data, params.min_recall)
    if params.threshold is not None:
        threshold = params.threshold
    text = data.features[:, BLANK] == 0
    weight = line_weights(data.words, params.line_weight)[text]
    booster = _fit(lexicon_dropped(out_of_fold.features, data, params)[text], data.labels[text], weight, params,
                   params.trees, FEATURE_NAMES)
    context_booster = None
    if out_of_fold.context is not None:
        context_booster = _fit(out_of_fold.context[text], data.labels[text], weight, params, params.context_trees,
                               CONTEXT_FEATURE_NAMES, context_constraints(params))
    training = {
        "params": asdict(params), "pages": data.originals, "wrapped_copies": len(data.lengths) - data.originals,
        "lines": int(data.labels.size),
        "text_lines": int(text.sum()), "kept_line_share": round(float(data.labels[text].mean()), 4),
        "out_of_fold": scores,
    }
    lexicon = page_lexicon(data, np.ones(len(data.lengths), dtype=bool), params.lexicon_min_count)
    return LineModel(booster, lexicon, float(threshold), params.name, params.version, training,
                     page_floor=params.page_floor, context_booster=context_booster)


def out_of_fold_probabilities(data: LabelledLines, params: TrainingParams) -> OutOfFold:
    """Every text line's keep probability from the stages trained on the folds without its page (first stage
    with word scores out of fold; the context stage over the first stage's out-of-fold probabilities)."""
    if data.originals < params.folds:
        raise ValueError(f"{data.originals} pages: need at least folds={params.folds}")
    page_fold = page_folds(data.groups[:data.originals], params.folds)[data.copy_of]  # a copy in its page's fold
    fold_of_line = page_fold[data.page_of_line]
    features = np.hstack([data.features, out_of_fold_word_scores(data, page_fold, params.lexicon_min_count)])
    text = data.features[:, BLANK] == 0
    weight = line_weights(data.words, params.line_weight)

    def stage(fitted: np.ndarray, matrix: np.ndarray, trees: int, names: tuple[str, ...],
              monotone: list[int] | None = None) -> np.ndarray:
        probability = np.zeros(data.labels.size)
        for k in range(params.folds):
            held = fold_of_line == k
            booster = _fit(fitted[~held & text], data.labels[~held & text], weight[~held & text], params, trees, names,
                           monotone)
            probability[held & text] = booster.predict(matrix[held & text], num_threads=params.num_threads)
        return probability

    first = stage(lexicon_dropped(features, data, params), features, params.trees, FEATURE_NAMES)
    if not params.context_trees:
        return OutOfFold(features, None, first)
    context = context_features(first, text, data.words, np.asarray(data.lengths))
    return OutOfFold(features, context, stage(context, context, params.context_trees, CONTEXT_FEATURE_NAMES,
                                              context_constraints(params)))


def lexicon_dropped(features: np.ndarray, data: LabelledLines, params: TrainingParams) -> np.ndarray:
    """The first stage's matrix as it is fitted: the word scores unknown (NaN) on a ``lexicon_dropout`` share
    of the pages (seeded), as on a page in a language the lexicon does not know."""
    if not params.lexicon_dropout:
        return features
    dropped_pages = np.random.default_rng(params.seed).random(len(data.lengths)) < params.lexicon_dropout
    dropped = features.copy()
    dropped[np.flatnonzero(dropped_pages[data.page_of_line]), BASE_COLUMNS:] = np.nan
    return dropped


def page_folds(groups: list[str | None], folds: int) -> np.ndarray:
    """Each page's fold: from a hash of its group (pages without one: by position), or by position
    alone when fewer than ``folds`` groups have pages in every fold."""
    by_group = np.array([
        int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % folds if group is not None else i % folds
        for i, group in enumerate(groups)])
    if np.unique(by_group).size == folds:
        return by_group
    return np.arange(len(groups)) % folds


def out_of_fold_word_scores(data: LabelledLines, page_fold: np.ndarray, min_count: int) -> np.ndarray:
    """The word-score columns of every page, from a lexicon built without the page's fold."""
    parts = []
    lexicons = {fold: page_lexicon(data, page_fold != fold, min_count) for fold in np.unique(page_fold)}
    for page, lines in enumerate(data.lengths):
        lexicon = lexicons[page_fold[page]]
        line_text = np.zeros(lines, dtype=np.int64)
        parts.append(word_score_columns(data.word_hashes[page], data.word_lines[page], line_text, lexicon))
    return np.vstack(parts).astype(np.float32)


def page_lexicon(data: LabelledLines, pages: np.ndarray, min_count: int):
    """The lexicon of the chosen pages' words and line labels."""
    offsets = np.concatenate([[0], np.cumsum(data.lengths)])
    chosen = np.flatnonzero(pages)
    hashes = np.concatenate([data.word_hashes[p] for p in chosen] or [np.zeros(0, np.uint64)])
    lines = np.concatenate([data.word_lines[p] + offsets[p] for p in chosen] or [np.zeros(0, np.int64)])
    return build_lexicon(hashes, lines, data.labels, min_count)


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
    page = data.page_of_line
    pages = len(data.lengths)
    tp = np.bincount(page, weights=data.words * kept * data.labels, minlength=pages)
    predicted = np.bincount(page, weights=data.words * kept, minlength=pages)
    gold = np.bincount(page, weights=data.words * data.labels, minlength=pages)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, tp / predicted, np.where(gold > 0, 0.0, 1.0))
        recall = np.where(gold > 0, tp / np.maximum(gold, 1e-9), 1.0)
    return float(precision[:data.originals].mean()), float(recall[:data.originals].mean())  # the pages as given


def line_weights(words: np.ndarray, scheme: str) -> np.ndarray:
    """Training weight per line: long lines hold most shingles, so a scheme can count words."""
    if scheme == "lines":
        return np.ones(words.size)
    if scheme == "words":
        return 1.0 + words
    if scheme == "sqrt_words":
        return np.sqrt(1.0 + words)
    raise ValueError(f"line_weight must be lines, words or sqrt_words, not {scheme!r}")


def context_constraints(params: TrainingParams) -> list[int] | None:
    """LightGBM's monotone constraints of the context stage: +1 on every probability column, or None."""
    if not params.context_monotone:
        return None
    return [int(name.startswith("probability")) for name in CONTEXT_FEATURE_NAMES]


def _fit(features: np.ndarray, labels: np.ndarray, weight: np.ndarray, params: TrainingParams, trees: int,
         names: tuple[str, ...], monotone: list[int] | None = None) -> lightgbm.Booster:
    settings = {
        "objective": "binary", "max_depth": params.max_depth, "num_leaves": params.num_leaves,
        "learning_rate": params.learning_rate, "min_data_in_leaf": params.min_data_in_leaf,
        "feature_fraction": params.feature_fraction, "seed": params.seed, "deterministic": True,
        "force_col_wise": True, "num_threads": params.num_threads, "verbosity": -1,
    }
    if monotone is not None:
        settings["monotone_constraints"] = monotone
    dataset = lightgbm.Dataset(features, labels, weight=weight, feature_name=list(names))
    return lightgbm.train(settings, dataset, num_boost_round=trees)
