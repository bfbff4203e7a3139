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
