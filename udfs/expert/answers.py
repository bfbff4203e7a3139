"""Reading an expert's answer: the refined text between ``[doc]`` and ``[/doc]``, checked.

An answer is used only when it holds exactly one complete section whose text is
what is left of the raw document after deletions, give or take rewrites shorter
than ``max_rewrite_chars``. Anything else is rejected with a reason, never repaired.

Rewrites are measured as the distiller measures them: the longest rewritten
region (``udfs/program/distiller.longest_rewritten_region``).
"""
from __future__ import annotations

from dataclasses import dataclass

from lakerefine.schemas.vocab import EMPTY_OUTPUT, MULTIPLE_SECTIONS, NO_SECTION, REWRITE_TOO_LONG, UNTERMINATED_SECTION
from lakerefine.udfs.program.distiller import DistillConfig, distill

OPEN, CLOSE = "[doc]", "[/doc]"

# Why an answer is rejected (schemas/vocab.py): NO_SECTION, UNTERMINATED_SECTION, MULTIPLE_SECTIONS,
# EMPTY_OUTPUT, and the distiller's REWRITE_TOO_LONG (a rewritten region of max_rewrite_chars or more).


@dataclass(frozen=True)
class ParsedAnswer:
    text: str | None        # the section's text, None when there is no usable section
    reason: str | None      # why there is none


@dataclass(frozen=True)
class AnswerCheck:
    reason: str | None      # None: accepted
    detail: str | None
    deleted_chars: int
    inserted_chars: int
    replaced_chars: int
    longest_rewrite: int


def parse_section(answer: str | None) -> ParsedAnswer:
    """The text between the one ``[doc]`` and ``[/doc]`` of ``answer``.

    One newline right after ``[doc]`` and one right before ``[/doc]`` belong to the
    markers (the prompt shows the document that way), not to the text.
    """
    if not answer or OPEN not in answer:
        return ParsedAnswer(None, NO_SECTION)
    if answer.count(OPEN) > 1 or answer.count(CLOSE) > 1:
        return ParsedAnswer(None, MULTIPLE_SECTIONS)
    start = answer.index(OPEN) + len(OPEN)
    end = answer.find(CLOSE, start)
    if end < 0:
        return ParsedAnswer(None, UNTERMINATED_SECTION)
    text = answer[start:end]
    if text.startswith("\n"):
        text = text[1:]
    if text.endswith("\n"):
        text = text[:-1]
    return ParsedAnswer(text, None)


def check_expert_text(raw: str, expert: str, max_rewrite_chars: int, allow_empty: bool) -> AnswerCheck:
    """Accept ``expert`` as a deletion-only refinement of ``raw``, or say why not."""
    if not expert.strip() and not allow_empty:
        return AnswerCheck(EMPTY_OUTPUT, "the expert kept nothing (expert.allow_empty is false)",
                           len(raw) - len(expert), 0, 0, 0)
    rules = DistillConfig(max_rewrite_chars=max_rewrite_chars, min_deleted_chars=0,
                          min_expressed_fraction=0.0, allow_empty_expert=True, max_line_chars=None)
    result = distill(raw, expert, rules)
    longest = result.longest_rewrite
    reason = REWRITE_TOO_LONG if result.reason == REWRITE_TOO_LONG else None
    detail = f"a rewritten region of {longest} characters (limit {max_rewrite_chars})" if reason else None
    return AnswerCheck(reason, detail, result.deleted_chars, result.inserted_chars,
                       result.replaced_chars, longest)
