"""One refiner's outputs on labelled pages, scored per set and overall.

Per page: the shingle counts of output against gold; where the page has line labels
(``labels.label_lines``) and the refiner reports its deleted spans, the character-level
deletion score; and the output's new characters (``new_characters``), which a refiner
that only deletes must keep at 0.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from lakerefine.udfs.quality.deletions import DeletionScore, Spans, score_deletions
from lakerefine.udfs.quality.labels import LineLabels
from lakerefine.udfs.quality.shingles import ShingleScore, score_page

ALL = "all"


@dataclass(frozen=True)
class LabelledPage:
    page_id: str
    set: str
    raw: str
    gold: str
    html: str | None = None
    url: str | None = None


@dataclass
class SetScore:
    shingles: ShingleScore = field(default_factory=ShingleScore)
    deletions: DeletionScore = field(default_factory=DeletionScore)
    new_characters: int = 0
    pages_with_new_characters: int = 0
    chars_in: int = 0
    chars_out: int = 0

    def add_page(self, page: LabelledPage, output: str, deleted: Spans | None, labels: LineLabels | None) -> None:
        self.shingles.add_page(score_page(output, page.gold))
        if deleted is not None and labels is not None:
            self.deletions.add(score_deletions(deleted, labels.boilerplate, labels.neutral))
        new = new_characters(page.raw, output)
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


def score_outputs(pages: list[LabelledPage], outputs: list[str], deleted: list[Spans] | None,
                  labels: list[LineLabels | None]) -> dict[str, SetScore]:
    """Scores by set and over all pages (``ALL``); ``deleted`` None: the refiner has no spans."""
    scores: dict[str, SetScore] = defaultdict(SetScore)
    for i, page in enumerate(pages):
        spans = deleted[i] if deleted is not None else None
        for key in (page.set, ALL):
            scores[key].add_page(page, outputs[i], spans, labels[i])
    return dict(scores)


def new_characters(raw: str, output: str) -> int:
    """Characters of ``output`` left over when it is matched in order against ``raw``, each
    at its earliest place (optimal for a subsequence): 0 exactly when ``output`` is ``raw``
    with characters deleted."""
    new, position, places = 0, 0, None
    for piece in output.splitlines(keepends=True):
        if raw.startswith(piece, position):  # the greedy match, a line at a time
            position += len(piece)
            continue
        places = places or positions(raw)
        for char in piece:
            at = places.get(char, ())
            k = bisect_left(at, position)
            if k == len(at):
                new += 1
            else:
                position = at[k] + 1
    return new


def positions(text: str) -> dict[str, list[int]]:
    """Where each character occurs in ``text``, ascending."""
    found: dict[str, list[int]] = defaultdict(list)
    for i, char in enumerate(text):
        found[char].append(i)
    return found
