"""Scores as Spark stores them: null where a token is not scored.

Pandas and numpy mark an unscored token with NaN, and Arrow keeps a NaN inside
a list as NaN; SQL treats NaN as a number larger than any other (``NaN >= x`` is
true), so it must become null before it reaches a table.
"""
from __future__ import annotations

import numpy as np


def nullable(scores: np.ndarray | None) -> list[float | None] | None:
    if scores is None:
        return None
    return [None if value != value else value for value in np.asarray(scores, np.float32).tolist()]
