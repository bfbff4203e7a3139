"""One batch of sampled documents through the expert (pure Python, no Spark).

raw text -> expert prompt -> reply -> parsed section -> checked -> one outcome per
document. Nothing is lost and nothing unusable is used: a document is
``skipped`` (never sent), ``error`` (no answer), ``rejected`` (an answer that
fails a check, kept cut for audit) or ``accepted``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from lakerefine.schemas.vocab import (
    ACCEPTED,
    BACKEND_ERROR,
    CONTAINS_MARKERS,
    ERROR,
    MALFORMED_REPLY,
    NULL_TEXT,
    REJECTED,
    SKIPPED,
    TOO_LONG,
)
from lakerefine.udfs.expert.answers import CLOSE, OPEN, check_expert_text, parse_section
from lakerefine.udfs.generate.base import Reply
from lakerefine.udfs.generate.prompts import fill_prompt

if TYPE_CHECKING:
    from lakerefine.conf.settings import ExpertSettings

MAX_DETAIL_CHARS = 500


@dataclass(frozen=True)
class AnswerRules:
    """What the expert stage accepts: the settings the kernel needs, no more."""

    max_doc_chars: int          # longer documents are not sent (TOO_LONG)
    max_rewrite_chars: int      # an answer rewriting this much is rejected
    allow_empty: bool           # an empty section is accepted
    max_answer_chars: int       # a rejected answer is kept cut to this
    min_aligned_fraction: float = 0.0   # gold and html experts: less of their text found in raw is rejected

    @classmethod
    def of(cls, settings: ExpertSettings) -> AnswerRules:
        return cls(settings.max_doc_chars, settings.max_rewrite_chars, settings.allow_empty, settings.max_answer_chars,
                   settings.min_aligned_fraction)


class Answerer(Protocol):
    name: str

    def answer(self, prompts: list[str]) -> list[Reply]: ...


@dataclass(frozen=True)
class SampledDoc:
    doc_id: str
    text: str | None
    stratum: str | None = None
    expert_input: str | None = None     # what a column expert reads (gold text, HTML); None for LM experts


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


def ask_expert(docs: list[SampledDoc], backend: Answerer, template: str, rules: AnswerRules) -> list[PairOutcome]:
    """One outcome per document, in order."""
    outcomes: dict[int, PairOutcome] = {}
    asked: list[int] = []
    for i, doc in enumerate(docs):
        reason = skip_reason(doc.text, rules.max_doc_chars)
        if reason:
            outcomes[i] = PairOutcome(doc.doc_id, doc.stratum, doc.text, SKIPPED, reason)
        else:
            asked.append(i)
    for i, reply in zip(asked, _replies(backend, [fill_prompt(template, docs[i].text) for i in asked]), strict=True):
        outcomes[i] = judge(docs[i], reply, rules)
    return [outcomes[i] for i in range(len(docs))]


def skip_reason(text: str | None, max_doc_chars: int, markers: bool = True) -> str | None:
    """Why a document is not refined by the expert (``markers``: its text goes into a prompt)."""
    if not text:
        return NULL_TEXT
    if len(text) > max_doc_chars:
        return TOO_LONG
    if markers and (OPEN in text or CLOSE in text):
        return CONTAINS_MARKERS
    return None


def judge(doc: SampledDoc, reply: Reply, rules: AnswerRules) -> PairOutcome:
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
        outcome.answer = reply.text[:rules.max_answer_chars]
        return outcome
    check = check_expert_text(doc.text, parsed.text, rules.max_rewrite_chars, rules.allow_empty)
    outcome.expert = parsed.text
    outcome.status = ACCEPTED if check.reason is None else REJECTED
    outcome.reason, outcome.detail = check.reason, check.detail
    outcome.answer = None if check.reason is None else reply.text[:rules.max_answer_chars]
    outcome.deleted_chars, outcome.inserted_chars = check.deleted_chars, check.inserted_chars
    outcome.replaced_chars, outcome.longest_rewrite = check.replaced_chars, check.longest_rewrite
    return outcome


def _replies(backend: Answerer, prompts: list[str]) -> list[Reply]:
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
        return [Reply.failed(BACKEND_ERROR, message, 0.0, attempts=1) for _ in prompts]
