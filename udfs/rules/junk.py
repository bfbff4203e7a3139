"""Junk strings inside lines ("*&╚ ", "■■■", "=======", ANSI escapes) and lines of nothing else."""
from __future__ import annotations

import functools
import re

from lakerefine.conf.rules import RulesConfig
from lakerefine.udfs.rules.text import Verdicts, is_blank

JUNK = "junk"

# Characters that never belong to prose: box drawing, blocks, geometric shapes,
# the replacement character, C0/C1 controls (tab excepted), private use.
JUNK_CHARS = "\u2500-\u259f\u25a0-\u25ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff"
JUNK_CHAR = re.compile(f"[{JUNK_CHARS}]")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
TOKEN = re.compile(r"\S+")
# A whitespace-delimited token of three or more symbols: a pre-filter for junk tokens.
CANDIDATE_TOKEN = re.compile(r"(?:^|\s)[^\w\s]{3,}(?=\s|$)")
# Symbols that decorate rather than punctuate: a token of symbols that repeats
# one of these ("•••", "<<<>>>", "~#~#~", "||||") is junk.
DECORATIVE = frozenset("*~#=_+|<>•°¤§¶/\\")  # not "^": it underlines quoted words
ARROW = re.compile(r"^<?[=-]+>?$")
TABLE_RULE = frozenset("|-:+=")  # "|---|:---:|", "+-----+": the borders of a text table
QUOTE_MARKS = frozenset(">|:}#")
# In wikitext these build markup (bold quotes, "}}", "||") and are never junk.
WIKI_MARKUP = frozenset("{}[]|'=!")
WIKI_LIST_MARKUP = frozenset("*#:;")  # "*** item" is a third-level bullet


@functools.lru_cache(maxsize=8)
def _symbol_run(min_chars: int) -> re.Pattern[str]:
    """Runs of one repeated symbol, at least ``min_chars`` long (dots excepted: ellipses)."""
    return re.compile(r"([=\-_*~#+])\1{" + str(min_chars - 1) + ",}")


def _is_table_rule(token: str) -> bool:
    return set(token) <= TABLE_RULE and bool(set(token) & {"-", "="})


def _is_junk_token(token: str, at_line_start: bool, wiki: bool) -> bool:
    """A token of symbols only, with a junk character or a repeated decorative
    symbol; not ellipses, elisions ("[...]"), arrows ("==>"), emoticons, quoting."""
    if any(c.isalnum() for c in token):
        return False
    if at_line_start and set(token) <= QUOTE_MARKS:
        return False  # mail quoting: ">>>"
    if wiki and (set(token) <= WIKI_MARKUP or (at_line_start and set(token) <= WIKI_LIST_MARKUP)):
        return False
    if JUNK_CHAR.search(token):
        return True
    if len(token) < 3 or ARROW.match(token) or set(token) == {">"} or _is_table_rule(token):
        return False
    return any(c in DECORATIVE and token.count(c) >= 2 for c in set(token))


def junk_spans(line: str, config: RulesConfig, wiki: bool = False) -> list[tuple[int, int]]:
    """[start, end) spans of junk in a line: ANSI escapes, runs of junk tokens,
    long runs of one symbol inside a word."""
    symbol_run = _symbol_run(config.min_symbol_run_chars)
    if not (JUNK_CHAR.search(line) or CANDIDATE_TOKEN.search(line) or symbol_run.search(line)):
        return []
    spans = [m.span() for m in ANSI_ESCAPE.finditer(line)]
    run: list[int] = []
    for token in TOKEN.finditer(line):
        if ANSI_ESCAPE.search(token.group()) or not _is_junk_token(
                token.group(), token.start() == len(line) - len(line.lstrip()), wiki):
            if run:
                spans.append((run[0], run[1]))
            run = []
        else:
            run = [run[0] if run else token.start(), token.end()]
    if run:
        spans.append((run[0], run[1]))
    for match in symbol_run.finditer(line):
        if not any(start <= match.start() < end for start, end in spans):
            spans.append(match.span())
    return sorted(spans)


def with_one_space(line: str, start: int, end: int) -> tuple[int, int]:
    """Widen a junk span by one neighbouring space so deleting it leaves no double space."""
    if end < len(line) and line[end] == " " and (start == 0 or line[start - 1] == " "):
        return start, end + 1
    if start > 0 and line[start - 1] == " " and (end == len(line) or line[end] == " "):
        return start - 1, end
    return start, end


def occurs_once(line: str, piece: str) -> bool:
    """Exactly one occurrence, overlapping ones counted (as the executor counts them)."""
    first = line.find(piece)
    return first >= 0 and line.find(piece, first + 1) < 0


def junk_strings(line: str, config: RulesConfig, wiki: bool = False) -> list[str]:
    """Junk substrings of a line that ``remove_str`` can delete (each unique in it)."""
    found: list[str] = []
    for start, end in junk_spans(line, config, wiki):
        start, end = with_one_space(line, start, end)
        if end > config.max_line_chars:
            continue
        piece = line[start:end]
        if piece.strip() and occurs_once(line, piece) and piece not in found:
            found.append(piece)
    return found


def junk_only_lines(lines: list[str], config: RulesConfig) -> Verdicts:
    """Lines with junk characters and nothing else worth keeping."""
    found: Verdicts = {}
    for i, line in enumerate(lines):
        if is_blank(line) or not JUNK_CHAR.search(line):
            continue
        rest = JUNK_CHAR.sub("", ANSI_ESCAPE.sub("", line))
        if not any(c.isalnum() for c in rest):
            found[i] = JUNK
    return found
