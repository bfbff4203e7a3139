"""A classifier's line probabilities as a deletion program of the existing language (udfs/program/)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lakerefine.udfs.program.calls import KeepAll, RemoveLines, format_program
from lakerefine.udfs.program.lines import count_lines


def deletion_program(text: str, keep_probability: Sequence[float] | np.ndarray, threshold: float) -> str:
    """``remove_lines`` for every run of lines whose keep probability is below ``threshold``;
    ``keep_all()`` when no line goes."""
    keep = np.asarray(keep_probability, dtype=np.float64)
    lines = count_lines(text)
    if keep.shape != (lines,):
        raise ValueError(f"{keep.shape[0] if keep.ndim == 1 else keep.shape} probabilities for {lines} lines")
    drop = np.concatenate([[False], ~(keep >= threshold), [False]])
    edges = np.flatnonzero(drop[1:] != drop[:-1])
    calls = [RemoveLines(int(first) + 1, int(last)) for first, last in zip(edges[::2], edges[1::2], strict=True)]
    return format_program(calls or [KeepAll()])
