"""The ``hf`` and ``vllm`` experts: a local engine of the generation layer answers the prompts.

Each prompt is a user message in the model's chat template. The engine's batches are
generated one at a time; when a batch fails, each of its prompts is tried alone, and one
that fails alone (say, too long for the model's context) gets a ``backend_error`` reply.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from lakerefine.udfs.generate.base import BACKEND_ERROR, Reply

if TYPE_CHECKING:
    from lakerefine.conf.settings import ExpertSettings


class EngineExpert:
    def __init__(self, name: str, engine):
        self.name = name
        self.engine = engine
        self.model = engine.model_name

    def answer(self, prompts: list[str]) -> list[Reply]:
        chats = [self.engine.chat(prompt) for prompt in prompts]
        replies: list[Reply | None] = [None] * len(chats)
        for batch in self.engine.batches(chats):
            for i, reply in zip(batch, self._answer_batch([chats[i] for i in batch]), strict=True):
                replies[i] = reply
        return replies  # type: ignore[return-value]

    def _answer_batch(self, chats: list[str]) -> list[Reply]:
        start = time.monotonic()
        try:
            texts = self.engine.generate_batch(chats)
        except Exception:
            return [self._answer_alone(chat) for chat in chats]
        latency = time.monotonic() - start
        return [Reply(text, latency) for text in texts]

    def _answer_alone(self, chat: str) -> Reply:
        start = time.monotonic()
        try:
            return Reply(self.engine.generate_batch([chat])[0], time.monotonic() - start)
        except Exception as err:
            return Reply.failed(BACKEND_ERROR, f"{type(err).__name__}: {err}", time.monotonic() - start)


def engine_expert(settings: ExpertSettings, device: str) -> EngineExpert:
    if settings.backend == "hf":
        from lakerefine.udfs.generate.hf import HfGenerator
        return EngineExpert("hf", HfGenerator(settings.hf, device))
    from lakerefine.udfs.generate.vllm import VllmGenerator
    return EngineExpert("vllm", VllmGenerator(settings.vllm, device))
