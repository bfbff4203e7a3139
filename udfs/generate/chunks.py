"""How a language model sees a document: numbered chunks inside a prompt template, rendered
with the model's chat template (the refine job's LM backends, and distill's training prompts).

Chunks are whole lines under ``chunk_tokens`` tokens of the model's own tokenizer
(a single longer line is a chunk of its own); line numbers stay global.
"""
from __future__ import annotations

from dataclasses import dataclass

from lakerefine.udfs.program.chunking import render_chunks

from .prompts import fill_prompt, load_prompt


@dataclass(frozen=True)
class Prompt:
    text: str                  # what the model (or the rules) reads
    source: str | None = None  # the document's kind hint (mail, wiki, ...), if the corpus has one
    first_line: int = 1        # the document line number of the prompt's first line


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
