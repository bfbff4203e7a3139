"""The context stage: each line's keep probability again, from the first stage's probabilities around it.

The first stage (trees over features.py: a line, its neighbours -3..+3 and short windows) decides line by
line. Boilerplate and content come in runs, so what the first stage thinks of the lines around a line says
more about it than their features do: stacked sequential learning (Cohen & Carvalho, 2005). The context
stage is a second set of trees over, per line: its first-stage probability, those of lines -5..+5, their
means over windows of 2, 5, 10 and 30 lines and over the text, the shares of the text's likely-kept words
(probability >= 0.5) before and after it, and its words. Blank lines carry no probability (NaN: missing).
It is trained on out-of-fold first-stage probabilities (training.py), as it will see them on unseen sites,
and is monotone in each probability it reads (LightGBM's monotone constraints): a line's keep probability never
falls because the first stage is surer of the line, of a neighbour or of the text. Unconstrained, its trees
learned that a text the first stage keeps almost whole is suspect, and deleted a whole tutorial whose every line
the first stage kept at .99 (MODEL_CARD.md, "Monotone context stage").
"""
from __future__ import annotations

import numpy as np

from .features import shift_rows

CONTEXT_OFFSETS = tuple(o for o in range(-5, 6) if o)
CONTEXT_RADII = (2, 5, 10, 30)
LIKELY_KEPT = 0.5
SCALE = 1 << 24  # probabilities summed as integers of this many steps: exact in any order, so in any batch
CONTEXT_FEATURE_NAMES = (
    "probability",
    *(f"probability@{offset:+d}" for offset in CONTEXT_OFFSETS),
    *(f"probability@mean{radius}" for radius in CONTEXT_RADII),
    "probability@text", "likely_kept_words_before", "likely_kept_words_after", "words",
)


def context_features(probability: np.ndarray, text_line: np.ndarray, words: np.ndarray,
                     lengths: np.ndarray) -> np.ndarray:
    """The context matrix of a batch of texts (rows: their lines one after another; float32, one column per
    name in ``CONTEXT_FEATURE_NAMES``) from the first stage's ``probability`` per line, which lines have text,
    the \\w+ words per line and the lines per text. A text's rows do not depend on the texts batched with it."""
    lengths = np.asarray(lengths, dtype=np.int64)
    line_text = np.repeat(np.arange(lengths.size), lengths)
    first = (np.cumsum(lengths) - lengths)[line_text]
    end = first + lengths[line_text]  # one past the text's last line
    known = np.where(text_line, probability, np.nan)
    steps = _sums(np.where(text_line, np.rint(probability * SCALE), 0))
    counted = _sums(text_line)
    columns = [known]
    columns += [shift_rows(known[:, None], offset, line_text)[:, 0] for offset in CONTEXT_OFFSETS]
    index = np.arange(line_text.size)
    for radius in (*CONTEXT_RADII, None):  # None: the whole text
        low = first if radius is None else np.maximum(index - radius, first)
        high = end if radius is None else np.minimum(index + radius + 1, end)
        columns.append(_ratio(steps[high] - steps[low], (counted[high] - counted[low]) * SCALE))
    kept_words = _sums(np.where(text_line & (probability >= LIKELY_KEPT), words, 0))
    in_text = kept_words[end] - kept_words[first]
    columns += [_ratio(kept_words[index] - kept_words[first], in_text), _ratio(kept_words[end] - kept_words[index + 1],
                                                                               in_text)]
    columns.append(np.log1p(words))
    return np.column_stack(columns).astype(np.float32)


def _sums(values: np.ndarray) -> np.ndarray:
    """Integer prefix sums (``sums[j] - sums[i]`` is the sum of rows i..j-1)."""
    return np.concatenate([[0], np.cumsum(np.asarray(values).astype(np.int64))])


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (nothing to average)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.maximum(denominator, 1), np.nan)
