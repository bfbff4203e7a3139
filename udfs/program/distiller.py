"""Turning an expert's end-to-end rewrite into a deletion program (RefineX).

Only the expert's deletions become calls; its insertions and replacements are
dropped, and a pair with a long rewritten region (``max_rewrite_chars``) is
discarded. A region is a group of edits separated by fewer than ``REGION_GAP``
equal characters, taken together: a made-up sentence that the character diff
aligns letter by letter with some deleted line, and so cuts into pieces each
shorter than the limit, is still one long rewrite. Whole
deleted lines become ``remove_lines`` (consecutive ones grouped); the rest of a
line's deletions become ``remove_str`` calls clipped to that line. What the
language cannot say is counted as inexpressible, never emitted wrong: a deleted
"\\n" joining two kept lines, a string that is not unique on its line (or lies
past the shown part of a truncated line), a document's final "\\n".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from lakerefine.schemas.vocab import (  # noqa: F401  (why a pair is discarded)
    EMPTY_EXPERT,
    EMPTY_RAW,
    MOSTLY_INEXPRESSIBLE,
    REWRITE_TOO_LONG,
    TOO_FEW_DELETIONS,
)

from .calls import Call, RemoveLines, RemoveStr, format_program
from .diff import DELETE, INSERT, Edit, diff_edits
from .executor import delete_spans, execute, find_unique
from .lines import DEFAULT_MAX_LINE_CHARS, LineIndex

# Edits closer than this many equal characters are one rewritten region.
REGION_GAP = 4
# How far a non-unique deleted string may slide along equal characters to find an
# equivalent, unique position ("abcabc X" minus "abc" is "abcabc X" minus "bca").
MAX_SLIDE = 32
# Passes over a line's deletions when joining their fragments (see _join_fragments).
MAX_JOIN_PASSES = 8
_DELETED_RUN = re.compile(rb"\x01+")


@dataclass(frozen=True)
class DistillConfig:
    max_rewrite_chars: int = 20  # discard if a rewritten region is this long
    min_deleted_chars: int = 10  # discard if the expert deleted fewer characters
    min_expressed_fraction: float = 0.5  # discard if the program says less of it
    allow_empty_expert: bool = False  # else an empty expert output is discarded
    max_line_chars: int | None = DEFAULT_MAX_LINE_CHARS  # as rendered for the refiner


@dataclass
class Distillation:
    accepted: bool
    reason: str | None  # why it was discarded; None when accepted
    program: str  # canonical program text (also when discarded, for audit)
    calls: list[Call] = field(default_factory=list)
    deleted_chars: int = 0  # deleted by the expert (delete spans of the diff)
    expressed_chars: int = 0  # of those, deleted by the program
    inexpressible_chars: int = 0
    expressed_fraction: float = 0.0
    insert_spans: int = 0
    inserted_chars: int = 0
    replace_spans: int = 0
    replaced_chars: int = 0  # max(raw side, expert side) per replacement
    longest_rewrite: int = 0  # the longest rewritten region (see longest_rewritten_region)
    exact: bool = False  # executing the program gives the expert's deletion-only projection


def distill(raw: str, expert: str, config: DistillConfig = DistillConfig()) -> Distillation:
    if not raw:
        return Distillation(False, EMPTY_RAW, "")
    if not expert.strip() and not config.allow_empty_expert:
        return Distillation(False, EMPTY_EXPERT, "")
    edits = diff_edits(raw, expert)
    deleted = bytearray(len(raw))  # 1 where the expert deleted the raw character
    result = Distillation(False, None, "")
    for edit in edits:
        if edit.tag == DELETE:
            deleted[edit.raw_start:edit.raw_end] = b"\x01" * (edit.raw_end - edit.raw_start)
            continue
        expert_side = edit.expert_end - edit.expert_start
        if edit.tag == INSERT:
            result.insert_spans += 1
            result.inserted_chars += expert_side
        else:
            result.replace_spans += 1
            result.replaced_chars += max(expert_side, edit.raw_end - edit.raw_start)
    result.longest_rewrite = longest_rewritten_region(edits)
    lines = LineIndex.of(raw)
    _join_fragments(raw, lines, deleted)
    calls, expressed = _calls_for(raw, lines, deleted, config.max_line_chars)
    result.calls = calls
    result.program = format_program(calls)
    result.deleted_chars = deleted.count(1)
    result.expressed_chars = expressed
    result.inexpressible_chars = result.deleted_chars - expressed
    if result.deleted_chars:
        result.expressed_fraction = expressed / result.deleted_chars
    result.exact = _executes_to_projection(raw, deleted, result.program, config.max_line_chars)
    result.reason = _discard_reason(result, config)
    result.accepted = result.reason is None
    return result


def longest_rewritten_region(edits: list[Edit], gap: int = REGION_GAP) -> int:
    """Size (the longer side) of the largest group of nearby edits that holds an insertion or
    replacement; groups of deletions only are not rewrites."""
    longest = 0
    group: list[Edit] = []
    for edit in edits + [None]:
        if group and (edit is None or edit.raw_start - group[-1].raw_end >= gap
                      or edit.expert_start - group[-1].expert_end >= gap):
            if any(e.tag != DELETE for e in group):
                size = max(group[-1].raw_end - group[0].raw_start, group[-1].expert_end - group[0].expert_start)
                longest = max(longest, size)
            group = []
        if edit is not None:
            group.append(edit)
    return longest


def _discard_reason(result: Distillation, config: DistillConfig) -> str | None:
    if result.longest_rewrite >= config.max_rewrite_chars:
        return REWRITE_TOO_LONG
    if result.deleted_chars < config.min_deleted_chars:
        return TOO_FEW_DELETIONS
    if result.expressed_fraction < config.min_expressed_fraction:
        return MOSTLY_INEXPRESSIBLE
    return None


def _join_fragments(raw: str, lines: LineIndex, deleted: bytearray) -> None:
    """Slide deletions along equal text so that the pieces of one deletion join.

    A diff may keep a character inside a deleted region and delete its twin just
    outside (deleted ",<ref>Sheehan", kept ", ", deleted "Sean. ...</ref> "); the
    pieces are often not unique on their line while the joined span is. Deleting
    [s, e) equals deleting [s + 1, e + 1) when raw[s] == raw[e], so the first piece
    slides right and the second left until the kept text between them is used up
    (a generalisation of diff-match-patch's cleanupMerge).
    """
    for line in range(lines.count):
        start, end = lines.starts[line], lines.ends[line]
        for _ in range(MAX_JOIN_PASSES):
            runs = [run.span() for run in _DELETED_RUN.finditer(deleted, start, end)]
            joined_until = -1
            for (start1, end1), (start2, end2) in pairwise(runs):
                if start1 < joined_until:
                    continue  # already changed in this pass
                kept = start2 - end1
                right = _equal_run(raw, start1, end1, kept, step=1)
                left = _equal_run(raw, end2 - 1, start2 - 1, kept - right, step=-1)
                if right + left == kept:
                    deleted[start1:end2] = bytes(end2 - start1)
                    deleted[start1 + right:end2 - left] = b"\x01" * (end2 - start1 - kept)
                    joined_until = end2
            if joined_until < 0:
                break


def _equal_run(raw: str, first: int, second: int, limit: int, step: int) -> int:
    """How many steps, up to ``limit``, raw[first + k*step] == raw[second + k*step]."""
    count = 0
    while count < limit and raw[first + count * step] == raw[second + count * step]:
        count += 1
    return count


def _calls_for(
    raw: str, lines: LineIndex, deleted: bytearray, max_line_chars: int | None
) -> tuple[list[Call], int]:
    """Calls (in line order) for the deleted characters, and how many they delete."""
    calls: list[Call] = []
    expressed = 0
    line = 0
    while line < lines.count:
        if not _content_deleted(lines, deleted, line):
            expressed += _partial_line(raw, lines, deleted, line, max_line_chars, calls)
            line += 1
            continue
        last = line
        while (last + 1 < lines.count and _newline_deleted(lines, deleted, last)
               and _content_deleted(lines, deleted, last + 1)):
            last += 1
        expressed += _whole_lines(raw, lines, deleted, line, last, max_line_chars, calls)
        line = last + 1
    return calls, expressed


def _content_deleted(lines: LineIndex, deleted: bytearray, line: int) -> bool:
    return deleted.find(0, lines.starts[line], lines.ends[line]) < 0


def _newline_deleted(lines: LineIndex, deleted: bytearray, line: int) -> bool:
    return lines.has_newline_after(line) and deleted[lines.ends[line]] == 1


def _whole_lines(
    raw: str, lines: LineIndex, deleted: bytearray, first: int, last: int,
    max_line_chars: int | None, calls: list[Call],
) -> int:
    """Calls for 0-based lines first..last, whose contents and the newlines between
    them are deleted. Returns how many deleted characters the calls cover."""
    content = lines.ends[last] - lines.starts[first] - (last - first)
    covered = content + (last - first)
    newline_before = first > 0 and deleted[lines.ends[first - 1]] == 1
    newline_after = _newline_deleted(lines, deleted, last)
    has_boundary = first > 0 or lines.has_newline_after(last)
    if newline_before or newline_after or not has_boundary:
        # remove_lines takes one boundary "\n"; a second deleted one would join
        # the neighbouring lines, which the language cannot do.
        calls.append(RemoveLines(first + 1, last + 1))
        return covered + (1 if newline_before or newline_after else 0)
    # Both boundary newlines stay: the lines shrink to one empty line. Keep the
    # shortest (ideally already empty) one and remove the others around it.
    keep = min(range(first, last + 1), key=lambda line: lines.ends[line] - lines.starts[line])
    if keep > first:
        calls.append(RemoveLines(first + 1, keep))
    kept_text = raw[lines.starts[keep]:lines.ends[keep]]
    if kept_text and (max_line_chars is None or len(kept_text) <= max_line_chars):
        calls.append(RemoveStr(keep + 1, kept_text))
    else:
        covered -= len(kept_text)
    if keep < last:
        calls.append(RemoveLines(keep + 2, last + 1))
    return covered


def _partial_line(
    raw: str, lines: LineIndex, deleted: bytearray, line: int,
    max_line_chars: int | None, calls: list[Call],
) -> int:
    """remove_str calls for the deleted runs inside a line that is partly kept."""
    covered = 0
    for run in _DELETED_RUN.finditer(deleted, lines.starts[line], lines.ends[line]):
        span = _unique_equivalent(raw, lines, deleted, line, run.start(), run.end(), max_line_chars)
        if span is not None:
            calls.append(RemoveStr(line + 1, raw[span[0]:span[1]]))
            covered += run.end() - run.start()
    return covered


def _unique_equivalent(
    raw: str, lines: LineIndex, deleted: bytearray, line: int, start: int, end: int,
    max_line_chars: int | None,
) -> tuple[int, int] | None:
    """A span deleting the same as [start, end) whose text is unique on its line:
    itself, or the span slid along equal characters (never over other deletions)."""
    def unique(span_start: int, span_end: int) -> bool:
        needle = raw[span_start:span_end]
        return find_unique(raw, lines, line, needle, max_line_chars) == (span_start, span_end)

    if unique(start, end):
        return start, end
    left, right = start, end
    for _ in range(MAX_SLIDE):
        if left <= lines.starts[line] or raw[left - 1] != raw[right - 1] or deleted[left - 1]:
            break
        left, right = left - 1, right - 1
        if unique(left, right):
            return left, right
    left, right = start, end
    for _ in range(MAX_SLIDE):
        if right >= lines.ends[line] or raw[left] != raw[right] or deleted[right]:
            break
        left, right = left + 1, right + 1
        if unique(left, right):
            return left, right
    return None


def _executes_to_projection(
    raw: str, deleted: bytearray, program: str, max_line_chars: int | None
) -> bool:
    projection = delete_spans(raw, [run.span() for run in _DELETED_RUN.finditer(deleted)])
    executed = execute(raw, program, max_rejected_calls=None, max_rejected_fraction=None,
                       max_line_chars=max_line_chars)
    return executed.calls_rejected == 0 and executed.text == projection
