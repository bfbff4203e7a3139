"""Expert backends: what refines a sampled document end to end.

An LM backend answers a list of prompts (user messages) with one ``Reply`` each
(udfs/generate/base.py); a prompt that fails does not fail the others: its reply carries
no text but an error kind and a message. ``engine.py`` serves the local engines of the
generation layer (``hf``, ``vllm``), ``openai.py`` an OpenAI-compatible server.

A column backend needs no LM: it reads one column of the document's row and returns its
main content (``gold.py``: the column is the main content; ``html.py``: trafilatura on the
page's HTML); udfs/expert/columns.py aligns that text on the raw document.

A new backend is a module here with a class following ``ExpertBackend`` or ``ColumnExpert``
and a line in ``create_expert_backend``, which imports only the module of the backend a
config names.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from lakerefine.udfs.generate.base import Reply

if TYPE_CHECKING:
    from lakerefine.conf.settings import ExpertSettings

__all__ = ["COLUMN_EXPERTS", "ColumnExpert", "ExpertBackend", "Reply", "create_expert_backend", "expert_input_column"]

COLUMN_EXPERTS = ("gold", "html")


class ExpertBackend(Protocol):
    name: str     # hf | vllm | openai
    model: str    # what answered: a model path or a served model name

    def answer(self, prompts: list[str]) -> list[Reply]:
        """One reply per prompt (a user message), in order; never raises for one bad prompt."""
        ...


class ColumnExpert(Protocol):
    name: str     # gold | html
    model: str    # what answered: the column, or the extractor and its version
    column: str   # the corpus column it reads

    def main_content(self, value: str) -> str | None:
        """The main content of a document whose column holds ``value``; None when there is none."""
        ...


def expert_input_column(settings: ExpertSettings) -> str | None:
    """The corpus column a column expert reads; None for an LM expert."""
    return getattr(settings, settings.backend).column if settings.backend in COLUMN_EXPERTS else None


def create_expert_backend(settings: ExpertSettings, device: str = "cpu") -> ExpertBackend | ColumnExpert:
    if settings.backend in ("hf", "vllm"):
        from lakerefine.udfs.expert.backends.engine import engine_expert
        return engine_expert(settings, device)
    if settings.backend == "openai":
        from lakerefine.udfs.expert.backends.openai import OpenAIExpert
        return OpenAIExpert(settings.openai)
    if settings.backend == "gold":
        from lakerefine.udfs.expert.backends.gold import GoldExpert
        return GoldExpert(settings.gold)
    if settings.backend == "html":
        from lakerefine.udfs.expert.backends.html import HtmlExpert
        return HtmlExpert(settings.html)
    raise ValueError(f"expert.backend: unknown backend {settings.backend!r}")
