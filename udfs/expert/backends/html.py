"""The ``html`` expert: trafilatura extracts each document's main content from its HTML."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lakerefine.conf.settings import HtmlExpertSettings


class HtmlExpert:
    name = "html"

    def __init__(self, settings: HtmlExpertSettings):
        import trafilatura

        self._extract = trafilatura.extract
        self.column = settings.column
        self.model = f"trafilatura {trafilatura.__version__}"
        self.options = {"output_format": "txt", "include_comments": settings.include_comments,
                        "include_tables": settings.include_tables, "favor_precision": settings.favor == "precision",
                        "favor_recall": settings.favor == "recall", "deduplicate": False, "with_metadata": False}

    def main_content(self, html: str) -> str | None:
        """The page's main content as text; None when the extractor finds none."""
        return self._extract(html, **self.options)
