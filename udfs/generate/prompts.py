"""Prompt templates: a text file under conf/prompts/ (or any path) with a ``{document}`` marker
where the document (or a numbered chunk of it) goes."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

DOCUMENT_MARKER = "{document}"


def load_prompt(name_or_path: str) -> str:
    """``refiner`` names conf/prompts/refiner.txt; a name ending in .txt or holding a "/" is a path."""
    if name_or_path.endswith(".txt") or "/" in name_or_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise ValueError(f"prompt file {name_or_path!r} does not exist")
        template = path.read_text(encoding="utf-8")
    else:
        packaged = resources.files("lakerefine.conf") / "prompts" / f"{name_or_path}.txt"
        if not packaged.is_file():
            raise ValueError(f"no prompt named {name_or_path!r} in conf/prompts/")
        template = packaged.read_text(encoding="utf-8")
    if template.count(DOCUMENT_MARKER) != 1:
        raise ValueError(f"prompt {name_or_path!r} must contain {DOCUMENT_MARKER} exactly once")
    return template


def fill_prompt(template: str, chunk: str) -> str:
    # str.replace, not str.format: documents are full of braces.
    return template.replace(DOCUMENT_MARKER, chunk)
