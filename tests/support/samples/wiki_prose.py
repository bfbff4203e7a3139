"""Clean prose paragraphs out of raw wikitext (to wrap in web boilerplate).

Only lines that are paragraphs of running text are used; their markup is
flattened (links to their label, templates and references dropped) and a
paragraph is kept only if no markup is left in it.
"""
from __future__ import annotations

import html
import re

MIN_PARAGRAPH_CHARS = 200
_REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>", re.DOTALL | re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]")
_EXTERNAL_LINK = re.compile(r"\[(?:https?|ftp)://\S+\s+([^\]]*)\]")
_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LEFTOVER_MARKUP = re.compile(r"\[\[|\]\]|\{\{|\}\}|<|>|\||''|==|&[a-z]+;|\[http")
NOT_PROSE_STARTS = ("{", "|", "!", "[[File:", "[[Image:", "=", "*", "#", ":", ";", "<", " ")


def flatten(line: str) -> str:
    text = _COMMENT.sub("", line)
    text = _REF.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _TEMPLATE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EXTERNAL_LINK.sub(r"\1", text)
    text = text.replace("'''", "").replace("''", "")
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\u00a0", " ")
    text = re.sub(r"\(\s*[,;:\s]*\)", "", text)  # parentheses emptied by dropped templates
    text = re.sub(r"\(\s*[,;:]+\s*", "(", text)
    text = re.sub(r"\s+([,.;:)])", r"\1", text)
    return " ".join(text.split())


def prose_paragraphs(wikitext: str, limit: int = 6) -> list[str]:
    paragraphs = []
    for line in wikitext.split("\n"):
        if len(line) < MIN_PARAGRAPH_CHARS or line.startswith(NOT_PROSE_STARTS):
            continue
        text = flatten(line)
        if len(text) >= MIN_PARAGRAPH_CHARS // 2 and not _LEFTOVER_MARKUP.search(text):
            paragraphs.append(text)
            if len(paragraphs) == limit:
                break
    return paragraphs
