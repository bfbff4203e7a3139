"""How language-model backends see a document: numbered chunks inside the refiner
prompt, rendered with the model's chat template.

Chunks are whole lines under ``chunk_tokens`` tokens of the model's own tokenizer
(a single longer line is a chunk of its own); line numbers stay global.
"""
from __future__ import annotations

from lakerefine.udfs.program.chunking import render_chunks
from lakerefine.udfs.refine.prompts import fill_prompt, load_prompt

from .base import Prompt


class ChunkPrompter:
    def __init__(self, tokenizer, prompt: str, chunk_tokens: int, max_line_chars: int):
        self.tokenizer = tokenizer
        self.template = load_prompt(prompt)
        self.chunk_tokens = chunk_tokens
        self.max_line_chars = max_line_chars

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def prompts(self, text: str, source: str | None) -> list[Prompt]:
        chunks = render_chunks(text, self.chunk_tokens, self.count_tokens, self.max_line_chars)
        return [Prompt(self.chat(chunk.text), source, chunk.first_line) for chunk in chunks]

    def chat(self, chunk: str) -> str:
        messages = [{"role": "user", "content": fill_prompt(self.template, chunk)}]
        return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)


def cut_at_stop(output: str, stop: list[str]) -> str:
    """The output up to the first stop string (generation may include it)."""
    cut = len(output)
    for marker in stop:
        found = output.find(marker)
        if 0 <= found < cut:
            cut = found
    return output[:cut]
