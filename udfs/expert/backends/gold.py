"""The ``gold`` expert: a corpus column already holds each document's main content (a labelled set)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lakerefine.conf.settings import GoldExpertSettings


class GoldExpert:
    name = "gold"

    def __init__(self, settings: GoldExpertSettings):
        self.column = settings.column
        self.model = f"column {settings.column}"

    def main_content(self, value: str) -> str | None:
        return value
