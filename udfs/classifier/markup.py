"""What the line features read of a text: Markdown links and images reduced to their text.

A page converted to Markdown (markdownify, html2text, ...) carries each link's URL on its line, so a menu
reads as lines of long URL words and every linked phrase as its address; the model was trained on plain text.
Reading ``[text](url)`` as ``text`` and ``![alt](url)`` as nothing gives such lines the features of their plain
text. Lines are never joined or split (a program's line numbers stay the text's), and a text without that
syntax reads as itself. Only what the features see changes: a deleted line goes whole, URL and all.
"""
from __future__ import annotations

import re

# [text](url) or ![alt](url "title"): text without brackets; a url without spaces, with at most one level of
# balanced parentheses, that looks like one (a character of _URL_MARKS), so code such as `handlers[name](event)`
# or `emitter[key](err, name)` reads as itself
_LINK = re.compile(r'(!?)\[([^\[\]\n]*)\]\(([^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:[ \t]+"[^"\n]*")?\)')
_URL_MARKS = frozenset("/.#:?=")


def link_text(text: str) -> str:
    """``text`` with each Markdown link read as its text and each image as nothing (a linked image, ``[![alt](src)]
    (url)``, as nothing too)."""
    read = text
    for _ in range(2):  # the second pass reads a link whose text was an image
        if "](" not in read:
            break
        read = _LINK.sub(_read_link, read)
    if text and not text.endswith("\n") and (not read or read.endswith("\n")):
        read += "\n"  # a last line read as nothing is still a line
    return read


def _read_link(link: re.Match) -> str:
    if _URL_MARKS.isdisjoint(link.group(3)):
        return link.group(0)
    return "" if link.group(1) else link.group(2)
