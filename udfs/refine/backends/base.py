"""What every program backend provides.

A backend turns a document into prompts (the whole document for ``rules`` and ``classifier``;
numbered chunks inside the refiner prompt for language models) and prompts into programs. Line
numbers in every program are global to the document, so one document's programs are joined into
one. What the job knows of a document beyond its text (``DocumentContext``: the site shares of
its lines, a recorded program) reaches the backend with it; a backend that has no use for it ignores it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from lakerefine.udfs.generate.chunks import Prompt

__all__ = ["DocumentContext", "ProgramBackend", "Prompt"]


@dataclass(frozen=True)
class DocumentContext:
    """Corpus-level signals of one document, computed by the job (udfs/refine/site_shares.py)."""

    # Per line of the text, len(site_keys.KEY_KINDS) shares of the site's documents containing its
    # keys, line after line (None: a line without that key); None: the document has no site.
    site_shares: tuple[float | None, ...] | None = None
    # The program a table recorded for this document (the replay backend); None: none recorded.
    recorded_program: str | None = None


class ProgramBackend(Protocol):
    name: str           # classifier | rules | hf | vllm | replay
    model: str | None   # what wrote the programs: a model path (and content hash), or the rules config's hash

    def prompts(self, text: str, source: str | None, context: DocumentContext | None = None) -> list[Prompt]:
        """The prompts one document needs (at least one for a non-empty text)."""
        ...

    def generate(self, prompts: list[Prompt]) -> list[str]:
        """One program per prompt, in order; raises if the batch cannot be generated."""
        ...
