"""One batch of documents through the refine pipeline (pure Python, no Spark).

text -> prompts (whole document or numbered chunks) -> programs (one backend call
for the whole batch) -> one program per document -> execution -> audit fields.

Nothing is lost: null or empty text is ``skipped_null``, a too-large document
``skipped_too_large`` (when configured), and when the batch's generation fails
every document is retried alone once; a document that fails again is ``error``
with the message. An engine that retries by itself (vLLM: ``generate.batching``)
raises ``PromptsFailed`` instead, and only the documents of its failed prompts are
``error``. All of these keep the text as it was (``keep_all()``). A backend that decides to keep a
document whole (its program a ``calls.KeptWhole``) has it recorded as ``kept_whole``, not ``unchanged``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lakerefine.schemas.vocab import ERROR, KEPT_WHOLE, SKIPPED_NULL, SKIPPED_TOO_LARGE, UNCHANGED
from lakerefine.udfs.generate.batching import PromptsFailed
from lakerefine.udfs.program.calls import KeptWhole
from lakerefine.udfs.program.executor import Execution, execute
from lakerefine.udfs.program.lines import count_lines
from lakerefine.udfs.refine.backends.base import DocumentContext, ProgramBackend, Prompt

if TYPE_CHECKING:
    from lakerefine.conf.settings import RefineSettings

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str | None
    source: str | None = None
    context: DocumentContext | None = None


@dataclass(frozen=True)
class DocumentLimits:
    """What the pipeline needs of the refine settings."""

    max_doc_chars: int          # over this: refined in chunks, or skipped
    oversize: str               # chunk | skip
    max_rejected_calls: int     # more rejected calls reject the whole program
    max_line_chars: int         # lines are shown cut here; remove_str may only touch the shown part

    @classmethod
    def of(cls, settings: RefineSettings) -> DocumentLimits:
        return cls(settings.max_doc_chars, settings.oversize, settings.max_rejected_calls, settings.max_line_chars)


@dataclass
class Outcome:
    """The per-document fields of a refine_edits row (see schemas/refine_edits.py)."""

    doc_id: str
    status: str
    program: str | None = None
    calls_accepted: int = 0
    calls_rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    program_truncated: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)
    chars_in: int = 0
    chars_out: int = 0
    lines_in: int = 0
    lines_out: int = 0
    raw_sha256: str | None = None
    prompts: int = 0
    error: str | None = None


def refine_documents(documents: list[Document], backend: ProgramBackend, limits: DocumentLimits) -> list[Outcome]:
    """One outcome per document, in order."""
    outcomes: dict[int, Outcome] = {}
    planned: dict[int, list[Prompt]] = {}
    for i, doc in enumerate(documents):
        skipped = skip_reason(doc.text, limits)
        if skipped:
            outcomes[i] = kept(doc, skipped)
            continue
        try:
            planned[i] = backend.prompts(doc.text, doc.source, doc.context)
        except Exception as err:  # a document the backend cannot even read
            outcomes[i] = kept(doc, ERROR, error=describe(err))
    for i, programs in generate_all(backend, planned).items():
        doc = documents[i]
        if isinstance(programs, Exception):
            outcomes[i] = kept(doc, ERROR, error=describe(programs), prompts=len(planned[i]))
            continue
        program = "\n".join(programs)
        try:
            execution = execute(doc.text, program, max_rejected_calls=limits.max_rejected_calls,
                                max_line_chars=limits.max_line_chars)
        except Exception as err:
            outcomes[i] = kept(doc, ERROR, program=program, error=describe(err), prompts=len(planned[i]))
            continue
        kept_whole = any(isinstance(piece, KeptWhole) for piece in programs)
        outcomes[i] = executed(doc, program, execution, prompts=len(planned[i]), kept_whole=kept_whole)
    return [outcomes[i] for i in range(len(documents))]


def skip_reason(text: str | None, limits: DocumentLimits) -> str | None:
    if not text:
        return SKIPPED_NULL
    if len(text) > limits.max_doc_chars and limits.oversize == "skip":
        return SKIPPED_TOO_LARGE
    return None


def generate_all(backend: ProgramBackend,
                 planned: dict[int, list[Prompt]]) -> dict[int, list[str] | Exception]:
    """Each document's programs: one backend call for all prompts; if that fails,
    one call per document; a document whose own call fails gets the exception."""
    if not planned:
        return {}
    prompts = [prompt for doc_prompts in planned.values() for prompt in doc_prompts]
    try:
        programs: list[str | Exception] = list(backend.generate(prompts))
    except PromptsFailed as failed:  # the engine retried already: only the failed prompts' documents fail
        programs = [RuntimeError(reply.error) if reply.text is None else reply.text for reply in failed.replies]
    except Exception:
        return {i: _generate_alone(backend, doc_prompts) for i, doc_prompts in planned.items()}
    results: dict[int, list[str] | Exception] = {}
    position = 0
    for i, doc_prompts in planned.items():
        mine = programs[position:position + len(doc_prompts)]
        errors = [program for program in mine if isinstance(program, Exception)]
        results[i] = errors[0] if errors else mine  # type: ignore[assignment]
        position += len(doc_prompts)
    return results


def _generate_alone(backend: ProgramBackend, prompts: list[Prompt]) -> list[str] | Exception:
    try:
        return backend.generate(prompts)
    except Exception as err:
        return err


def executed(doc: Document, program: str, execution: Execution, prompts: int, kept_whole: bool) -> Outcome:
    status = KEPT_WHOLE if kept_whole and execution.status == UNCHANGED else execution.status
    return Outcome(
        doc_id=doc.doc_id, status=status, program=program,
        calls_accepted=execution.calls_accepted, calls_rejected=execution.calls_rejected,
        rejected_by_reason=execution.rejected_by_reason, program_truncated=execution.truncated,
        spans=list(execution.spans), chars_in=execution.chars_in, chars_out=execution.chars_out,
        lines_in=execution.lines_in, lines_out=execution.lines_out, raw_sha256=text_sha256(doc.text),
        prompts=prompts)


def kept(doc: Document, status: str, program: str | None = None, error: str | None = None,
         prompts: int = 0) -> Outcome:
    """An outcome that leaves the text as it was."""
    text = doc.text or ""
    lines = count_lines(text)
    return Outcome(doc_id=doc.doc_id, status=status, program=program, chars_in=len(text),
                   chars_out=len(text), lines_in=lines, lines_out=lines,
                   raw_sha256=text_sha256(doc.text), prompts=prompts, error=error)


def text_sha256(text: str | None) -> str | None:
    """Hex SHA-256 of the UTF-8 text; equals Spark's ``sha2(text, 256)``."""
    if text is None:
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"[:MAX_ERROR_CHARS]
