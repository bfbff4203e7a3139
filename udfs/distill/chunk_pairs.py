"""One (raw, expert) pair -> the refiner's training pairs, one per chunk (pure Python, no Spark).

The prompts come from the refine job's own ``ChunkPrompter`` (udfs/generate/chunks.py),
built with the settings of the refine backend the refiner will run under, so a
training prompt is byte for byte what the refiner reads at inference. Each
chunk's target is the part of the document's distilled program that falls in
the chunk's lines (``remove_lines`` clipped to them), or ``keep_all()``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from lakerefine.schemas.vocab import ACCEPTED, ERROR, PROGRAM_TOO_LONG, REJECTED
from lakerefine.udfs.generate.chunks import ChunkPrompter
from lakerefine.udfs.program.calls import Call, KeepAll, RemoveLines, RemoveStr, format_program
from lakerefine.udfs.program.distiller import Distillation, DistillConfig, distill
from lakerefine.udfs.program.lines import count_lines

KEEP_ALL = format_program([KeepAll()])
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class RenderSpec:
    """How the refine job will render documents for the refiner, and the distiller's rules."""

    tokenizer_path: str
    render_as: str          # hf | vllm: the refine backend whose settings these are
    prompt: str
    chunk_tokens: int
    max_line_chars: int
    max_program_tokens: int  # the refine backend's max_new_tokens
    rules: DistillConfig


@dataclass(frozen=True)
class ChunkPair:
    chunk_index: int
    chunks: int
    first_line: int
    last_line: int
    prompt: str
    program: str
    calls: int
    status: str
    reason: str | None
    prompt_tokens: int
    program_tokens: int


def chunk_pairs(raw: str, expert: str, prompter: ChunkPrompter,
                spec: RenderSpec) -> tuple[Distillation, list[ChunkPair]]:
    """The document's distillation and one training pair per chunk of its numbered lines."""
    distillation = distill(raw, expert, spec.rules)
    prompts = prompter.prompts(raw, None)
    ends = [p.first_line - 1 for p in prompts[1:]] + [count_lines(raw)]
    pairs = []
    for index, (prompt, last_line) in enumerate(zip(prompts, ends, strict=True)):
        calls = list(calls_in_lines(distillation.calls, prompt.first_line, last_line))
        program = format_program(calls) if calls else KEEP_ALL
        program_tokens = prompter.count_tokens(program)
        status, reason = ACCEPTED, None
        if not distillation.accepted:
            status, reason = REJECTED, distillation.reason
        elif program_tokens > spec.max_program_tokens:
            status, reason = REJECTED, PROGRAM_TOO_LONG
        pairs.append(ChunkPair(index, len(prompts), prompt.first_line, last_line, prompt.text, program,
                               len(calls), status, reason, prompter.count_tokens(prompt.text), program_tokens))
    return distillation, pairs


def calls_in_lines(calls: Iterable[Call], first_line: int, last_line: int) -> Iterable[Call]:
    """The calls, or their parts, that touch lines first_line..last_line."""
    for call in calls:
        if isinstance(call, RemoveLines):
            start, end = max(call.start, first_line), min(call.end, last_line)
            if start <= end:
                yield replace(call, start=start, end=end)
        elif isinstance(call, RemoveStr):
            if first_line <= call.line <= last_line:
                yield call


DOCUMENT_STATS = ("deleted_chars", "expressed_chars", "inexpressible_chars", "expressed_fraction",
                  "inserted_chars", "replaced_chars", "longest_rewrite", "exact")


def sample_id(doc_id: str, chunk_index: int) -> str:
    return f"{doc_id}#{chunk_index}"


def distill_rows(doc_id: str, raw: str, expert: str, prompter: ChunkPrompter, spec: RenderSpec) -> list[dict]:
    """The refiner_sft fields of one pair's chunks (one error row if the pair cannot be handled)."""
    error = None
    try:
        distillation, pairs = chunk_pairs(raw, expert, prompter, spec)
        stats = {name: getattr(distillation, name) for name in DOCUMENT_STATS}
        if not pairs:
            raise ValueError("the raw text renders to no lines")
    except Exception as err:
        error = f"{type(err).__name__}: {err}"[:MAX_ERROR_CHARS]
        pairs = [ChunkPair(0, 1, 1, 0, "", "", 0, REJECTED, ERROR, 0, 0)]
        stats = {name: 0 for name in DOCUMENT_STATS} | {"expressed_fraction": 0.0, "exact": False}
    return [{"sample_id": sample_id(doc_id, pair.chunk_index), "doc_id": doc_id, **asdict(pair),
             "error": error, **stats} for pair in pairs]
