"""Text generation with a transformers causal LM, on the task's GPU, else the CPU.

Prompts are rendered with the model's chat template, generated in batches of
``batch_size`` shortest first (less padding), left-padded, greedy unless ``temperature``
> 0 (then seeded per batch, so a rerun on the same hardware repeats the answers),
stopping at ``max_new_tokens`` or a stop string. A batch whose longest prompt plus
``max_new_tokens`` exceeds the model's context raises before generating.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import torch

from .assets import load_causal_lm, load_tokenizer
from .base import cut_at_stop
from .device import resolve_dtype, use_task_cores

if TYPE_CHECKING:
    from lakerefine.conf.settings import HfGenerationSettings


class HfGenerator:
    def __init__(self, settings: HfGenerationSettings, device: str = "cpu"):
        self.settings = settings
        self.device = device
        self.model_name = str(Path(settings.model_path))
        use_task_cores(device)
        self.tokenizer = load_tokenizer(settings.model_path)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = load_causal_lm(settings.model_path, device, resolve_dtype(settings.dtype, device))
        self.context = getattr(self.model.config, "max_position_embeddings", None)

    def chat(self, message: str) -> str:
        """``message`` as the user turn of a chat, ready for the assistant's answer."""
        return self.tokenizer.apply_chat_template([{"role": "user", "content": message}], tokenize=False,
                                                  add_generation_prompt=True)

    def batches(self, texts: list[str]) -> list[list[int]]:
        """Indices of ``texts`` in batches of ``batch_size``, shortest first."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        size = self.settings.batch_size
        return [order[start:start + size] for start in range(0, len(order), size)]

    def generate(self, texts: list[str]) -> list[str]:
        """One output per text, in order; raises if any batch fails."""
        outputs = [""] * len(texts)
        for batch in self.batches(texts):
            for i, output in zip(batch, self.generate_batch([texts[i] for i in batch]), strict=True):
                outputs[i] = output
        return outputs

    def generate_batch(self, texts: list[str]) -> list[str]:
        settings = self.settings
        encoded = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        self._check_fits(int(encoded["attention_mask"].sum(dim=1).max()))
        sampling = ({"do_sample": True, "temperature": settings.temperature, "top_p": settings.top_p,
                     "top_k": settings.top_k or 0}
                    if settings.temperature > 0 else
                    {"do_sample": False, "temperature": None, "top_p": None, "top_k": None})
        stops = {"stop_strings": settings.stop, "tokenizer": self.tokenizer} if settings.stop else {}
        torch.manual_seed(settings.seed)
        with torch.inference_mode():
            output = self.model.generate(**encoded.to(self.device), max_new_tokens=settings.max_new_tokens,
                                         pad_token_id=self.tokenizer.pad_token_id, **sampling, **stops)
        decoded = self.tokenizer.batch_decode(output[:, encoded["input_ids"].shape[1]:], skip_special_tokens=True)
        return [cut_at_stop(text, settings.stop) for text in decoded]

    def _check_fits(self, prompt_tokens: int) -> None:
        if self.context is not None and prompt_tokens + self.settings.max_new_tokens > self.context:
            raise ValueError(f"a prompt of {prompt_tokens} tokens plus max_new_tokens "
                             f"{self.settings.max_new_tokens} exceeds the model's context of {self.context} tokens")
