"""How a document is cut into numbered lines.

A document is split on "\\n" only (never ``str.splitlines``, which also splits on
"\\r", "\\x0b", "\\u2028", ... and would shift line numbers). A final "\\n" ends
the last line; it does not start a new empty one. So "" has 0 lines, "\\n" has
one empty line, "a\\nb" and "a\\nb\\n" both have 2 lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

# Lines longer than this are shown truncated to the refiner (see render.py) and
# remove_str may only target their shown part (see executor.py, distiller.py).
DEFAULT_MAX_LINE_CHARS = 4000


def split_lines(text: str) -> list[str]:
    """The document's lines, without their "\\n"."""
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def count_lines(text: str) -> int:
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def line_pieces(text: str, max_chars: int | None = None, max_lines: int | None = None) -> list[tuple[int, str]]:
    """(first line number, text) pieces of whole lines, in order: the text itself when it holds at most
    ``max_chars`` characters and ``max_lines`` lines (None: no bound), else runs of its lines, each line ending
    with "\\n" (so a piece has as many lines as it took), under both bounds; a longer single line is a piece alone."""
    if (max_chars is None or len(text) <= max_chars) and (max_lines is None or count_lines(text) <= max_lines):
        return [(1, text)]
    pieces: list[tuple[int, str]] = []
    pending: list[str] = []
    size, first = 0, 1
    for number, line in enumerate(split_lines(text), start=1):
        full = (max_chars is not None and size + len(line) + 1 > max_chars) or len(pending) == max_lines
        if pending and full:
            pieces.append((first, "".join(pending)))
            pending, size, first = [], 0, number
        pending.append(line + "\n")
        size += len(line) + 1
    if pending:
        pieces.append((first, "".join(pending)))
    return pieces


@dataclass(frozen=True)
class LineIndex:
    """Where each line's content lies in the raw text: ``text[starts[i]:ends[i]]``.

    Line i (0-based) is followed by a "\\n" at ``ends[i]`` unless it is the last
    line of a text without a final "\\n".
    """

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    text_length: int

    @classmethod
    def of(cls, text: str) -> LineIndex:
        lengths = [len(line) for line in split_lines(text)]
        starts = [0, *accumulate(length + 1 for length in lengths)][: len(lengths)]
        ends = [start + length for start, length in zip(starts, lengths, strict=True)]
        return cls(tuple(starts), tuple(ends), len(text))

    @property
    def count(self) -> int:
        return len(self.starts)

    def has_newline_after(self, i: int) -> bool:
        return self.ends[i] < self.text_length
