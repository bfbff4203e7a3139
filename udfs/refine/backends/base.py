"""What every program backend provides.

A backend turns a document into prompts (the whole document for ``rules``;
numbered chunks inside the refiner prompt for language models) and prompts into
programs. Line numbers in every program are global to the document, so one
document's programs are joined into one program.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Prompt:
    text: str                  # what the backend reads
    source: str | None = None  # the document's kind hint (mail, wiki, ...), if the corpus has one
    first_line: int = 1        # the document line number of the prompt's first line


class ProgramBackend(Protocol):
    name: str           # rules | hf | vllm
    model: str | None   # what wrote the programs: a model path, or the rules config's hash

    def prompts(self, text: str, source: str | None) -> list[Prompt]:
        """The prompts one document needs (at least one for a non-empty text)."""
        ...

    def generate(self, prompts: list[Prompt]) -> list[str]:
        """One program per prompt, in order; raises if the batch cannot be generated."""
        ...
