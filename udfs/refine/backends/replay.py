"""The ``replay`` backend: serves each document the program a table recorded for its doc_id.

The refine job joins the documents with the recorded programs of ``refine.replay.run_id``
(``recorded_programs``, in Spark) and hands each document's recorded program to the backend
in its ``DocumentContext``, so nothing proportional to the data is held on the driver.
The whole document is one prompt (recorded programs use the document's line numbers). A
document with no recorded program fails generation and is audited ``error``; a program
that is garbage is executed like any other and rejected or refined by the executor.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from lakerefine.udfs.refine.backends.base import DocumentContext, Prompt

if TYPE_CHECKING:
    from lakerefine.conf.settings import ReplaySettings


RECORDED_PROGRAM = "recorded_program"   # the column the job joins to the documents


class NoRecordedProgram(LookupError):
    """The replayed table has no program for a document."""


class ReplayBackend:
    name = "replay"

    def __init__(self, settings: ReplaySettings):
        self.model = f"replay:{settings.table}@{settings.run_id}"

    def prompts(self, text: str, source: str | None, context: DocumentContext | None = None) -> list[Prompt]:
        # The prompt's source slot carries the recorded program from here to generate().
        return [Prompt(text, context.recorded_program if context else None)]

    def generate(self, prompts: list[Prompt]) -> list[str]:
        if any(prompt.source is None for prompt in prompts):
            raise NoRecordedProgram(f"{self.model} has no program for this document")
        return [prompt.source for prompt in prompts]
