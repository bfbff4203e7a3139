"""A classifier's line probabilities as a deletion program of the existing language (udfs/program/)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lakerefine.udfs.program.calls import KeepAll, KeptWhole, RemoveLines, format_program
from lakerefine.udfs.program.lines import count_lines


def deletion_program(
    text: str, keep_probability: Sequence[float] | np.ndarray, threshold: float,
    line_words: Sequence[float] | np.ndarray | None = None, page_floor: float = 0.0,
) -> str:
    """``remove_lines`` for every run of lines whose keep probability is below ``threshold``;
    ``keep_all()`` when no line goes, and ``KeptWhole()`` (``keep_all()``, audited as ``kept_whole``) when
    the lines that stay would hold less than ``page_floor`` of the text's words (``line_words``: words per
    line, as features.floor_words counts them): a page where the model finds almost no content is one it
    does not understand (a directory, a table of contents, an article inside one script line), and deleting
    a whole document is a filter's decision, not a refiner's."""
    keep = np.asarray(keep_probability, dtype=np.float64)
    lines = count_lines(text)
    if keep.shape != (lines,):
        raise ValueError(f"{keep.shape[0] if keep.ndim == 1 else keep.shape} probabilities for {lines} lines")
    kept = keep >= threshold
    if page_floor > 0 and below_page_floor(kept, np.asarray(line_words, dtype=np.float64), page_floor):
        return KeptWhole()
    drop = np.concatenate([[False], ~kept, [False]])
    edges = np.flatnonzero(drop[1:] != drop[:-1])
    calls = [RemoveLines(int(first) + 1, int(last)) for first, last in zip(edges[::2], edges[1::2], strict=True)]
    return format_program(calls or [KeepAll()])


def below_page_floor(kept: np.ndarray, line_words: np.ndarray, page_floor: float) -> bool:
    """Whether the kept lines hold less than ``page_floor`` of a text's words (never for a text without words)."""
    if line_words.shape != kept.shape:
        raise ValueError(f"{line_words.shape} word counts for {kept.shape[0]} lines")
    total = line_words.sum()
    return bool(total > 0 and line_words[kept].sum() < page_floor * total)
