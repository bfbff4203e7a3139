"""Wikitext boilerplate: categories, interlanguage links, template-only lines,
infobox/navbox blocks, comments, magic words, and appendix sections
(References, External links, ...) with their bodies."""
from __future__ import annotations

import re

from lakerefine.conf.rules import RulesConfig
from lakerefine.udfs.rules.text import Verdicts, is_blank

CATEGORY = "wiki_category"
INTERLANGUAGE = "wiki_interlanguage"
TEMPLATE = "wiki_template"
TEMPLATE_BLOCK = "wiki_template_block"
COMMENT = "wiki_comment"
MAGIC_WORD = "wiki_magic_word"
APPENDIX = "wiki_appendix_section"

HEADING = re.compile(r"^(={1,6})\s*(.*?)\s*\1\s*$")
CATEGORY_LINE = re.compile(r"^\s*(?:\[\[\s*Category\s*:[^\]]*\]\]\s*)+$", re.IGNORECASE)
INTERLANGUAGE_LINE = re.compile(r"^\s*\[\[[a-z]{2,12}(?:-[a-z]+)*:[^\]]+\]\]\s*$")
MAGIC_WORD_LINE = re.compile(r"^\s*(?:__[A-Z]+__\s*)+$")
COMMENT_ONLY = re.compile(r"^\s*<!--.*?-->\s*$")
TEMPLATE_NAME = re.compile(r"^\s*\{\{\s*([^|}\n]*)")
# Multi-line templates removed whole whatever their inner lines look like.
BOX_TEMPLATES = re.compile(
    r"^(?:infobox|navbox|sidebar|taxobox|automatic taxobox|speciesbox|chembox|drugbox|"
    r"succession|s-start|portal|sister project|authority control|reflist|refbegin|"
    r"col-begin|div col)", re.IGNORECASE)
# How far a template or comment block is followed looking for its end; lines
# with no end in sight are skipped, so broken markup cannot make the scan quadratic.
MAX_BLOCK_LINES = 400
WIKITEXT_MARKERS = re.compile(r"\[\[Category:|\{\{|'''|^==.*==\s*$|\[\[[^\]]+\]\]", re.MULTILINE)


def looks_like_wikitext(text: str) -> bool:
    markers = WIKITEXT_MARKERS.findall(text[:20000])
    return len(markers) >= 5 and ("{{" in text or "[[Category:" in text)


def strip_templates(line: str) -> str:
    """The line with every balanced {{...}} and <!-- --> removed (innermost first)."""
    previous = None
    while previous != line:
        previous = line
        line = re.sub(r"\{\{[^{}]*\}\}", "", line)
    return re.sub(r"<!--.*?-->", "", line)


def is_template_only(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("{{") and not strip_templates(stripped).strip()


def _brace_depth_change(line: str) -> int:
    return line.count("{{") - line.count("}}")


def template_blocks(lines: list[str]) -> Verdicts:
    """Templates spanning several lines that hold no prose: infoboxes, navboxes, and
    any multi-line template whose inner lines are mostly ``| key = value``."""
    found: Verdicts = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.lstrip().startswith("{{") or _brace_depth_change(line) <= 0:
            i += 1
            continue
        depth, j, stop = 0, i, min(len(lines), i + MAX_BLOCK_LINES)
        while j < stop:
            depth += _brace_depth_change(lines[j])
            if depth <= 0:
                break
            j += 1
        if j == stop:  # unclosed: broken markup, not looked into further
            i = stop
            continue
        if strip_templates("\n".join(lines[i:j + 1])).strip():
            i += 1  # prose follows the closing braces
            continue
        inner = [text for text in lines[i + 1:j] if text.strip()]
        name = TEMPLATE_NAME.match(line).group(1).strip()
        parameters = sum(1 for text in inner if text.lstrip().startswith("|"))
        if BOX_TEMPLATES.match(name) or (inner and parameters * 2 >= len(inner)):
            found.update({k: TEMPLATE_BLOCK for k in range(i, j + 1)})
        i = j + 1
    return found


def comment_blocks(lines: list[str]) -> Verdicts:
    """Lines holding only an HTML comment, one-line or spanning lines."""
    found: Verdicts = {}
    i = 0
    while i < len(lines):
        if COMMENT_ONLY.match(lines[i]):
            found[i] = COMMENT
        elif lines[i].lstrip().startswith("<!--") and "-->" not in lines[i]:
            j, stop = i + 1, min(len(lines), i + MAX_BLOCK_LINES)
            while j < stop and "-->" not in lines[j]:
                j += 1
            if j == stop:  # unclosed
                i = stop
                continue
            if not lines[j].split("-->", 1)[1].strip():
                found.update({k: COMMENT for k in range(i, j + 1)})
                i = j
        i += 1
    return found


def appendix_sections(lines: list[str], config: RulesConfig) -> Verdicts:
    """'== References ==' and the like, with everything up to the next heading of
    the same or a higher level."""
    wanted = {title.lower() for title in config.wiki_appendix_sections}
    found: Verdicts = {}
    i = 0
    while i < len(lines):
        heading = HEADING.match(lines[i])
        if not heading or heading.group(2).lower() not in wanted:
            i += 1
            continue
        level = len(heading.group(1))
        j = i + 1
        while j < len(lines):
            other = HEADING.match(lines[j])
            if other and len(other.group(1)) <= level:
                break
            j += 1
        found.update({k: APPENDIX for k in range(i, j)})
        i = j
    return found


def single_lines(lines: list[str]) -> Verdicts:
    found: Verdicts = {}
    for i, line in enumerate(lines):
        if is_blank(line):
            continue
        if CATEGORY_LINE.match(line):
            found[i] = CATEGORY
        elif INTERLANGUAGE_LINE.match(line):
            found[i] = INTERLANGUAGE
        elif MAGIC_WORD_LINE.match(line):
            found[i] = MAGIC_WORD
        elif is_template_only(line):
            found[i] = TEMPLATE
    return found


def is_markup_line(line: str) -> bool:
    """Table rows and headings: structure the web heuristics must not judge."""
    stripped = line.lstrip()
    return stripped.startswith(("|", "!", "{|")) or bool(HEADING.match(line))


def wiki_lines(lines: list[str], config: RulesConfig) -> Verdicts:
    found: Verdicts = {}
    for verdicts in (appendix_sections(lines, config), template_blocks(lines),
                     comment_blocks(lines), single_lines(lines)):
        for i, reason in verdicts.items():
            found.setdefault(i, reason)
    return found
