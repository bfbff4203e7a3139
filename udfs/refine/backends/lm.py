"""The ``hf`` and ``vllm`` backends: a language model of the generation layer writes the programs.

The document is read as numbered chunks inside the refiner prompt (``generate.chunks``); all
prompts of a batch go to the engine at once (``hf``: batches of ``batch_size``, shortest
first; ``vllm``: calls of at most ``max_batch_chars`` characters, shortest first, a failed
call halved and retried by the engine itself). A prompt that cannot fit the model's context
raises, so the pipeline records the error for its document and keeps the text.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from lakerefine.udfs.generate.chunks import ChunkPrompter, Prompt

if TYPE_CHECKING:
    from lakerefine.conf.settings import RefineSettings
    from lakerefine.udfs.refine.backends.base import DocumentContext


class LmBackend:
    def __init__(self, name: str, engine, prompter: ChunkPrompter):
        self.name = name
        self.engine = engine
        self.model = engine.model_name
        self.prompter = prompter

    def prompts(self, text: str, source: str | None, context: DocumentContext | None = None) -> list[Prompt]:
        return self.prompter.prompts(text, source)

    def generate(self, prompts: list[Prompt]) -> list[str]:
        return self.engine.generate([prompt.text for prompt in prompts])


def lm_backend(settings: RefineSettings, device: str) -> LmBackend:
    """The ``refine.backend`` engine (hf or vllm) with the refiner's prompting."""
    if settings.backend == "hf":
        from lakerefine.udfs.generate.hf import HfGenerator
        engine = HfGenerator(settings.hf, device)
    else:
        from lakerefine.udfs.generate.vllm import VllmGenerator
        engine = VllmGenerator(settings.vllm, device)
    prompter = ChunkPrompter(engine.tokenizer, settings.prompt, settings.chunk_tokens, settings.max_line_chars)
    return LmBackend(settings.backend, engine, prompter)
