"""Hard-wrapped paragraphs read as one line each: the text the line model scores when its input was wrapped.

Text from html2text, ``lynx -dump``, mail and news archives or plain-text files comes hard-wrapped: a paragraph is
several lines, each filled up to a width (60-100 columns) and ending mid-sentence, which a model trained on a
paragraph per line reads as a menu's lines. A text's width is its longest line within MAX_WIDTH characters, when
at most MAX_OVERFLOW of its lines are longer and it is at least MIN_WIDTH. A line is *filled* when the next line's
first word would not have fitted after it, which is how a greedy wrapper (textwrap, fmt, html2text) cuts; a filled
line joins the next unless it ends a sentence or statement, the two differ in indent or quote markers, or the
next starts a list item. A text is read as its view when at least MIN_JOINS lines join and they are at least
MIN_FILLED of the lines followed by another: each run of joined lines is one line, and every line of the run gets
that line's keep probability, so the program still keeps or deletes whole lines of the text as given, and a
paragraph goes or stays whole. Any other text is read as it is.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from lakerefine.udfs.program.lines import split_lines

from .features import text_line_words
from .site_keys import KEY_KINDS

MIN_WIDTH, MAX_WIDTH = 60, 100
MAX_OVERFLOW = 0.05  # lines longer than the width (a URL, a word that fits nowhere) allowed, as a share of lines
MIN_JOINS = 3
MIN_FILLED = 0.1  # of the lines followed by another line, the share that must be filled
_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*")  # indent and quote markers
_SENTENCE_END = set(".!?:;{}")  # a line ending a sentence or a statement ends its run
_LINE, _FIRST, _LAST = (KEY_KINDS.index(kind) for kind in ("line", "first_words", "last_words"))
_ITEM = re.compile(r"(?:[*\-+\u2022\u00b7]|\d{1,3}[.)])\s")  # a list item starts after the prefix


@dataclass(frozen=True)
class ParagraphView:
    text: str  # the text with each run of wrapped lines joined into one line
    line_of: np.ndarray  # for each line of the text as given, the line of ``text`` that holds it

    def shares(self, site_shares: list[float]) -> list[float]:
        """Site shares of the view's lines from those of the given lines (site_keys.KEY_KINDS per line): a joined
        line's whole-line share is the least of its lines' (a paragraph is on a page only if all its lines are),
        its first and last words' those of its first and last lines."""
        given = np.asarray(site_shares, dtype=np.float64).reshape(-1, len(KEY_KINDS))
        lines = np.arange(int(self.line_of[-1]) + 1)
        first = np.searchsorted(self.line_of, lines)
        last = np.searchsorted(self.line_of, lines, side="right") - 1
        view = np.empty((lines.size, len(KEY_KINDS)))
        view[:, _LINE] = [_least(given[a:b + 1, _LINE]) for a, b in zip(first, last, strict=True)]
        view[:, _FIRST] = given[first, _FIRST]
        view[:, _LAST] = given[last, _LAST]
        return view.ravel().tolist()


@dataclass(frozen=True)
class Reading:
    """What the line model reads of a batch of texts: each text, or its paragraph view, with its site shares."""

    given: list[str]
    views: list[ParagraphView | None]
    texts: list[str]  # what is read: each given text or its view's
    site_shares: list[list[float] | None] | None

    def per_given_line(self, values: list[np.ndarray]) -> list[np.ndarray]:
        """Per text, values of the lines read (one array per text) as values of the lines as given."""
        return [value if view is None else value[view.line_of] for value, view in zip(values, self.views, strict=True)]

    def given_words(self, words: list[np.ndarray]) -> list[np.ndarray]:
        """Per text, the \\w+ words of its lines as given, from those of the lines read."""
        return [count if view is None else text_line_words(text)
                for count, view, text in zip(words, self.views, self.given, strict=True)]


def read_batch(texts: list[str], site_shares: list[list[float] | None] | None = None) -> Reading:
    """Each text as the model reads it (its paragraph view, when it has one) and the site shares of its lines."""
    views = [paragraph_view(text) for text in texts]
    read = [text if view is None else view.text for text, view in zip(texts, views, strict=True)]
    shares = None if site_shares is None else [
        text_shares if view is None or text_shares is None else view.shares(text_shares)
        for text_shares, view in zip(site_shares, views, strict=True)]
    return Reading(texts, views, read, shares)


def paragraph_view(text: str) -> ParagraphView | None:
    """The view of a hard-wrapped text, or None when ``text`` does not look wrapped (or too little in it joins).
    Lengths are those of lines without their trailing whitespace ("\\r" included)."""
    lines = split_lines(text)
    with_spaces = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    over = sum(len(lines[i].rstrip()) > MAX_WIDTH for i in np.flatnonzero(with_spaces > MAX_WIDTH))
    if over > MAX_OVERFLOW * np.count_nonzero(with_spaces):
        return None  # too many long lines even among all non-empty lines: most texts of a paragraph a line stop here
    lengths = np.fromiter((len(line.rstrip()) for line in lines), dtype=np.int64, count=len(lines))
    has_text = lengths > 0
    width = wrap_width(lengths[has_text])
    if width is None:
        return None
    followed = has_text[:-1] & has_text[1:]
    joins = np.zeros(followed.size, dtype=bool)
    for i in np.flatnonzero(followed & (lengths[:-1] + 1 + lengths[1:] > width)):  # the rest cannot be filled
        joins[i] = continues(lines[i], lines[i + 1], width)
    if joins.sum() < max(MIN_JOINS, MIN_FILLED * followed.sum()):
        return None
    line_of = np.concatenate([[0], np.cumsum(~joins)]).astype(np.int64)
    view: list[str] = []
    for line, joined in zip(lines, [False, *joins], strict=True):
        if joined:
            view[-1] = f"{view[-1].rstrip()} {line[_PREFIX.match(line).end():].lstrip()}"
        else:
            view.append(line)
    return ParagraphView("\n".join(view) + ("\n" if text.endswith("\n") else ""), line_of)


def wrap_width(text_lengths: np.ndarray) -> int | None:
    """From the lengths of a text's lines with text: the longest within MAX_WIDTH characters, when at most
    MAX_OVERFLOW of them are longer and it is at least MIN_WIDTH; else None (not a wrapped text)."""
    fitting = text_lengths[text_lengths <= MAX_WIDTH]
    if text_lengths.size < 3 or text_lengths.size - fitting.size > MAX_OVERFLOW * text_lengths.size or not fitting.size:
        return None
    width = int(fitting.max())
    return width if width >= MIN_WIDTH else None


def continues(line: str, after: str, width: int) -> bool:
    """Whether ``after`` continues the paragraph of ``line``, cut at ``width`` by a greedy wrapper."""
    if not line.strip() or not after.strip():
        return False
    prefix = _PREFIX.match(line).group()
    if _PREFIX.match(after).group() != prefix:
        return False
    rest = after[len(prefix):]
    if not rest.strip() or _ITEM.match(rest):
        return False
    if line.rstrip()[-1] in _SENTENCE_END:
        return False
    first_word = rest.split(None, 1)[0]
    return len(line.rstrip()) + 1 + len(first_word) > width


def _least(shares: np.ndarray) -> float:
    known = shares[~np.isnan(shares)]
    return float(known.min()) if known.size else math.nan
