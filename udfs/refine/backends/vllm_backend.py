"""The ``vllm`` backend: offline ``LLM.generate`` on a GPU executor, one engine per Python worker.

Needs the optional extra (``pip install 'lakerefine[vllm]'`` on GPU executors);
importing this module without it fails with that instruction. Each call
generates a whole Arrow batch of prompts at once (vLLM schedules them itself).
Unverified in this repository's CI, which has no GPU: the tests never import it.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

# vLLM's engine workers must not fork a Python worker that already holds CUDA state.
os.environ["VLLM_WORKER_MULTIPROC_METHOD"] = "spawn"

try:
    from vllm import LLM, SamplingParams
except ImportError as err:  # pragma: no cover - depends on the optional extra
    raise ImportError("refine.backend=vllm needs vLLM on the executors: "
                      "pip install 'lakerefine[vllm]' (GPU executors only)") from err

from .base import Prompt
from .chat import ChunkPrompter

if TYPE_CHECKING:
    from lakerefine.conf.settings import RefineSettings


class VllmBackend:
    name = "vllm"

    def __init__(self, settings: "RefineSettings", device: str = "cuda:0"):
        config = settings.vllm
        self.model = config.model_path
        if device.startswith("cuda:"):
            # The engine process sees only the GPU Spark assigned to this task.
            os.environ["CUDA_VISIBLE_DEVICES"] = device.split(":", 1)[1]
        self.engine = LLM(model=config.model_path, tokenizer=config.model_path,
                          max_model_len=config.max_model_len,
                          gpu_memory_utilization=config.gpu_memory_utilization,
                          dtype=config.dtype, enforce_eager=config.enforce_eager, seed=0,
                          **config.engine_args)
        self.sampling = SamplingParams(temperature=config.temperature, top_p=config.top_p,
                                       max_tokens=config.max_new_tokens, stop=config.stop or None)
        self.prompter = ChunkPrompter(self.engine.get_tokenizer(), config.prompt, config.chunk_tokens,
                                      settings.max_line_chars)

    def prompts(self, text: str, source: str | None) -> list[Prompt]:
        return self.prompter.prompts(text, source)

    def generate(self, prompts: list[Prompt]) -> list[str]:
        outputs = self.engine.generate([p.text for p in prompts], self.sampling, use_tqdm=False)
        return [output.outputs[0].text for output in outputs]
