"""One batch of sampled documents through the expert (pure Python, no Spark).

raw text -> expert prompt -> reply -> parsed section -> checked -> one outcome per
document. Nothing is lost and nothing unusable is used: a document is
``skipped`` (never sent), ``error`` (no answer), ``rejected`` (an answer that
fails a check, kept cut for audit) or ``accepted``.
"""
from __future__ import annotations

from dataclasses import dataclass

from lakerefine.conf.settings import ExpertSettings
from lakerefine.schemas.expert_pairs import ACCEPTED, ERROR, REJECTED, SKIPPED
from lakerefine.udfs.refine.prompts import fill_prompt

from .answers import CLOSE, OPEN, check_expert_text, parse_section
from .backend import BACKEND_ERROR, MALFORMED_REPLY, ExpertBackend, ExpertReply

# Why a document is not sent to the expert.
NULL_TEXT = "null_text"
TOO_LONG = "too_long"                   # over expert.max_doc_chars
CONTAINS_MARKERS = "contains_markers"   # the text holds [doc] or [/doc]: its answer could not be parsed

MAX_DETAIL_CHARS = 500


@dataclass(frozen=True)
class SampledDoc:
    doc_id: str
    text: str | None
    stratum: str | None = None


@dataclass
class PairOutcome:
    """The per-document fields of an expert_pairs row (see schemas/expert_pairs.py)."""

    doc_id: str
    stratum: str | None
    raw: str | None
    status: str
    reason: str | None = None
    detail: str | None = None
    expert: str | None = None
    answer: str | None = None
    deleted_chars: int | None = None
    inserted_chars: int | None = None
    replaced_chars: int | None = None
    longest_rewrite: int | None = None
    latency_s: float | None = None
    attempts: int = 0


def ask_expert(docs: list[SampledDoc], backend: ExpertBackend, template: str,
               settings: ExpertSettings) -> list[PairOutcome]:
    """One outcome per document, in order."""
    outcomes: dict[int, PairOutcome] = {}
    asked: list[int] = []
    for i, doc in enumerate(docs):
        reason = skip_reason(doc.text, settings.max_doc_chars)
        if reason:
            outcomes[i] = PairOutcome(doc.doc_id, doc.stratum, doc.text, SKIPPED, reason)
        else:
            asked.append(i)
    for i, reply in zip(asked, _replies(backend, [fill_prompt(template, docs[i].text) for i in asked])):
        outcomes[i] = judge(docs[i], reply, settings)
    return [outcomes[i] for i in range(len(docs))]


def skip_reason(text: str | None, max_doc_chars: int) -> str | None:
    if not text:
        return NULL_TEXT
    if len(text) > max_doc_chars:
        return TOO_LONG
    if OPEN in text or CLOSE in text:
        return CONTAINS_MARKERS
    return None


def judge(doc: SampledDoc, reply: ExpertReply, settings: ExpertSettings) -> PairOutcome:
    """What the reply is worth for this document."""
    outcome = PairOutcome(doc.doc_id, doc.stratum, doc.text, ERROR, latency_s=reply.latency_s,
                          attempts=reply.attempts)
    if reply.text is None:
        outcome.status = REJECTED if reply.error_kind == MALFORMED_REPLY else ERROR
        outcome.reason, outcome.detail = reply.error_kind, reply.error
        return outcome
    parsed = parse_section(reply.text)
    if parsed.text is None:
        outcome.status, outcome.reason = REJECTED, parsed.reason
        outcome.answer = reply.text[:settings.max_answer_chars]
        return outcome
    check = check_expert_text(doc.text, parsed.text, settings.max_rewrite_chars, settings.allow_empty)
    outcome.expert = parsed.text
    outcome.status = ACCEPTED if check.reason is None else REJECTED
    outcome.reason, outcome.detail = check.reason, check.detail
    outcome.answer = None if check.reason is None else reply.text[:settings.max_answer_chars]
    outcome.deleted_chars, outcome.inserted_chars = check.deleted_chars, check.inserted_chars
    outcome.replaced_chars, outcome.longest_rewrite = check.replaced_chars, check.longest_rewrite
    return outcome


def _replies(backend: ExpertBackend, prompts: list[str]) -> list[ExpertReply]:
    """The backend's replies; if it breaks its promise and raises, every prompt gets the error."""
    if not prompts:
        return []
    try:
        replies = backend.answer(prompts)
        if len(replies) != len(prompts):
            raise RuntimeError(f"the {backend.name} expert gave {len(replies)} replies to {len(prompts)} prompts")
        return replies
    except Exception as err:
        message = f"{type(err).__name__}: {err}"[:MAX_DETAIL_CHARS]
        return [ExpertReply.failed(BACKEND_ERROR, message, 0.0, attempts=1) for _ in prompts]
