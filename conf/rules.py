"""Thresholds of the rules program generator (udfs/rules/generator.py), the configuration it takes as it is."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_WIKI_APPENDIX_SECTIONS = (
    "references", "external links", "notes", "footnotes", "further reading",
    "see also", "sources", "citations", "bibliography", "notes and references",
)


class RulesConfig(BaseModel):
    """Every threshold the heuristics use. Unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Navigation bars: "Home | News | Sport | Contact".
    min_nav_items: int = Field(3, ge=2)
    max_nav_item_words: int = Field(4, ge=1)
    max_nav_item_chars: int = Field(32, ge=1)
    max_nav_line_chars: int = Field(240, ge=1)
    # Menus written one item per line: a run of at least this many short lines.
    min_menu_run_lines: int = Field(4, ge=2)
    # Lines with a boilerplate phrase (cookies, copyright, subscribe, ...) are
    # removed only when they are at most this many words long.
    max_phrase_line_words: int = Field(40, ge=1)
    # Link lists: a line is link-like when URLs make up this share of its
    # non-space characters; link-like lines are removed in runs of this length.
    min_url_share: float = Field(0.6, gt=0, le=1)
    min_link_run_lines: int = Field(2, ge=1)
    # A line (normalised) seen this many times in a document is boilerplate.
    min_repeats: int = Field(3, ge=2)
    min_repeated_line_chars: int = Field(10, ge=1)
    # Divider lines ("=====", "-*-*-*-") and runs of one symbol inside a line.
    min_divider_chars: int = Field(3, ge=2)
    min_symbol_run_chars: int = Field(5, ge=2)
    # Mail: a signature starts at most this many lines before the end.
    max_signature_lines: int = Field(15, ge=1)
    max_signature_line_chars: int = Field(100, ge=1)
    # Wikitext sections removed with their bodies (compared lower-cased).
    wiki_appendix_sections: tuple[str, ...] = DEFAULT_WIKI_APPENDIX_SECTIONS
    # remove_str may only target this many leading characters of a line
    # (the part the refiner is shown; see lakerefine.udfs.program.render).
    max_line_chars: int = Field(4000, ge=1)
