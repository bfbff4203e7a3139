"""The ``vllm`` expert: offline ``LLM.generate`` on GPU executors, one engine per Python worker.

Needs the optional extra (``pip install 'lakerefine[vllm]'``); without it,
creating this backend fails with that instruction. Each call generates all its
prompts at once (vLLM schedules them); a failed call is retried prompt by
prompt, and a prompt that fails alone gets a ``backend_error`` reply.
Unverified here: this repository's machines have no GPU and no vLLM.
"""
from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from .backend import BACKEND_ERROR, ExpertReply

if TYPE_CHECKING:
    from lakerefine.conf.settings import ExpertVllmSettings


def _import_vllm():
    # vLLM's engine workers must not fork a Python worker that already holds CUDA state.
    os.environ.setdefault("VLLM_WORKER_MULTIPROC_METHOD", "spawn")
    try:
        import vllm
    except ImportError as err:
        raise ImportError("expert.backend=vllm needs vLLM on the executors: "
                          "pip install 'lakerefine[vllm]' (GPU executors only)") from err
    return vllm


class VllmExpert:
    name = "vllm"

    def __init__(self, config: "ExpertVllmSettings", device: str = "cuda:0"):
        vllm = _import_vllm()
        self.config = config
        self.model = config.model_path
        if device.startswith("cuda:") and config.tensor_parallel_size == 1:
            os.environ["CUDA_VISIBLE_DEVICES"] = device.split(":", 1)[1]
        self.engine = vllm.LLM(model=config.model_path, tokenizer=config.model_path,
                               max_model_len=config.max_model_len,
                               tensor_parallel_size=config.tensor_parallel_size,
                               gpu_memory_utilization=config.gpu_memory_utilization,
                               dtype=config.dtype, enforce_eager=config.enforce_eager, seed=config.seed,
                               **config.engine_args)
        self.sampling = vllm.SamplingParams(temperature=config.temperature, top_p=config.top_p,
                                            top_k=config.top_k or -1, max_tokens=config.max_new_tokens,
                                            seed=config.seed)
        self.tokenizer = self.engine.get_tokenizer()

    def answer(self, prompts: list[str]) -> list[ExpertReply]:
        chats = [self.tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                                    add_generation_prompt=True) for p in prompts]
        start = time.monotonic()
        try:
            outputs = self.engine.generate(chats, self.sampling, use_tqdm=False)
            latency = time.monotonic() - start
            return [ExpertReply(output.outputs[0].text, latency) for output in outputs]
        except Exception:
            return [self._answer_alone(chat) for chat in chats]

    def _answer_alone(self, chat: str) -> ExpertReply:
        start = time.monotonic()
        try:
            output = self.engine.generate([chat], self.sampling, use_tqdm=False)[0]
            return ExpertReply(output.outputs[0].text, time.monotonic() - start)
        except Exception as err:
            return ExpertReply.failed(BACKEND_ERROR, f"{type(err).__name__}: {err}", time.monotonic() - start)
