"""Character-level boilerplate labels of a raw text, from its gold main content.

Labels exist when every non-blank gold line occurs verbatim, in order, among the raw
lines: the non-blank lines of both are aligned as sequences (difflib's matching blocks,
so a heading repeated in a sidebar is matched where the run of content around it is),
and a page with a gold line left unmatched has no labels (its deletions cannot be
scored line by line). Lines split on "\\n" only, as the executor splits them.

Per raw line, newline included: blank (whitespace only) -> neutral, matched -> content,
else -> boilerplate. Spans are sorted, merged ``[start, end)`` into the raw text, the
form ``deletions.score_deletions`` takes.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from lakerefine.udfs.program.executor import merge_spans
from lakerefine.udfs.quality.deletions import Spans


@dataclass(frozen=True)
class LineLabels:
    boilerplate: Spans
    neutral: Spans


def label_lines(raw: str, gold: str) -> LineLabels | None:
    """Boilerplate and neutral spans of ``raw``; None when some gold line is not in raw."""
    lines = raw_lines(raw)
    content = [(start, end) for start, end, text in lines if text.strip()]
    raw_texts = [raw[start:end].rstrip("\n") for start, end in content]
    gold_texts = [line for line in gold.split("\n") if line.strip()]
    matcher = SequenceMatcher(None, raw_texts, gold_texts, autojunk=False)
    blocks = matcher.get_matching_blocks()
    if sum(block.size for block in blocks) < len(gold_texts):
        return None
    matched = {content[block.a + k] for block in blocks for k in range(block.size)}
    boilerplate = [(start, end) for start, end in content if (start, end) not in matched]
    neutral = [(start, end) for start, end, text in lines if not text.strip()]
    return LineLabels(merge_spans(boilerplate), merge_spans(neutral))


def raw_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line text) per line; end includes the line's newline."""
    lines, start = [], 0
    for line in text.split("\n"):
        end = min(start + len(line) + 1, len(text))
        lines.append((start, end, line))
        start = end
    return [(start, end, line) for start, end, line in lines if end > start]
