"""One refiner's outputs on labelled pages, scored per set and overall.

Per page: the shingle counts of output against gold; where the page has line labels
(``labels.label_lines``) and the refiner reports its deleted spans, the character-level
deletion score; and the output's new characters (``new_characters``), which a refiner
that only deletes must keep at 0.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lakerefine.udfs.quality.deletions import DeletionScore, Spans, score_deletions
from lakerefine.udfs.quality.labels import LineLabels
from lakerefine.udfs.quality.shingles import PageShingles, ShingleScore, score_page

ALL = "all"


@dataclass(frozen=True)
class LabelledPage:
    page_id: str
    set: str
    raw: str
    gold: str
    html: str | None = None
    url: str | None = None
    language: str | None = None  # ISO 639-1 code (with a region: zh-cn) where the data names it


@dataclass
class SetScore:
    shingles: ShingleScore = field(default_factory=ShingleScore)
    deletions: DeletionScore = field(default_factory=DeletionScore)
    new_characters: int = 0
    pages_with_new_characters: int = 0
    chars_in: int = 0
    chars_out: int = 0

    def add_page(self, page: LabelledPage, output: str, shingles: PageShingles, deletions: DeletionScore | None,
                 new: int) -> None:
        self.shingles.add_page(shingles)
        if deletions is not None:
            self.deletions.add(deletions)
        self.new_characters += new
        self.pages_with_new_characters += bool(new)
        self.chars_in += len(page.raw)
        self.chars_out += len(output)

    def as_dict(self, with_deletions: bool) -> dict:
        result = {"shingles": self.shingles.as_dict(), "new_characters": self.new_characters,
                  "pages_with_new_characters": self.pages_with_new_characters,
                  "kept_share": round(self.chars_out / self.chars_in, 4) if self.chars_in else None}
        if with_deletions:
            result["deletions"] = self.deletions.as_dict()
        return result


@dataclass(frozen=True)
class PageScore:
    """One page's scores: its shingles against the gold, its deletions against the line labels (None without
    labels or spans), its new characters."""

    shingles: PageShingles
    deletions: DeletionScore | None
    new_characters: int


def score_outputs(pages: list[LabelledPage], outputs: list[str], deleted: list[Spans] | None,
                  labels: list[LineLabels | None]) -> dict[str, SetScore]:
    """Scores by set and over all pages (``ALL``); ``deleted`` None: the refiner has no spans."""
    return sum_scores(pages, outputs, page_scores(pages, outputs, deleted, labels))


def page_scores(pages: list[LabelledPage], outputs: list[str], deleted: list[Spans] | None,
                labels: list[LineLabels | None]) -> list[PageScore]:
    """Each page's scores, in order."""
    scores = []
    for i, page in enumerate(pages):
        deletions = None
        if deleted is not None and labels[i] is not None:
            deletions = score_deletions(deleted[i], labels[i].boilerplate, labels[i].neutral)
        scores.append(PageScore(score_page(outputs[i], page.gold), deletions, new_characters(page.raw, outputs[i])))
    return scores


def sum_scores(pages: list[LabelledPage], outputs: list[str], scores: list[PageScore]) -> dict[str, SetScore]:
    """``page_scores`` summed by set and over all pages (``ALL``)."""
    sets: dict[str, SetScore] = defaultdict(SetScore)
    for page, output, score in zip(pages, outputs, scores, strict=True):
        for key in (page.set, ALL):
            sets[key].add_page(page, output, score.shingles, score.deletions, score.new_characters)
    return dict(sets)


def new_characters(raw: str, output: str) -> int:
    """Characters of ``output`` left over when it is matched in order against ``raw``, each
    at its earliest place (optimal for a subsequence): 0 exactly when ``output`` is ``raw``
    with characters deleted."""
    new, position, last = 0, 0, {}
    for piece in output.splitlines(keepends=True):
        if raw.startswith(piece, position):  # the greedy match, a line at a time
            position += len(piece)
            continue
        for char in piece:
            if char not in last:
                last[char] = raw.rfind(char)
            if last[char] < position:  # nowhere further on: no scan to the end
                new += 1
            else:
                position = raw.find(char, position) + 1
    return new
