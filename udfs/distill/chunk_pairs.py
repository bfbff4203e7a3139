"""One (raw, expert) pair -> the refiner's training pairs, one per chunk (pure Python, no Spark).

The prompts come from the refine job's own ``ChunkPrompter`` (udfs/refine/backends/chat.py),
built with the settings of the refine backend the refiner will run under, so a
training prompt is byte for byte what the refiner reads at inference. Each
chunk's target is the part of the document's distilled program that falls in
the chunk's lines (``remove_lines`` clipped to them), or ``keep_all()``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from lakerefine.conf.settings import Settings
from lakerefine.schemas.refiner_sft import ACCEPTED, PROGRAM_TOO_LONG, REJECTED
from lakerefine.udfs.models.assets import load_tokenizer
from lakerefine.udfs.program.calls import Call, KeepAll, RemoveLines, RemoveStr, format_program
from lakerefine.udfs.program.distiller import DistillConfig, Distillation, distill
from lakerefine.udfs.program.lines import count_lines
from lakerefine.udfs.refine.backends.chat import ChunkPrompter

KEEP_ALL = format_program([KeepAll()])


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


def render_spec(settings: Settings) -> RenderSpec:
    lm = getattr(settings.refine, settings.distill.render_as)
    distill_settings = settings.distill
    return RenderSpec(
        tokenizer_path=distill_settings.tokenizer_path or settings.train_refiner.base_model,
        render_as=distill_settings.render_as,
        prompt=lm.prompt,
        chunk_tokens=lm.chunk_tokens,
        max_line_chars=settings.refine.max_line_chars,
        max_program_tokens=lm.max_new_tokens,
        rules=DistillConfig(max_rewrite_chars=distill_settings.max_rewrite_chars,
                            min_deleted_chars=distill_settings.min_deleted_chars,
                            min_expressed_fraction=distill_settings.min_expressed_fraction,
                            allow_empty_expert=distill_settings.allow_empty_expert,
                            max_line_chars=settings.refine.max_line_chars))


def refine_prompter(spec: RenderSpec) -> ChunkPrompter:
    """The prompter the refine job's LM backends build, on the trained model's tokenizer."""
    return ChunkPrompter(load_tokenizer(spec.tokenizer_path), spec.prompt, spec.chunk_tokens, spec.max_line_chars)


def chunk_pairs(raw: str, expert: str, prompter: ChunkPrompter,
                spec: RenderSpec) -> tuple[Distillation, list[ChunkPair]]:
    """The document's distillation and one training pair per chunk of its numbered lines."""
    distillation = distill(raw, expert, spec.rules)
    prompts = prompter.prompts(raw, None)
    ends = [p.first_line - 1 for p in prompts[1:]] + [count_lines(raw)]
    pairs = []
    for index, (prompt, last_line) in enumerate(zip(prompts, ends)):
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
