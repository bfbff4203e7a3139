"""Cutting a long document into chunks of whole numbered lines under a budget.

Line numbers stay global: the second chunk starts at the number after the last
line of the first, so programs from all chunks form one program.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .lines import DEFAULT_MAX_LINE_CHARS, split_lines
from .render import render_line


@dataclass(frozen=True)
class Chunk:
    first_line: int  # 1-based, inclusive
    last_line: int  # 1-based, inclusive
    text: str  # the rendered lines "[n] ..." joined by "\n"


def render_chunks(
    text: str,
    budget: int,
    measure: Callable[[str], int] | None = None,
    max_line_chars: int | None = DEFAULT_MAX_LINE_CHARS,
) -> list[Chunk]:
    """Greedy packing of rendered lines into chunks whose size is at most ``budget``.

    A chunk's size is the sum of ``measure(rendered_line + "\\n")`` over its lines
    (``len`` by default; pass a tokenizer's token count for token budgets). Summing
    per line keeps this linear and slightly over-counts, never under-counts, for
    characters. A line that alone exceeds the budget becomes its own chunk.
    """
    if budget <= 0:
        raise ValueError(f"budget must be positive, got {budget}")
    size_of = measure or len
    chunks: list[Chunk] = []
    pending: list[str] = []
    pending_size = 0
    first = 1
    for number, line in enumerate(split_lines(text), start=1):
        rendered = render_line(number, line, max_line_chars)
        size = size_of(rendered + "\n")
        if pending and pending_size + size > budget:
            chunks.append(Chunk(first, number - 1, "\n".join(pending)))
            pending, pending_size, first = [], 0, number
        pending.append(rendered)
        pending_size += size
    if pending:
        chunks.append(Chunk(first, first + len(pending) - 1, "\n".join(pending)))
    return chunks
