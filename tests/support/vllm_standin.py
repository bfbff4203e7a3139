"""A stand-in for the ``vllm`` module (tests only): ``LLM`` and ``SamplingParams`` with the
signatures lakerefine calls, so the vLLM generator's batching, retries and engine caching run
without a GPU. ``LLM.generate`` answers each prompt with ``reply(prompt)``, cut at the first
stop string (as vLLM leaves stop strings out by default), and fails a call that holds a
prompt containing ``POISON`` or more than ``capacity_chars`` characters, as a real engine
fails a batch that does not fit."""
from __future__ import annotations

import os
import types
from collections.abc import Callable
from dataclasses import dataclass, field

POISON = "<<poison>>"


@dataclass
class SamplingParams:
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = -1
    max_tokens: int | None = 16
    seed: int | None = None
    stop: list[str] | None = None


@dataclass
class CompletionOutput:
    text: str
    token_ids: list[int]


@dataclass
class RequestOutput:
    prompt: str
    prompt_token_ids: list[int]
    outputs: list[CompletionOutput]


@dataclass
class Engines:
    """What the stand-in saw: engines built (with their kwargs and start method) and calls."""

    built: list[dict] = field(default_factory=list)
    calls: list[list[str]] = field(default_factory=list)


def standin_vllm(reply: Callable[[str], str] = lambda prompt: "keep_all()",
                 capacity_chars: int = 10**9) -> tuple[types.ModuleType, Engines]:
    """A ``vllm`` module to put in ``sys.modules``, and the record of what it was asked."""
    seen = Engines()

    class LLM:
        def __init__(self, model: str, **kwargs):
            seen.built.append({"model": model, **kwargs,
                               "start_method": os.environ.get("VLLM_WORKER_MULTIPROC_METHOD")})

        def generate(self, prompts: list[str], sampling_params: SamplingParams, use_tqdm: bool = True):
            seen.calls.append(list(prompts))
            if any(POISON in p for p in prompts) or sum(map(len, prompts)) > capacity_chars:
                raise RuntimeError("the stand-in engine cannot take this batch")
            return [self._answer(p, sampling_params) for p in prompts]

        @staticmethod
        def _answer(prompt: str, params: SamplingParams) -> RequestOutput:
            text = reply(prompt)
            for stop in params.stop or []:
                text = text.split(stop, 1)[0]
            return RequestOutput(prompt, list(range(len(prompt.split()))),
                                 [CompletionOutput(text, list(range(len(text.split()))))])

    module = types.ModuleType("vllm")
    module.LLM = LLM
    module.SamplingParams = SamplingParams
    return module, seen
