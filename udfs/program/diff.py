"""A fast character diff for (raw, expert) pairs whose expert mostly deletes.

Character-level ``difflib`` over whole 5-50 KB documents is slow (quadratic-ish)
and, with its default ``autojunk``, aligns poorly. Instead the diff narrows down
in three steps: lines (each with its "\\n"), then words inside changed lines
(after trimming their common prefix and suffix), then characters inside changed
words. Where a block's expert side is what is left of its raw side after
deletions, it is reported as deletions only, preferring deletions that never
join two lines.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate
from typing import NamedTuple

# Most raw characters a block may span when merged with its neighbours to explain
# an apparent insertion (see _changed_regions).
MERGE_LIMIT = 4096

# Largest region (raw lines x expert lines) aligned by dynamic programming.
MAX_ALIGNMENT_CELLS = 4096

DELETE = "delete"
INSERT = "insert"
REPLACE = "replace"

_WORDS = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


@dataclass(frozen=True)
class Edit:
    tag: str  # DELETE, INSERT or REPLACE
    raw_start: int
    raw_end: int
    expert_start: int
    expert_end: int


class _Region(NamedTuple):
    """Units raw[i1:i2] became expert[j1:j2]; ``parts`` are the regions merged into it."""

    i1: int
    i2: int
    j1: int
    j2: int
    parts: tuple[_Region, ...] = ()


class _Units(NamedTuple):
    """A text cut into units (lines or words), with each unit's offset in the text."""

    units: list[str]
    at: list[int]  # at[k] is where unit k starts; at[-1] is the end


def diff_edits(raw: str, expert: str) -> list[Edit]:
    """The non-equal character spans between ``raw`` and ``expert``, in order."""
    return _Differ(raw, expert).line_edits()


class _Differ:
    def __init__(self, raw: str, expert: str):
        self.raw, self.expert = raw, expert
        self.a = _cut(_lines_with_newlines(raw), 0)  # raw lines
        self.b = _cut(_lines_with_newlines(expert), 0)  # expert lines
        self._line_match_cache: dict[tuple[int, int, int, int], dict[int, int] | None] = {}

    # -- lines ---------------------------------------------------------------------

    def line_edits(self) -> list[Edit]:
        regions = _changed_regions(self.a, self.b, lambda region: self._line_matches(region) is not None,
                                   _repeated(self.a.units, self.b.units))
        return [edit for region in regions for edit in self._line_region_edits(region)]

    def _line_region_edits(self, region: _Region) -> list[Edit]:
        a, b = self.a, self.b
        r1, r2, e1, e2 = _span(a, b, region)
        if r1 == r2 or e1 == e2:
            return [_whole(r1, r2, e1, e2)]
        pairs = self._line_matches(region)
        if pairs is not None:  # each expert line is what is left of one raw line
            edits, j = [], region.j1
            for i in range(region.i1, region.i2):
                if i in pairs:
                    edits += self._word_edits(a.at[i], a.at[i + 1], b.at[j], b.at[j + 1])
                    j += 1
                else:
                    edits.append(_whole(a.at[i], a.at[i + 1], b.at[j], b.at[j]))
            return edits
        if region.parts and (all(self._deletes_only(_span(a, b, part)) for part in region.parts)
                             or not self._deletes_only(_span(a, b, region))):
            # merging did not make it a deletion: diff the original parts
            return [edit for part in region.parts for edit in self._line_region_edits(part)]
        return self._word_edits(r1, r2, e1, e2)

    def _line_matches(self, region: _Region) -> dict[int, int] | None:
        """Map raw line -> expert line, in order, each expert line a subsequence
        of its raw line (so only deletions inside lines); None if there is none.

        Among such maps, the one deleting the fewest characters inside kept lines
        (dynamic programming; greedy leftmost for very large regions), so a short
        expert line is matched to its own raw line, not to some long paragraph
        that happens to contain its characters.
        """
        key = region[:4]
        if key not in self._line_match_cache:
            rows, columns = region.i2 - region.i1, region.j2 - region.j1
            if rows * columns <= MAX_ALIGNMENT_CELLS:
                found = self._cheapest_line_matches(region)
            else:
                found = self._greedy_line_matches(region)
            self._line_match_cache[key] = found
        return self._line_match_cache[key]

    def _cheapest_line_matches(self, region: _Region) -> dict[int, int] | None:
        a, b = self.a.units, self.b.units
        i1, i2, j1, j2 = region[:4]
        infinity = float("inf")
        # cost[i][j]: fewest characters deleted inside matched lines when aligning
        # raw lines i.. with expert lines j.. (raw lines left over are deleted whole)
        cost = [[infinity] * (j2 - j1 + 1) for _ in range(i2 - i1 + 1)]
        for i in range(i2, i1 - 1, -1):
            cost[i - i1][j2 - j1] = 0
        for i in range(i2 - 1, i1 - 1, -1):
            for j in range(j2 - 1, j1 - 1, -1):
                best = cost[i + 1 - i1][j - j1]
                rest = cost[i + 1 - i1][j + 1 - j1]
                if rest < best:
                    extra = len(a[i]) - len(b[j])
                    if rest + extra < best and _is_subsequence(b[j], a[i]):
                        best = rest + extra
                cost[i - i1][j - j1] = best
        if cost[0][0] == infinity:
            return None
        pairs, j = {}, j1
        for i in range(i1, i2):
            if j < j2 and cost[i - i1][j - j1] != cost[i + 1 - i1][j - j1]:
                pairs[i] = j
                j += 1
        return pairs

    def _greedy_line_matches(self, region: _Region) -> dict[int, int] | None:
        a, b = self.a.units, self.b.units
        pairs: dict[int, int] = {}
        i = region.i1
        for j in range(region.j1, region.j2):
            while i < region.i2 and not _is_subsequence(b[j], a[i]):
                i += 1
            if i == region.i2:
                return None
            pairs[i] = j
            i += 1
        return pairs

    # -- words ---------------------------------------------------------------------

    def _word_edits(self, r1: int, r2: int, e1: int, e2: int) -> list[Edit]:
        """Edits between raw[r1:r2] and expert[e1:e2], diffing words after
        trimming the common prefix and suffix."""
        prefix = _common_prefix(self.raw, r1, r2, self.expert, e1, e2)
        r1, e1 = r1 + prefix, e1 + prefix
        suffix = _common_suffix(self.raw, r1, r2, self.expert, e1, e2)
        r2, e2 = r2 - suffix, e2 - suffix
        if r1 == r2 and e1 == e2:
            return []
        if r1 == r2 or e1 == e2:
            return [_whole(r1, r2, e1, e2)]
        a = _cut(_WORDS.findall(self.raw, r1, r2), r1)
        b = _cut(_WORDS.findall(self.expert, e1, e2), e1)
        edits: list[Edit] = []
        for region in _changed_regions(a, b, lambda region: self._deletes_only(_span(a, b, region))):
            edits += self._word_region_edits(a, b, region)
        return edits

    def _word_region_edits(self, a: _Units, b: _Units, region: _Region) -> list[Edit]:
        span = _span(a, b, region)
        r1, r2, e1, e2 = span
        if r1 == r2 or e1 == e2:
            return [_whole(*span)]
        if region.parts and not self._deletes_only(span):
            return [edit for part in region.parts for edit in self._word_region_edits(a, b, part)]
        return self._char_edits(*span)

    # -- characters ----------------------------------------------------------------

    def _char_edits(self, r1: int, r2: int, e1: int, e2: int) -> list[Edit]:
        a, b = self.raw[r1:r2], self.expert[e1:e2]
        opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        edits = [Edit(tag, r1 + a1, r1 + a2, e1 + b1, e1 + b2)
                 for tag, a1, a2, b1, b2 in opcodes if tag != "equal"]
        if all(edit.tag == DELETE for edit in edits):
            return edits
        kept = _leftmost_embedding(a, b)
        if kept is None:
            return edits
        return [Edit(DELETE, r1 + start, r1 + end, e1 + done, e1 + done)
                for start, end, done in _gaps(kept, len(a))]

    def _deletes_only(self, span: tuple[int, int, int, int]) -> bool:
        r1, r2, e1, e2 = span
        return _is_subsequence(self.expert[e1:e2], self.raw[r1:r2])


def _changed_regions(
    a: _Units, b: _Units, acceptable: Callable[[_Region], bool], is_junk: Callable[[str], bool] | None = None,
) -> list[_Region]:
    """Unit ranges that differ, in order.

    ``difflib`` can match a repeated unit to the wrong copy and then report an
    insertion although the expert only deleted ("aabb/ba/b" -> "aabb/b/b"). So a
    region that is not ``acceptable`` is merged with its neighbours (and the
    equal units between) while the merged raw side spans at most MERGE_LIMIT
    characters. ``is_junk`` units never anchor a match on their own (difflib
    still extends matches over them).
    """
    regions: list[_Region] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(is_junk, a.units, b.units, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        regions.append(_Region(i1, i2, j1, j2))
        while len(regions) >= 2 and a.at[regions[-1].i2] - a.at[regions[-2].i1] <= MERGE_LIMIT:
            previous, last = regions[-2], regions[-1]
            if acceptable(previous) and acceptable(last):
                break
            parts = (previous.parts or (previous,)) + (last.parts or (last,))
            regions[-2:] = [_Region(previous.i1, last.i2, previous.j1, last.j2, parts)]
    return regions


def _cut(units: list[str], start: int) -> _Units:
    return _Units(units, [start, *accumulate(map(len, units), initial=start)][1:])


def _span(a: _Units, b: _Units, region: _Region) -> tuple[int, int, int, int]:
    return a.at[region.i1], a.at[region.i2], b.at[region.j1], b.at[region.j2]


def _whole(r1: int, r2: int, e1: int, e2: int) -> Edit:
    tag = DELETE if e1 == e2 else INSERT if r1 == r2 else REPLACE
    return Edit(tag, r1, r2, e1, e2)


def _repeated(raw_lines: list[str], expert_lines: list[str]) -> Callable[[str], bool]:
    """Lines that occur more than once in either text (blank lines, "}}", list
    bullets, ...): as anchors of the line diff they are often matched to the wrong
    copy, so, as in patience diff, only lines unique in both texts anchor it."""
    counts = Counter(raw_lines)
    counts.update(expert_lines)
    expert_counts = Counter(expert_lines)
    return lambda line: counts[line] - expert_counts[line] != 1 or expert_counts[line] != 1


def _lines_with_newlines(text: str) -> list[str]:
    """Lines with their "\\n" (split on "\\n" only)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _common_prefix(a: str, a1: int, a2: int, b: str, b1: int, b2: int) -> int:
    """Length of the common prefix of a[a1:a2] and b[b1:b2], by halving."""
    low, high = 0, min(a2 - a1, b2 - b1)
    while low < high:
        middle = (low + high + 1) // 2
        if a.startswith(b[b1:b1 + middle], a1):
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, a1: int, a2: int, b: str, b1: int, b2: int) -> int:
    low, high = 0, min(a2 - a1, b2 - b1)
    while low < high:
        middle = (low + high + 1) // 2
        if a.endswith(b[b2 - middle:b2], a1, a2):
            low = middle
        else:
            high = middle - 1
    return low


def _is_subsequence(short: str, long: str) -> bool:
    if len(short) > len(long):
        return False
    remaining = iter(long)
    return all(char in remaining for char in short)


def _leftmost_embedding(a: str, b: str) -> list[int] | None:
    """Leftmost positions in ``a`` of the characters of ``b``; None if ``b`` is
    not a subsequence of ``a``."""
    positions, position = [], 0
    for char in b:
        position = a.find(char, position)
        if position < 0:
            return None
        positions.append(position)
        position += 1
    return positions


def _gaps(kept: list[int], length: int) -> list[tuple[int, int, int]]:
    """Runs of positions in range(length) not in ``kept``: (start, end, kept before)."""
    gaps, previous = [], -1
    for count, position in enumerate([*kept, length]):
        if position > previous + 1:
            gaps.append((previous + 1, position, count))
        previous = position
    return gaps
