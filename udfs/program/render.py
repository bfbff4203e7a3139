"""How the refiner sees a document: each line prefixed ``[n] `` (1-based).

A line longer than ``max_line_chars`` is shown cut to that many characters and
marked with TRUNCATION_MARK; the executor lets ``remove_str`` touch only the
shown part of such a line (the whole line can still be removed).
"""
from __future__ import annotations

from .lines import DEFAULT_MAX_LINE_CHARS, split_lines

TRUNCATION_MARK = " …[truncated]"


def shown_part(line: str, max_line_chars: int | None) -> str:
    if max_line_chars is None or len(line) <= max_line_chars:
        return line
    return line[:max_line_chars] + TRUNCATION_MARK


def render_line(number: int, line: str, max_line_chars: int | None = DEFAULT_MAX_LINE_CHARS) -> str:
    return f"[{number}] {shown_part(line, max_line_chars)}"


def render_numbered(text: str, max_line_chars: int | None = DEFAULT_MAX_LINE_CHARS) -> str:
    """The whole document as one numbered block, lines joined by "\\n"."""
    return "\n".join(
        render_line(number, line, max_line_chars)
        for number, line in enumerate(split_lines(text), start=1)
    )
