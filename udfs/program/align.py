"""Which raw lines an expert kept, by an order-preserving alignment of their words.

The expert text may be re-wrapped and whitespace-normalised (CLEANEVAL gold is), so lines
are never compared as lines: both texts become lists of ``\\w+`` words (casefolded), the
words are aligned patience-style (words unique in both sides of a gap anchor it, the longest
increasing run of anchors is kept, and the gaps between anchors are aligned the same way;
a gap without unique words is matched from its ends or by its longest common runs of words,
whichever matches more; see ``_match_gap``), and a raw line (numbered as in
lines.py) is kept when most of its words are matched. A line without words (blank, or only
punctuation) is kept when the closest lines with words on both sides are kept.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from difflib import SequenceMatcher

from .lines import split_lines

WORD = re.compile(r"\w+")
# A kept line needs more than this share of its words matched.
KEPT_SHARE = 0.5


def kept_lines(raw: str, expert: str) -> list[bool]:
    """One flag per raw line: did the expert keep it?"""
    lines = split_lines(raw)
    raw_words, word_line = _words_with_lines(lines)
    matched = matched_words(raw_words, [w.casefold() for w in WORD.findall(expert)])
    totals = [0] * len(lines)
    hits = [0] * len(lines)
    for index, line in enumerate(word_line):
        totals[line] += 1
        hits[line] += matched[index]
    return _fill_wordless([hits[i] > KEPT_SHARE * totals[i] if totals[i] else None for i in range(len(lines))])


def kept_chars(raw: str, expert: str) -> int:
    """How many characters of ``raw`` lie on kept lines (newlines included)."""
    return sum(len(line) + 1 for line, kept in zip(split_lines(raw), kept_lines(raw, expert), strict=True) if kept)


def matched_words(a: list[str], b: list[str]) -> list[bool]:
    """For each word of ``a``: is it matched to a word of ``b`` by the alignment?"""
    matched = [False] * len(a)
    stack = [(0, len(a), 0, len(b), False, False)]  # a gap, and whether an anchor comes before / after it
    while stack:
        a_lo, a_hi, b_lo, b_hi, anchor_before, anchor_after = stack.pop()
        if a_lo == a_hi or b_lo == b_hi:
            continue
        anchors = _unique_anchors(a, a_lo, a_hi, b, b_lo, b_hi)
        if not anchors:
            _match_gap(a, a_lo, a_hi, b, b_lo, b_hi, matched, prefer_late=anchor_after and not anchor_before)
            continue
        previous_a, previous_b, before = a_lo, b_lo, anchor_before
        for i, j in anchors:
            matched[i] = True
            stack.append((previous_a, i, previous_b, j, before, True))
            previous_a, previous_b, before = i + 1, j + 1, True
        stack.append((previous_a, a_hi, previous_b, b_hi, True, anchor_after))
    return matched


def _match_gap(a: list[str], a_lo: int, a_hi: int, b: list[str], b_lo: int, b_hi: int, matched: list[bool],
               prefer_late: bool) -> None:
    """A gap without unique words, aligned two ways, keeping the one that matches more words: (1) equal words
    matched from the gap's ends, then the longest common runs of what is left; (2) the longest common runs of
    the whole gap. Runs go to the earliest place, or to the latest for a gap that only an anchor after it
    bounds (``prefer_late``), and (2) wins ties: a heading repeated before the article (the page title) is
    matched where the article is, while text repeated inside the content keeps its order."""
    from_ends = _ends_then_runs(a, a_lo, a_hi, b, b_lo, b_hi, prefer_late)
    runs = _runs(a, a_lo, a_hi, b, b_lo, b_hi, prefer_late)
    for index in from_ends if len(from_ends) > len(runs) else runs:
        matched[index] = True


def _ends_then_runs(a: list[str], a_lo: int, a_hi: int, b: list[str], b_lo: int, b_hi: int,
                    prefer_late: bool) -> list[int]:
    found = []
    for from_end in ((True, False) if prefer_late else (False, True)):
        while a_lo < a_hi and b_lo < b_hi and a[a_hi - 1 if from_end else a_lo] == b[b_hi - 1 if from_end else b_lo]:
            if from_end:
                a_hi, b_hi = a_hi - 1, b_hi - 1
                found.append(a_hi)
            else:
                found.append(a_lo)
                a_lo, b_lo = a_lo + 1, b_lo + 1
    return found + _runs(a, a_lo, a_hi, b, b_lo, b_hi, prefer_late)


def _runs(a: list[str], a_lo: int, a_hi: int, b: list[str], b_lo: int, b_hi: int, prefer_late: bool) -> list[int]:
    """Positions in ``a`` of difflib's matching blocks of the gap: runs of two words or more, or the one word
    of a one-word ``b``."""
    if a_lo >= a_hi or b_lo >= b_hi:
        return []
    a_part, b_part = a[a_lo:a_hi], b[b_lo:b_hi]
    if prefer_late:
        a_part, b_part = a_part[::-1], b_part[::-1]
    shortest = min(2, len(b_part))
    blocks = SequenceMatcher(None, a_part, b_part, autojunk=False).get_matching_blocks()
    return [a_hi - 1 - k if prefer_late else a_lo + k
            for block in blocks if block.size >= shortest for k in range(block.a, block.a + block.size)]


def _unique_anchors(
    a: list[str], a_lo: int, a_hi: int, b: list[str], b_lo: int, b_hi: int
) -> list[tuple[int, int]]:
    """Pairs (i, j) of words unique in both ranges, longest run increasing in both."""
    a_counts = Counter(a[a_lo:a_hi])
    b_counts = Counter(b[b_lo:b_hi])
    b_position = {b[j]: j for j in range(b_lo, b_hi) if b_counts[b[j]] == 1}
    pairs = [
        (i, b_position[a[i]]) for i in range(a_lo, a_hi) if a_counts[a[i]] == 1 and a[i] in b_position
    ]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by i) whose j also increases."""
    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k + 1
    tail_index: list[int] = []
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        back.append(tail_index[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
    run = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(pairs[index])
        index = back[index]
    return run[::-1]


def _words_with_lines(lines: list[str]) -> tuple[list[str], list[int]]:
    words: list[str] = []
    word_line: list[int] = []
    for number, line in enumerate(lines):
        found = WORD.findall(line)
        words.extend(word.casefold() for word in found)
        word_line.extend([number] * len(found))
    return words, word_line


def _fill_wordless(flags: list[bool | None]) -> list[bool]:
    """Lines without words take ``before and after``: the closest worded lines' flags."""
    before: list[bool] = []
    last = False
    for flag in flags:
        last = last if flag is None else flag
        before.append(last)
    filled = [False] * len(flags)
    last = False
    for i in range(len(flags) - 1, -1, -1):
        flag = flags[i]
        if flag is None:
            filled[i] = before[i] and last
        else:
            filled[i] = last = flag
    return filled
