"""The shingle metric of the public article-extraction benchmarks.

Tokens are ``\\w+`` runs; a text's shingles are the multiset of its 4-token
windows (a text of 1-3 tokens is one shingle of all its tokens; none has no
shingle). Per page, true positives, false positives and false negatives are
counted over the two multisets and normalised by their sum; precision and
recall are averaged over pages, and F1 is the F1 of the two averages.

A page whose output has no shingle scores precision 1 when its gold has none
either, else 0; a page whose gold has no shingle scores recall 1.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter:
    tokens = _TOKEN.findall(text or "")
    if 0 < len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class PageShingles:
    """One page's normalised counts (``tp + fp + fn == 1`` unless both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if not self.fn else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score_page(predicted: str, gold: str) -> PageShingles:
    pred, true = shingles(predicted), shingles(gold)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if not total:
        return PageShingles(0.0, 0.0, 0.0)
    return PageShingles(tp / total, fp / total, fn / total)


@dataclass
class ShingleScore:
    """Pages' precision and recall averaged; F1 of the averages."""

    precision_sum: float = 0.0
    recall_sum: float = 0.0
    pages: int = 0
    page_f1s: list[float] = field(default_factory=list, repr=False)

    def add_page(self, page: PageShingles) -> None:
        p, r = page.precision, page.recall
        self.precision_sum += p
        self.recall_sum += r
        self.pages += 1
        self.page_f1s.append(2 * p * r / (p + r) if p + r else 0.0)

    def add(self, other: ShingleScore) -> None:
        self.precision_sum += other.precision_sum
        self.recall_sum += other.recall_sum
        self.pages += other.pages
        self.page_f1s.extend(other.page_f1s)

    @property
    def precision(self) -> float:
        return self.precision_sum / self.pages if self.pages else 1.0

    @property
    def recall(self) -> float:
        return self.recall_sum / self.pages if self.pages else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"pages": self.pages, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}
