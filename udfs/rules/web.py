"""Web boilerplate lines: navigation, menus, banners and footers, link lists,
"related stories" lists, repeated lines, dividers.

Each function maps 0-based line numbers to a reason. Blank lines are never
judged here; rules.py decides what happens to them.
"""
from __future__ import annotations

import re

from lakerefine.conf.rules import RulesConfig
from lakerefine.udfs.rules.phrases import (
    BREADCRUMB_ROOTS,
    LIST_HEADERS,
    MENU_ITEMS,
    has_strong_phrase,
    has_weak_phrase,
    is_ui_label,
    label_text,
)
from lakerefine.udfs.rules.text import (
    SENTENCE_END,
    URL,
    Verdicts,
    continues_sentence,
    is_blank,
    is_divider,
    normalised,
    word_count,
)

# Why a line is web boilerplate.
NAV, BREADCRUMB, MENU, RELATED_LIST, PHRASE, UI_LABEL, LINK_LIST, REPEATED, DIVIDER = (
    "navigation", "breadcrumb", "menu", "related_list", "boilerplate_phrase", "ui_label", "link_list",
    "repeated_line", "divider")

# Separators of navigation items; " > ", " - " and " / " need spaces around them.
NAV_SEPARATOR = re.compile(r"\s*(?:\||»|«|·|•|›|‹|◦|¦|∙|→|::)\s*|\s+(?:>|-|–|/)\s+")
BREADCRUMB_LEAD = re.compile(r"^\s*(?:you are here|location|breadcrumbs?)\s*:\s*", re.IGNORECASE)
MAX_MENU_ITEM_CHARS = 25
MAX_MENU_ITEM_WORDS = 3
MAX_HEADLINE_WORDS = 16
MAX_LIST_ITEMS = 10
MIN_PROSE_WORDS = 25


def divider_lines(lines: list[str], config: RulesConfig) -> Verdicts:
    return {i: DIVIDER for i, line in enumerate(lines) if is_divider(line, config.min_divider_chars)}


def nav_items(line: str) -> list[str]:
    return [item.strip() for item in NAV_SEPARATOR.split(line.strip()) if item.strip()]


def _is_nav_item(item: str, config: RulesConfig) -> bool:
    """Short, mostly letters, not the end of a sentence."""
    letters = sum(1 for c in item if c.isalpha() or c in " '&-")
    return (word_count(item) <= config.max_nav_item_words and len(item) <= config.max_nav_item_chars
            and letters >= 0.7 * len(item) and not SENTENCE_END.search(item))


def is_nav_line(line: str, config: RulesConfig) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > config.max_nav_line_chars or stripped[0] in "|>!{":
        return False
    items = nav_items(stripped)
    if len(items) < config.min_nav_items or not all(_is_nav_item(item, config) for item in items):
        return False
    labels = sum(1 for item in items if item[0].isupper() or item[0].isdigit()
                 or label_text(item) in MENU_ITEMS)
    return labels >= 0.6 * len(items)


def is_breadcrumb(line: str, config: RulesConfig) -> bool:
    """"Home » News » World", "You are here: Home > Sport"."""
    stripped = line.strip()
    if len(stripped) > config.max_nav_line_chars:
        return False
    led = bool(BREADCRUMB_LEAD.match(stripped))
    items = nav_items(BREADCRUMB_LEAD.sub("", stripped))
    return (len(items) >= 2 and all(_is_nav_item(item, config) for item in items)
            and (led or label_text(items[0]) in BREADCRUMB_ROOTS))


def nav_lines(lines: list[str], config: RulesConfig) -> Verdicts:
    found: Verdicts = {}
    for i, line in enumerate(lines):
        if is_nav_line(line, config):
            found[i] = NAV
        elif is_breadcrumb(line, config):
            found[i] = BREADCRUMB
    return found


def ui_label_lines(lines: list[str]) -> Verdicts:
    return {i: UI_LABEL for i, line in enumerate(lines) if is_ui_label(line)}


def phrase_lines(lines: list[str], config: RulesConfig, hard_wrapped: bool = False) -> Verdicts:
    """Short lines with a boilerplate phrase. In hard-wrapped text (mail), not a
    line that sits inside a wrapped sentence."""
    max_chars = config.max_phrase_line_words * 20  # longer lines cannot be short enough
    found: Verdicts = {}
    for i, line in enumerate(lines):
        if is_blank(line) or len(line) > max_chars or word_count(line) > config.max_phrase_line_words:
            continue
        if hard_wrapped and continues_sentence(lines, i):
            continue
        if has_strong_phrase(line) or has_weak_phrase(line):
            found[i] = PHRASE
    return found


def _is_menu_item(line: str) -> bool:
    stripped = line.strip().strip("•·*-–»>").strip()
    return (0 < len(stripped) <= MAX_MENU_ITEM_CHARS and word_count(stripped) <= MAX_MENU_ITEM_WORDS
            and not SENTENCE_END.search(stripped))


def menu_runs(lines: list[str], config: RulesConfig) -> Verdicts:
    """Runs of short lines, from a menu word to a menu word, most of them menu
    words ("Home", "News", "Contact")."""
    found: Verdicts = {}
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is_menu_item(lines[j]):
            j += 1
        run = [k for k in range(i, j)]
        is_item = [label_text(lines[k]) in MENU_ITEMS for k in run]
        if any(is_item):
            first = run[is_item.index(True)]
            last = run[len(is_item) - 1 - is_item[::-1].index(True)]
            trimmed = range(first, last + 1)
            if len(trimmed) >= config.min_menu_run_lines and sum(is_item) * 2 >= len(trimmed):
                found.update({k: MENU for k in trimmed})
        i = max(j, i + 1)
    return found


def url_share(line: str) -> float:
    """Share of the line's non-space characters that lie in URLs."""
    if "://" not in line and "www." not in line.lower():
        return 0.0
    chars = len("".join(line.split()))
    return sum(len(match.group()) for match in URL.finditer(line)) / chars


def link_list_lines(lines: list[str], config: RulesConfig) -> Verdicts:
    """Runs of lines that are mostly URLs."""
    linky = [url_share(line) >= config.min_url_share for line in lines]
    found: Verdicts = {}
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and linky[j]:
            j += 1
        if j - i >= config.min_link_run_lines:
            found.update({k: LINK_LIST for k in range(i, j)})
        i = max(j, i + 1)
    return found


def repeated_lines(lines: list[str], config: RulesConfig) -> Verdicts:
    """A line seen many times, mostly between paragraphs of prose ("Advertisement",
    "Report this comment"); a refrain among short verse lines is kept."""
    keys = [normalised(line) for line in lines]
    places: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if len(key) >= config.min_repeated_line_chars:
            places.setdefault(key, []).append(i)
    found: Verdicts = {}
    for where in places.values():
        among_prose = sum(1 for i in where if _next_to_prose(lines, i))
        if len(where) >= config.min_repeats and among_prose * 2 >= len(where):
            found.update({i: REPEATED for i in where})
    return found


def _next_to_prose(lines: list[str], i: int) -> bool:
    """The nearest non-blank line before or after line i is a paragraph of prose."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and is_blank(lines[j]):
            j += step
        if 0 <= j < len(lines) and word_count(lines[j]) >= MIN_PROSE_WORDS:
            return True
    return False


def _is_headline(line: str) -> bool:
    return (not is_blank(line) and word_count(line) <= MAX_HEADLINE_WORDS
            and not re.search(r"[.!?]['\")]?\s*$", line))


def _is_title_of(lines: list[str], i: int) -> bool:
    """Line i heads the article: prose follows right under it."""
    return i + 1 < len(lines) and word_count(lines[i + 1]) >= MIN_PROSE_WORDS


def related_lists(lines: list[str]) -> Verdicts:
    """A "Related articles" header and the headline lines right under it."""
    found: Verdicts = {}
    for i, line in enumerate(lines):
        if len(line) > 60 or label_text(line) not in LIST_HEADERS:
            continue
        found[i] = RELATED_LIST
        j = i + 1
        while (j < len(lines) and j - i <= MAX_LIST_ITEMS and _is_headline(lines[j])
               and not _is_title_of(lines, j)):
            found[j] = RELATED_LIST
            j += 1
    return found
