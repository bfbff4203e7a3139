"""Small line tests shared by the rule modules."""
from __future__ import annotations

import re

Verdicts = dict[int, str]  # 0-based line number -> why the line is boilerplate

URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'\]\[|]+", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?;:,]['\")\]]?$")
# Not ">", "<", ":" or "|": lines of those are mail quoting.
DIVIDER_CHARS = frozenset("-=_*~#+./\\^`'\"") | frozenset(chr(c) for c in range(0x2500, 0x25A0))


def is_blank(line: str) -> bool:
    return not line.strip()


def word_count(line: str) -> int:
    """Whitespace-separated tokens (cheaper than a regex and close enough here)."""
    return len(line.split())


def normalised(line: str) -> str:
    return " ".join(line.lower().split())


def is_divider(line: str, min_chars: int) -> bool:
    """A line drawn with one or two symbols: "=====", "-=-=-=", "* * *"."""
    chars = "".join(line.split())
    return len(chars) >= min_chars and set(chars) <= DIVIDER_CHARS and len(set(chars)) <= 2


def continues_sentence(lines: list[str], i: int) -> bool:
    """Line i is the middle of a hard-wrapped sentence: the line before is text
    that does not end a sentence, or this one starts in lower case."""
    stripped = lines[i].lstrip()
    if stripped[:1].islower():
        return True
    if i == 0 or is_blank(lines[i - 1]):
        return False
    return not re.search(r"[.!?:\"')\]]\s*$", lines[i - 1])
