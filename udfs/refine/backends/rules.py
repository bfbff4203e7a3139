"""The ``rules`` backend: the rules program generator (udfs/rules/) behind the backend interface.

A document is read whole. One longer than ``refine.max_doc_chars`` (with
``refine.oversize: chunk``) is read in pieces of whole lines of about
``refine.chunk_chars``; each piece's program is renumbered to document lines.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import TYPE_CHECKING

from lakerefine.udfs.program.calls import Call, RemoveLines, RemoveStr, format_program
from lakerefine.udfs.program.lines import line_pieces
from lakerefine.udfs.program.parser import parse_program
from lakerefine.udfs.refine.backends.base import DocumentContext, Prompt
from lakerefine.udfs.rules.generator import RulesGenerator

if TYPE_CHECKING:
    from lakerefine.conf.rules import RulesConfig


class RulesBackend:
    name = "rules"

    def __init__(self, rules: RulesConfig, max_doc_chars: int, chunk_chars: int):
        self.generator = RulesGenerator(rules)
        self.max_doc_chars = max_doc_chars
        self.chunk_chars = chunk_chars
        config = json.dumps(rules.model_dump(mode="json"), sort_keys=True)
        self.model = f"rules-{hashlib.sha256(config.encode()).hexdigest()[:12]}"

    def prompts(self, text: str, source: str | None, context: DocumentContext | None = None) -> list[Prompt]:
        if len(text) <= self.max_doc_chars:
            return [Prompt(text, source)]
        return [Prompt(piece, source, first) for first, piece in line_pieces(text, max_chars=self.chunk_chars)]

    def generate(self, prompts: list[Prompt]) -> list[str]:
        programs = []
        for prompt in prompts:
            program = self.generator.generate(prompt.text, prompt.source)
            programs.append(program if prompt.first_line == 1 else shift_program(program, prompt.first_line - 1))
        return programs


def shift_program(program: str, offset: int) -> str:
    """The same calls with every line number moved down by ``offset``."""
    return format_program(_shift(call, offset) for call in parse_program(program).calls)


def _shift(call: Call, offset: int) -> Call:
    if isinstance(call, RemoveLines):
        return replace(call, start=call.start + offset, end=call.end + offset)
    if isinstance(call, RemoveStr):
        return replace(call, line=call.line + offset)
    return call
