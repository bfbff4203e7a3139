"""Text generation with vLLM's offline ``LLM.generate`` on a Spark GPU executor.

vLLM is the optional extra (``pip install 'lakerefine[vllm]'``); a generator imports it (a
missing vLLM fails at once, with the install hint) and loads the tokenizer, but starts the
engine only when the first prompt is generated, so the driver (or a task that gets no rows)
never starts one. The engine is made once per Python worker and
GPU (``lake.worker.worker_cached``) with the spawn start method, since a Spark Python worker
is forked and must not hand CUDA state to vLLM's engine processes. Prompts are regrouped by
characters and sorted by length (``batching``); decoding is greedy unless ``temperature`` > 0
and stops at the stop strings; a failed call is split and retried down to single prompts, and
a prompt that fails alone raises ``PromptsFailed`` with every reply (the refine pipeline then
keeps that document whole with an ``error`` status). Runs only where a GPU is; this
repository's CI has none (``bench/gpu_check.sh`` is the check on a GPU machine).
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from lakerefine.udfs.lake.worker import worker_cached

from .assets import load_tokenizer
from .base import Reply, cut_at_stop
from .batching import char_batches, generate_replies, generate_texts

if TYPE_CHECKING:
    from lakerefine.conf.settings import VllmGenerationSettings


def import_vllm():
    # Spark forks its Python workers; vLLM's engine processes must be spawned, not forked.
    os.environ["VLLM_WORKER_MULTIPROC_METHOD"] = "spawn"
    try:
        import vllm
    except ImportError as err:
        raise ImportError("the vllm engine needs vLLM where it runs: pip install 'lakerefine[vllm]' "
                          "(GPU executors only)") from err
    return vllm


def build_engine(settings: VllmGenerationSettings, device: str) -> Any:
    """``vllm.LLM`` for ``settings`` on ``device`` (``cuda:N``: only that GPU is visible to it)."""
    vllm = import_vllm()
    if device.startswith("cuda:") and settings.tensor_parallel_size == 1:
        os.environ["CUDA_VISIBLE_DEVICES"] = device.split(":", 1)[1]
    return vllm.LLM(model=settings.model_path, tokenizer=settings.model_path,
                    max_model_len=settings.max_model_len, tensor_parallel_size=settings.tensor_parallel_size,
                    gpu_memory_utilization=settings.gpu_memory_utilization, dtype=settings.dtype,
                    enforce_eager=settings.enforce_eager, seed=settings.seed, **settings.engine_args)


def sampling_params(settings: VllmGenerationSettings) -> Any:
    vllm = import_vllm()
    return vllm.SamplingParams(temperature=settings.temperature, top_p=settings.top_p,
                               top_k=settings.top_k or -1, max_tokens=settings.max_new_tokens,
                               seed=settings.seed, stop=settings.stop or None)


class VllmGenerator:
    def __init__(self, settings: VllmGenerationSettings, device: str = "cuda"):
        import_vllm()
        self.settings = settings
        self.device = device
        self.model_name = settings.model_path
        self.tokenizer = load_tokenizer(settings.model_path)
        self.prompt_tokens = 0      # counted from vLLM's outputs, for throughput reports
        self.output_tokens = 0

    @property
    def engine(self) -> Any:
        key = ("vllm-engine", self.settings.model_dump_json(), self.device)
        return worker_cached(key, lambda: build_engine(self.settings, self.device))

    def chat(self, message: str) -> str:
        return self.tokenizer.apply_chat_template([{"role": "user", "content": message}], tokenize=False,
                                                  add_generation_prompt=True)

    def batches(self, texts: list[str]) -> list[list[int]]:
        """Indices of ``texts``, shortest first, in runs of at most ``max_batch_chars`` characters.
        Starts the engine first (callers go on to ``generate_batch``, whose failures they retry)."""
        self.engine  # noqa: B018
        return char_batches(texts, self.settings.max_batch_chars)

    def generate(self, texts: list[str]) -> list[str]:
        """One output per text, in order; ``PromptsFailed`` if a prompt fails even alone."""
        self.engine  # noqa: B018 - an engine that cannot start fails the task, not each prompt
        return generate_texts(self.generate_batch, texts, self.settings.max_batch_chars)

    def replies(self, texts: list[str]) -> list[Reply]:
        """One reply per text, in order; a prompt that fails alone gets a failed reply."""
        self.engine  # noqa: B018
        return generate_replies(self.generate_batch, texts, self.settings.max_batch_chars)

    def generate_batch(self, texts: list[str]) -> list[str]:
        """One ``LLM.generate`` call (vLLM returns its outputs in prompt order)."""
        outputs = self.engine.generate(texts, sampling_params(self.settings), use_tqdm=False)
        self.prompt_tokens += sum(len(output.prompt_token_ids or ()) for output in outputs)
        self.output_tokens += sum(len(output.outputs[0].token_ids) for output in outputs)
        return [cut_at_stop(output.outputs[0].text, self.settings.stop) for output in outputs]
