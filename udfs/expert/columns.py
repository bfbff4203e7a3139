"""Experts that need no LM (pure Python, no Spark): a column's main content, aligned on raw.

A gold column or an HTML extractor gives a document's main content as text of its own:
re-wrapped, whitespace-normalised, sometimes with words the raw text renders differently.
That text is never used as it is. Its words are aligned on the raw text's words in order
(udfs/program/align.py); the expert's refined text is the raw document minus the lines it
does not cover, made by the program executor, so it is a deletion-only refinement of raw
by construction and the distiller expresses it as ``remove_lines`` calls. A document
whose main content is mostly not found in raw is rejected (``unaligned``), never guessed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import groupby

from lakerefine.schemas.vocab import (
    ACCEPTED,
    BACKEND_ERROR,
    ERROR,
    NO_MAIN_CONTENT,
    NULL_EXPERT_INPUT,
    REJECTED,
    SKIPPED,
    UNALIGNED,
)
from lakerefine.udfs.expert.answers import check_expert_text
from lakerefine.udfs.expert.pairs import MAX_DETAIL_CHARS, AnswerRules, PairOutcome, SampledDoc, skip_reason
from lakerefine.udfs.program.align import WORD, kept_lines, matched_words
from lakerefine.udfs.program.calls import KeepAll, RemoveLines, format_program
from lakerefine.udfs.program.executor import execute


@dataclass(frozen=True)
class AlignedText:
    text: str                   # raw without the lines the main content does not cover
    program: str                # the remove_lines program that makes it
    aligned_fraction: float     # share of the main content's words found, in order, in ``text``


def align_on_raw(raw: str, main_content: str) -> AlignedText:
    """The raw document cut down to the lines that carry ``main_content``."""
    flags = kept_lines(raw, main_content)
    calls, line = [], 1
    for kept, run in groupby(flags):
        length = len(list(run))
        if not kept:
            calls.append(RemoveLines(line, line + length - 1))
        line += length
    program = format_program(calls or [KeepAll()])
    text = execute(raw, program, max_rejected_calls=None, max_rejected_fraction=None, max_line_chars=None).text
    return AlignedText(text, program, aligned_fraction(main_content, text))


def aligned_fraction(main_content: str, kept: str) -> float:
    """Of the words of ``main_content``, the share matched in order to words of ``kept`` (1 when it has none)."""
    words = words_of(main_content)
    return sum(matched_words(words, words_of(kept))) / len(words) if words else 1.0


def words_of(text: str) -> list[str]:
    return [word.casefold() for word in WORD.findall(text)]


def take_main_content(docs: list[SampledDoc], backend, rules: AnswerRules) -> list[PairOutcome]:
    """One outcome per document, in order (``backend`` is a udfs/expert/backends ColumnExpert)."""
    return [_outcome(doc, backend, rules) for doc in docs]


def _outcome(doc: SampledDoc, backend, rules: AnswerRules) -> PairOutcome:
    reason = skip_reason(doc.text, rules.max_doc_chars, markers=False)
    if reason is None and doc.expert_input is None:
        reason = NULL_EXPERT_INPUT
    if reason:
        return PairOutcome(doc.doc_id, doc.stratum, doc.text, SKIPPED, reason,
                           None if reason != NULL_EXPERT_INPUT else f"the {backend.column} column is null")
    outcome = PairOutcome(doc.doc_id, doc.stratum, doc.text, ERROR, attempts=1)
    start = time.monotonic()
    try:
        content = backend.main_content(doc.expert_input)
    except Exception as err:
        outcome.reason, outcome.detail = BACKEND_ERROR, f"{type(err).__name__}: {err}"[:MAX_DETAIL_CHARS]
        outcome.latency_s = time.monotonic() - start
        return outcome
    if content is None:
        outcome.status, outcome.reason = REJECTED, NO_MAIN_CONTENT
        outcome.latency_s = time.monotonic() - start
        return outcome
    aligned = align_on_raw(doc.text, content)
    outcome.latency_s = time.monotonic() - start
    outcome.expert = aligned.text
    if aligned.aligned_fraction < rules.min_aligned_fraction:
        outcome.status, outcome.reason = REJECTED, UNALIGNED
        outcome.detail = (f"{aligned.aligned_fraction:.1%} of the {backend.name} expert's words are in the raw "
                          f"lines kept (expert.min_aligned_fraction {rules.min_aligned_fraction})")
        outcome.answer = content[:rules.max_answer_chars]
    else:
        check = check_expert_text(doc.text, aligned.text, rules.max_rewrite_chars, rules.allow_empty)
        outcome.status = ACCEPTED if check.reason is None else REJECTED
        outcome.reason, outcome.detail = check.reason, check.detail
        outcome.answer = None if check.reason is None else content[:rules.max_answer_chars]
        outcome.deleted_chars, outcome.inserted_chars = check.deleted_chars, check.inserted_chars
        outcome.replaced_chars, outcome.longest_rewrite = check.replaced_chars, check.longest_rewrite
    return outcome
