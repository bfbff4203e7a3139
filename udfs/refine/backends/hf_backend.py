"""The ``hf`` backend: a transformers causal LM on the task's GPU, else the CPU.

Prompts are generated in batches of ``refine.hf.batch_size``, shortest first (less
padding), left-padded, greedy unless ``temperature`` > 0, stopping at
``max_new_tokens`` or a stop string. A prompt that cannot fit the model's context
raises, so the pipeline retries its document alone and records the error.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import torch

from lakerefine.udfs.lake.task_resources import task_cpus
from lakerefine.udfs.models.assets import load_causal_lm, load_tokenizer

from .base import Prompt
from .chat import ChunkPrompter, cut_at_stop

if TYPE_CHECKING:
    from lakerefine.conf.settings import RefineSettings


class HfBackend:
    name = "hf"

    def __init__(self, settings: "RefineSettings", device: str = "cpu"):
        config = settings.hf
        self.config = config
        self.device = device
        self.model = str(Path(config.model_path))
        if device == "cpu" and task_cpus():
            torch.set_num_threads(task_cpus())  # one Spark task, its share of the cores
        self.tokenizer = load_tokenizer(config.model_path)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.lm = load_causal_lm(config.model_path, device, _dtype(config.dtype, device))
        self.context = getattr(self.lm.config, "max_position_embeddings", None)
        self.prompter = ChunkPrompter(self.tokenizer, config.prompt, config.chunk_tokens,
                                      settings.max_line_chars)

    def prompts(self, text: str, source: str | None) -> list[Prompt]:
        return self.prompter.prompts(text, source)

    def generate(self, prompts: list[Prompt]) -> list[str]:
        programs: list[str] = [""] * len(prompts)
        order = sorted(range(len(prompts)), key=lambda i: len(prompts[i].text))
        size = self.config.batch_size
        for start in range(0, len(order), size):
            batch = order[start:start + size]
            for i, program in zip(batch, self._generate_batch([prompts[i].text for i in batch])):
                programs[i] = program
        return programs

    def _generate_batch(self, texts: list[str]) -> list[str]:
        encoded = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        self._check_fits(encoded["attention_mask"].sum(dim=1).max().item())
        encoded = encoded.to(self.device)
        sampling = ({"do_sample": True, "temperature": self.config.temperature, "top_p": self.config.top_p}
                    if self.config.temperature > 0 else {"do_sample": False, "temperature": None, "top_p": None,
                                                         "top_k": None})
        stops = {"stop_strings": self.config.stop, "tokenizer": self.tokenizer} if self.config.stop else {}
        with torch.inference_mode():
            output = self.lm.generate(**encoded, max_new_tokens=self.config.max_new_tokens,
                                      pad_token_id=self.tokenizer.pad_token_id, **sampling, **stops)
        new_tokens = output[:, encoded["input_ids"].shape[1]:]
        decoded = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        return [cut_at_stop(text, self.config.stop) for text in decoded]

    def _check_fits(self, prompt_tokens: int) -> None:
        needed = prompt_tokens + self.config.max_new_tokens
        if self.context is not None and needed > self.context:
            raise ValueError(f"a prompt of {prompt_tokens} tokens plus max_new_tokens "
                             f"{self.config.max_new_tokens} exceeds the model's context of {self.context} tokens")


def _dtype(name: str, device: str) -> torch.dtype:
    if name == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return getattr(torch, name)
