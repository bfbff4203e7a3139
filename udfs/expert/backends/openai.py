"""The ``openai`` expert: an OpenAI-compatible server answers (udfs/generate/openai.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from lakerefine.udfs.generate.base import Reply
from lakerefine.udfs.generate.openai import OpenAIClient

if TYPE_CHECKING:
    from lakerefine.conf.settings import OpenAISettings


class OpenAIExpert:
    name = "openai"

    def __init__(self, settings: OpenAISettings):
        self.client = OpenAIClient(settings, setting="expert.openai")
        self.model = settings.model

    def answer(self, prompts: list[str]) -> list[Reply]:
        return self.client.answer(prompts)
