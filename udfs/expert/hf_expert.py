"""The ``hf`` expert: a transformers causal LM, on the task's GPU, else the CPU.

Each prompt is a user message in the model's chat template. Prompts are
generated in batches of ``batch_size`` (shortest first, left-padded); sampling is
seeded per batch, so a rerun on the same hardware repeats the answers. When a
batch fails, each of its prompts is tried alone; one that fails alone (say, too
long for the model's context) gets a ``backend_error`` reply.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import torch

from lakerefine.udfs.lake.task_resources import task_cpus
from lakerefine.udfs.models.assets import load_causal_lm, load_tokenizer

from .backend import BACKEND_ERROR, ExpertReply

if TYPE_CHECKING:
    from lakerefine.conf.settings import ExpertHfSettings


class HfExpert:
    name = "hf"

    def __init__(self, config: "ExpertHfSettings", device: str = "cpu"):
        self.config = config
        self.device = device
        self.model = config.model_path
        if device == "cpu" and task_cpus():
            torch.set_num_threads(task_cpus())
        self.tokenizer = load_tokenizer(config.model_path)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        dtype = config.dtype if config.dtype != "auto" else ("bfloat16" if device.startswith("cuda") else "float32")
        self.lm = load_causal_lm(config.model_path, device, dtype)
        self.context = getattr(self.lm.config, "max_position_embeddings", None)

    def answer(self, prompts: list[str]) -> list[ExpertReply]:
        chats = [self.chat(prompt) for prompt in prompts]
        replies: list[ExpertReply | None] = [None] * len(prompts)
        order = sorted(range(len(chats)), key=lambda i: len(chats[i]))
        for start in range(0, len(order), self.config.batch_size):
            batch = order[start:start + self.config.batch_size]
            for i, reply in zip(batch, self._answer_batch([chats[i] for i in batch])):
                replies[i] = reply
        return replies  # type: ignore[return-value]

    def chat(self, prompt: str) -> str:
        return self.tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                                  add_generation_prompt=True)

    def _answer_batch(self, chats: list[str]) -> list[ExpertReply]:
        start = time.monotonic()
        try:
            texts = self._generate(chats)
            latency = time.monotonic() - start
            return [ExpertReply(text, latency) for text in texts]
        except Exception:
            return [self._answer_alone(chat) for chat in chats]

    def _answer_alone(self, chat: str) -> ExpertReply:
        start = time.monotonic()
        try:
            return ExpertReply(self._generate([chat])[0], time.monotonic() - start)
        except Exception as err:
            return ExpertReply.failed(BACKEND_ERROR, f"{type(err).__name__}: {err}", time.monotonic() - start)

    def _generate(self, chats: list[str]) -> list[str]:
        config = self.config
        encoded = self.tokenizer(chats, return_tensors="pt", padding=True, add_special_tokens=False)
        longest = int(encoded["attention_mask"].sum(dim=1).max())
        if self.context is not None and longest + config.max_new_tokens > self.context:
            raise ValueError(f"a prompt of {longest} tokens plus expert.hf.max_new_tokens "
                             f"{config.max_new_tokens} exceeds the model's context of {self.context} tokens")
        sampling = ({"do_sample": True, "temperature": config.temperature, "top_p": config.top_p,
                     "top_k": config.top_k or 0}
                    if config.temperature > 0 else
                    {"do_sample": False, "temperature": None, "top_p": None, "top_k": None})
        torch.manual_seed(config.seed)
        with torch.inference_mode():
            output = self.lm.generate(**encoded.to(self.device), max_new_tokens=config.max_new_tokens,
                                      pad_token_id=self.tokenizer.pad_token_id, **sampling)
        new_tokens = output[:, encoded["input_ids"].shape[1]:]
        return self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
