"""Character-level precision and recall of deletions against labelled spans.

A deleted character is a true positive when it lies in a boilerplate span and
a false positive when it lies in neither a boilerplate nor a neutral span; a
boilerplate character not deleted is a false negative. Neutral characters
(blank lines beside a removed block, say) count for nothing. Counts are summed
over documents, so long documents weigh more.
"""
from __future__ import annotations

from dataclasses import dataclass

Spans = list[tuple[int, int]]


@dataclass
class DeletionScore:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    documents: int = 0

    @property
    def precision(self) -> float:
        deleted = self.true_positive + self.false_positive
        return self.true_positive / deleted if deleted else 1.0

    @property
    def recall(self) -> float:
        boilerplate = self.true_positive + self.false_negative
        return self.true_positive / boilerplate if boilerplate else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: DeletionScore) -> None:
        self.true_positive += other.true_positive
        self.false_positive += other.false_positive
        self.false_negative += other.false_negative
        self.documents += other.documents

    @classmethod
    def from_dict(cls, written: dict) -> DeletionScore:
        """The score that ``as_dict`` wrote (its counts; the ratios follow from them)."""
        return cls(written["true_positive"], written["false_positive"], written["false_negative"],
                   written["documents"])

    def as_dict(self) -> dict[str, float | int]:
        return {"documents": self.documents, "true_positive": self.true_positive,
                "false_positive": self.false_positive, "false_negative": self.false_negative,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def overlap(a: Spans, b: Spans) -> int:
    """Characters in both of two sorted lists of disjoint spans."""
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, end - start)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def length(spans: Spans) -> int:
    return sum(end - start for start, end in spans)


def score_deletions(deleted: Spans, boilerplate: Spans, neutral: Spans = ()) -> DeletionScore:
    """All spans: sorted, disjoint ``[start, end)`` into the same raw text."""
    true_positive = overlap(deleted, boilerplate)
    in_neutral = overlap(deleted, list(neutral))
    return DeletionScore(
        true_positive=true_positive,
        false_positive=length(deleted) - true_positive - in_neutral,
        false_negative=length(boilerplate) - true_positive,
        documents=1,
    )
