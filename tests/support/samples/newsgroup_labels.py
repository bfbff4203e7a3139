"""Which lines of a Usenet post are boilerplate, by structure plus hand labels.

- The header block (line 1 to the first blank line) is boilerplate.
- Attribution lines are boilerplate: a line (quote marks stripped) that starts
  with "In article" (with its wrapped second line ending in "writes:"), or that
  ends with writes/wrote/said/says/Pontificated and names an address ("@").
- Divider lines (4+ characters drawn from one or two symbols, quote marks
  excepted) are boilerplate.
- Signatures and neutral lines come from the hand labels in
  data/sample/newsgroup_signatures.json.
- Runs of blank lines touching a boilerplate line are neutral.
Quoted text itself is content: it is what the reply answers.
"""
from __future__ import annotations

import re

BOILERPLATE, NEUTRAL, CONTENT = "boilerplate", "neutral", "content"
HEADER, ATTRIBUTION, DIVIDER, SIGNATURE = "header", "attribution", "divider", "signature"

_QUOTE_MARKS = re.compile(r"^[\s>|:}#]*")
_ATTRIBUTION_END = re.compile(r"\b(?:writes|wrote|said|says|pontificated)\s*(?::|\.\.\.|\.)?\s*$",
                              re.IGNORECASE)
_DIVIDER_SYMBOLS = set("-=_*~#+./\\^`'\"")  # not ">", "<", ":": those lines are quoting


def _is_attribution_start(line: str) -> bool:
    text = _QUOTE_MARKS.sub("", line)
    return text.lower().startswith("in article") or (
        "@" in text and bool(_ATTRIBUTION_END.search(text)) and len(text) < 250)


def _is_divider(line: str) -> bool:
    chars = "".join(line.split())
    return len(chars) >= 4 and set(chars) <= _DIVIDER_SYMBOLS and len(set(chars)) <= 2


def header_end(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if not line.strip():
            return i
    return len(lines)


def line_labels(lines: list[str], signature: list[list[int]],
                neutral: list[list[int]]) -> list[tuple[str, str]]:
    """(label, part) per line: label is boilerplate, neutral or content; part says
    which boilerplate (header, attribution, divider, signature), else ""."""
    labels = [CONTENT] * len(lines)
    parts = [""] * len(lines)

    def mark(i: int, label: str, part: str = "") -> None:
        labels[i], parts[i] = label, part

    end = header_end(lines)
    for i in range(end):
        mark(i, BOILERPLATE, HEADER)
    for i, line in enumerate(lines[end:], start=end):
        if _is_divider(line):
            mark(i, BOILERPLATE, DIVIDER)
        elif _is_attribution_start(line):
            mark(i, BOILERPLATE, ATTRIBUTION)
            text = _QUOTE_MARKS.sub("", line)
            wrapped = text.lower().startswith("in article") and not _ATTRIBUTION_END.search(text)
            if wrapped and i + 1 < len(lines) and _ATTRIBUTION_END.search(lines[i + 1]):
                mark(i + 1, BOILERPLATE, ATTRIBUTION)
    for first, last in signature:
        for i in range(first - 1, min(last, len(lines))):
            mark(i, BOILERPLATE, SIGNATURE)
    for first, last in neutral:
        for i in range(first - 1, min(last, len(lines))):
            mark(i, NEUTRAL)
    _blank_runs_touching_boilerplate_are_neutral(lines, labels)
    return list(zip(labels, parts, strict=True))


def _blank_runs_touching_boilerplate_are_neutral(lines: list[str], labels: list[str]) -> None:
    i = 0
    while i < len(lines):
        if lines[i].strip():
            i += 1
            continue
        j = i
        while j < len(lines) and not lines[j].strip():
            j += 1
        neighbours = (labels[i - 1] if i > 0 else None, labels[j] if j < len(lines) else None)
        if BOILERPLATE in neighbours:
            for k in range(i, j):
                if labels[k] == CONTENT:
                    labels[k] = NEUTRAL
        i = j
