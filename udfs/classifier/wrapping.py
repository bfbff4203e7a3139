"""Hard-wrapped text: each line longer than a width cut at its spaces into lines of at most that width.

Text from html2text (78 columns by default), ``lynx -dump`` and ``w3m -dump`` (79), mail archives and plain-text
files comes hard-wrapped: a paragraph is several short lines that end mid-sentence, which a model that has only seen
a paragraph per line (html_text, trafilatura) reads as a menu's. The training procedure (training.py) adds a wrapped
copy of every page, at a width drawn from ``WRAP_WIDTHS``, so that the trees learn both shapes of the same text.
"""
from __future__ import annotations

import textwrap

WRAP_WIDTHS = (60, 100)  # a copy's width in characters, drawn per page between these, both included


def hard_wrap(text: str, width: int) -> str:
    """``text`` with each line longer than ``width`` wrapped at whitespace (a word longer than the width stays whole
    on a line of its own), the other lines as they are."""
    return "\n".join(textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                     if len(line) > width else line for line in text.split("\n"))
