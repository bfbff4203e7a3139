"""Scores a labelled sample document's deletions (udfs/quality/deletions.py does the counting)."""
from __future__ import annotations

from lakerefine.udfs.quality.deletions import DeletionScore, Spans, length, overlap, score_deletions
from tests.support.samples.labelled import LabelledDoc

__all__ = ["DeletionScore", "length", "overlap", "score_document"]


def score_document(doc: LabelledDoc, deleted: Spans) -> DeletionScore:
    """``deleted``: sorted disjoint [start, end) spans into ``doc.text``."""
    return score_deletions(deleted, doc.boilerplate_spans, doc.neutral_spans)
