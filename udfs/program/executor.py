"""Running a deletion program on a document.

Every call's span is computed against the original text; all spans are unioned
and deleted at once, so call order does not matter. Deleting lines follows the
list-of-lines rule: the result is exactly the remaining lines joined by "\\n",
plus the original's final "\\n" if it had one and any line remains.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lakerefine.schemas.vocab import EMPTIED, PROGRAM_REJECTED, REFINED, UNCHANGED  # noqa: F401  (the statuses)

from .calls import (
    NOT_FOUND,
    NOT_UNIQUE,
    OUT_OF_RANGE,
    Call,
    KeepAll,
    Rejection,
    RemoveLines,
    format_call,
)
from .lines import DEFAULT_MAX_LINE_CHARS, LineIndex, count_lines
from .parser import ParsedProgram, parse_program

# The whole program is rejected when more than this many calls were rejected...
DEFAULT_MAX_REJECTED_CALLS = 10
# ...or when more than this fraction of its (distinct) calls were.
DEFAULT_MAX_REJECTED_FRACTION = 0.5


@dataclass
class Execution:
    text: str
    spans: list[tuple[int, int]]  # deleted [start, end) into the raw text, sorted, merged
    chars_in: int
    chars_out: int
    lines_in: int
    lines_out: int
    calls_accepted: int
    calls_rejected: int
    rejected_by_reason: dict[str, int]
    status: str  # REFINED, UNCHANGED, EMPTIED or PROGRAM_REJECTED
    rejections: list[Rejection] = field(default_factory=list)
    truncated: bool = False  # the program's last call was cut off and dropped
    duplicates: int = 0  # repeated calls, dropped


def execute(
    text: str,
    program: str | ParsedProgram,
    max_rejected_calls: int | None = DEFAULT_MAX_REJECTED_CALLS,
    max_rejected_fraction: float | None = DEFAULT_MAX_REJECTED_FRACTION,
    max_line_chars: int | None = DEFAULT_MAX_LINE_CHARS,
) -> Execution:
    """Apply ``program`` to ``text``. ``None`` turns a limit off.

    ``max_line_chars`` must be the value the document was rendered with: on a
    longer line, ``remove_str`` may only delete from the part the refiner saw.
    """
    parsed = parse_program(program) if isinstance(program, str) else program
    lines = LineIndex.of(text)
    rejections = list(parsed.rejected)
    removed_lines: list[tuple[int, int]] = []
    string_spans: list[tuple[int, int]] = []
    for call in parsed.calls:
        reason = _apply(call, text, lines, max_line_chars, removed_lines, string_spans)
        if reason is not None:
            rejections.append(Rejection(reason, format_call(call)[:80]))
    accepted = len(parsed.calls) + len(parsed.rejected) - len(rejections)
    rejected_whole = _too_many_rejected(
        len(rejections), accepted, max_rejected_calls, max_rejected_fraction
    )
    spans = [] if rejected_whole else merge_spans(_line_spans(lines, removed_lines) + string_spans)
    refined = delete_spans(text, spans)
    if rejected_whole:
        status = PROGRAM_REJECTED
    elif not spans:
        status = UNCHANGED
    else:
        status = EMPTIED if not refined else REFINED
    return Execution(
        text=refined,
        spans=spans,
        chars_in=len(text),
        chars_out=len(refined),
        lines_in=lines.count,
        lines_out=count_lines(refined),
        calls_accepted=accepted,
        calls_rejected=len(rejections),
        rejected_by_reason=dict(Counter(rejection.reason for rejection in rejections)),
        status=status,
        rejections=rejections,
        truncated=parsed.truncated,
        duplicates=parsed.duplicates,
    )


def _apply(
    call: Call,
    text: str,
    lines: LineIndex,
    max_line_chars: int | None,
    removed_lines: list[tuple[int, int]],
    string_spans: list[tuple[int, int]],
) -> str | None:
    """Record the call's effect; return why it was rejected, or None."""
    if isinstance(call, KeepAll):
        return None
    if isinstance(call, RemoveLines):
        if not 1 <= call.start <= call.end <= lines.count:
            return OUT_OF_RANGE
        removed_lines.append((call.start - 1, call.end - 1))
        return None
    if not 1 <= call.line <= lines.count:
        return OUT_OF_RANGE
    span = find_unique(text, lines, call.line - 1, call.del_str, max_line_chars)
    if isinstance(span, str):
        return span
    string_spans.append(span)
    return None


def find_unique(
    text: str, lines: LineIndex, line: int, needle: str, max_line_chars: int | None
) -> tuple[int, int] | str:
    """The span of ``needle`` in 0-based ``line`` if it occurs there exactly once
    (overlapping occurrences count) and within the shown part; else the reason."""
    start, end = lines.starts[line], lines.ends[line]
    if not needle:
        return NOT_FOUND
    found = text.find(needle, start, end)
    if found < 0:
        return NOT_FOUND
    if text.find(needle, found + 1, end) >= 0:
        return NOT_UNIQUE
    if max_line_chars is not None and found + len(needle) - start > max_line_chars:
        return NOT_FOUND  # only in the part of a long line the refiner did not see
    return found, found + len(needle)


def _line_spans(lines: LineIndex, removed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans that delete these 0-based inclusive line ranges."""
    spans = []
    for first, last in _merge_line_ranges(removed):
        if last + 1 < lines.count:  # lines remain after: take each line's own "\n"
            spans.append((lines.starts[first], lines.starts[last + 1]))
        elif first > 0:  # up to the last line: take the "\n" before, keep a final one
            spans.append((lines.ends[first - 1], lines.ends[last]))
        else:  # every line
            spans.append((0, lines.text_length))
    return spans


def _merge_line_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans covering the same characters as ``spans``."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def delete_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the given sorted, disjoint [start, end) spans."""
    if not spans:
        return text
    kept, position = [], 0
    for start, end in spans:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept)


def _too_many_rejected(
    rejected: int, accepted: int, max_calls: int | None, max_fraction: float | None
) -> bool:
    if max_calls is not None and rejected > max_calls:
        return True
    total = rejected + accepted
    return max_fraction is not None and total > 0 and rejected / total > max_fraction
