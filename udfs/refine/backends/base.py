"""What every program backend provides.

A backend turns a document into prompts (the whole document for ``rules``; numbered chunks
inside the refiner prompt for language models) and prompts into programs. Line numbers in
every program are global to the document, so one document's programs are joined into one.
"""
from __future__ import annotations

from typing import Protocol

from lakerefine.udfs.generate.chunks import Prompt

__all__ = ["ProgramBackend", "Prompt"]


class ProgramBackend(Protocol):
    name: str           # rules | hf | vllm | replay
    model: str | None   # what wrote the programs: a model path, or the rules config's hash

    def prompts(self, text: str, source: str | None) -> list[Prompt]:
        """The prompts one document needs (at least one for a non-empty text)."""
        ...

    def generate(self, prompts: list[Prompt]) -> list[str]:
        """One program per prompt, in order; raises if the batch cannot be generated."""
        ...
