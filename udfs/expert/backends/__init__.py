"""Expert backends: what answers the expert prompt for a document.

A backend answers a list of prompts (user messages) with one ``Reply`` each
(udfs/generate/base.py); a prompt that fails does not fail the others: its reply carries
no text but an error kind and a message. ``engine.py`` serves the local engines of the
generation layer (``hf``, ``vllm``), ``openai.py`` an OpenAI-compatible server. A new
backend is a module here with a class following ``ExpertBackend`` and a line in
``create_expert_backend``, which imports only the module of the backend a config names.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from lakerefine.udfs.generate.base import Reply

if TYPE_CHECKING:
    from lakerefine.conf.settings import ExpertSettings

__all__ = ["ExpertBackend", "Reply", "create_expert_backend"]


class ExpertBackend(Protocol):
    name: str     # hf | vllm | openai
    model: str    # what answered: a model path or a served model name

    def answer(self, prompts: list[str]) -> list[Reply]:
        """One reply per prompt (a user message), in order; never raises for one bad prompt."""
        ...


def create_expert_backend(settings: ExpertSettings, device: str = "cpu") -> ExpertBackend:
    if settings.backend in ("hf", "vllm"):
        from lakerefine.udfs.expert.backends.engine import engine_expert
        return engine_expert(settings, device)
    if settings.backend == "openai":
        from lakerefine.udfs.expert.backends.openai import OpenAIExpert
        return OpenAIExpert(settings.openai)
    raise ValueError(f"expert.backend: unknown backend {settings.backend!r}")
