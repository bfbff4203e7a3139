"""Text generation with vLLM's offline ``LLM.generate``, one engine per Python worker (GPU executors).

vLLM is the optional extra (``pip install 'lakerefine[vllm]'``); it is imported when an
engine is built, so nothing else needs it. Each call generates all its prompts at once
(vLLM schedules them). Unverified in this repository's CI, which has no GPU.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lakerefine.conf.settings import VllmGenerationSettings


def import_vllm():
    # vLLM's engine workers must not fork a Python worker that already holds CUDA state.
    os.environ.setdefault("VLLM_WORKER_MULTIPROC_METHOD", "spawn")
    try:
        import vllm
    except ImportError as err:
        raise ImportError("the vllm engine needs vLLM where it runs: pip install 'lakerefine[vllm]' "
                          "(GPU executors only)") from err
    return vllm


class VllmGenerator:
    def __init__(self, settings: VllmGenerationSettings, device: str = "cuda:0"):
        vllm = import_vllm()
        self.settings = settings
        self.model_name = settings.model_path
        if device.startswith("cuda:") and settings.tensor_parallel_size == 1:
            # The engine process sees only the GPU Spark assigned to this task.
            os.environ["CUDA_VISIBLE_DEVICES"] = device.split(":", 1)[1]
        self.engine = vllm.LLM(model=settings.model_path, tokenizer=settings.model_path,
                               max_model_len=settings.max_model_len,
                               tensor_parallel_size=settings.tensor_parallel_size,
                               gpu_memory_utilization=settings.gpu_memory_utilization,
                               dtype=settings.dtype, enforce_eager=settings.enforce_eager, seed=settings.seed,
                               **settings.engine_args)
        self.sampling = vllm.SamplingParams(temperature=settings.temperature, top_p=settings.top_p,
                                            top_k=settings.top_k or -1, max_tokens=settings.max_new_tokens,
                                            seed=settings.seed, stop=settings.stop or None)
        self.tokenizer = self.engine.get_tokenizer()

    def chat(self, message: str) -> str:
        return self.tokenizer.apply_chat_template([{"role": "user", "content": message}], tokenize=False,
                                                  add_generation_prompt=True)

    def batches(self, texts: list[str]) -> list[list[int]]:
        """One batch of everything: vLLM schedules the prompts itself."""
        return [list(range(len(texts)))] if texts else []

    def generate(self, texts: list[str]) -> list[str]:
        outputs = self.engine.generate(texts, self.sampling, use_tqdm=False)
        return [output.outputs[0].text for output in outputs]

    generate_batch = generate
