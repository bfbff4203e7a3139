"""Mail and Usenet boilerplate: the header block, reply attributions, signatures."""
from __future__ import annotations

import re

from lakerefine.conf.rules import RulesConfig
from lakerefine.udfs.rules.text import URL, Verdicts, is_blank, is_divider, word_count

HEADER = "mail_header"
ATTRIBUTION = "reply_attribution"
SIGNATURE = "signature"
QUOTED_SIGNATURE = "quoted_signature"

HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*:(?:\s|$)")
# A leading "Name: value" block is a mail header (and the document mail) when it
# has one of these; "Title:"/"Date:" alone could head any document.
MAIL_HEADER_NAMES = ("from", "newsgroups", "message-id", "path", "xref", "received", "return-path")
QUOTE_PREFIX = re.compile(r"^[ \t]*(?:[>|:}#][ \t]?)+")
QUOTED_LINE = re.compile(r"^[ \t]*[>|:}]")
EMAIL = re.compile(r"[\w.+%!-]+@[\w-]+(?:\.[\w-]+)+")
ADDRESS = re.compile(r"\w@\w")  # also "user@host" without a domain
MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>|<[^<>\s]+>")
ATTRIBUTION_VERB = re.compile(
    r"\b(?:writes|wrote|says|said|pontificated|posted)\b\s*(?::|\.\.\.|\.)?\s*$", re.IGNORECASE)
IN_ARTICLE = re.compile(r"^in article\b", re.IGNORECASE)
ON_DATE_WROTE = re.compile(r"^on .{4,80}\bwrote:\s*$", re.IGNORECASE)
PHONE = re.compile(r"(?:\+?\d[\d ./-]{0,4})?\(?\d{3}\)?[ ./-]?\d{3}[ ./-]?\d{4}\b|\+\d{1,3}[ /]\d[\d /-]{5,}")
SIGNATURE_WORDS = re.compile(
    r"\b(?:university|institute|laboratory|lab|dept|department|inc|corp|corporation|ltd|gmbh|"
    r"phone|tel|fax|e-?mail|internet|bitnet|uucp|disclaimer|opinions?|p\.?o\.? box|"
    r"[A-Z]{2} \d{5})\b", re.IGNORECASE)
SIGNATURE_DELIMITERS = ("--", "---", "==")
MAX_CONTACT_BLOCK_LINES = 3


def unquoted(line: str) -> str:
    return QUOTE_PREFIX.sub("", line, count=1)


def is_quoted(line: str) -> bool:
    """Quoted reply text. ("#" is left out: "#define" lines are signature art.)"""
    return bool(QUOTED_LINE.match(line))


def header_block_end(lines: list[str]) -> int:
    """How many leading lines form a mail header block (0 if there is none)."""
    names: list[str] = []
    for i, line in enumerate(lines):
        if is_blank(line):
            return i if _is_mail_header(names) else 0
        if HEADER_LINE.match(line):
            names.append(line.split(":", 1)[0].lower())
        elif not (line[:1] in " \t" and names):  # continuation lines start with a space
            return 0
    return len(lines) if _is_mail_header(names) else 0


def _is_mail_header(names: list[str]) -> bool:
    return len(names) >= 2 and any(name in MAIL_HEADER_NAMES for name in names)


def looks_like_mail(lines: list[str]) -> bool:
    return header_block_end(lines) > 0


def header_lines(lines: list[str]) -> Verdicts:
    return {i: HEADER for i in range(header_block_end(lines))}


def is_attribution(line: str) -> bool:
    text = unquoted(line).strip()
    if not text or len(text) > 250:
        return False
    if IN_ARTICLE.match(text) or ON_DATE_WROTE.match(text):
        return True
    return bool(ATTRIBUTION_VERB.search(text)) and bool(ADDRESS.search(text) or MESSAGE_ID.search(text))


def attribution_lines(lines: list[str]) -> Verdicts:
    """'In article <id>, who@where (Name) writes:' lines, wrapped ones included."""
    found: Verdicts = {}
    for i, line in enumerate(lines):
        if not is_attribution(line):
            continue
        found[i] = ATTRIBUTION
        text = unquoted(line).strip()
        wraps = IN_ARTICLE.match(text) and not ATTRIBUTION_VERB.search(text)
        if wraps and i + 1 < len(lines) and ATTRIBUTION_VERB.search(unquoted(lines[i + 1])):
            found[i + 1] = ATTRIBUTION
    return found


def has_contact(line: str) -> bool:
    return bool(EMAIL.search(line) or URL.search(line) or PHONE.search(line))


def is_ascii_art(line: str) -> bool:
    chars = [c for c in line if not c.isspace()]
    symbols = sum(1 for c in chars if not c.isalnum())
    return len(chars) >= 3 and symbols / len(chars) >= 0.5


def is_boxed(line: str) -> bool:
    """A line of a framed signature: "| Name   | quote |", "* text *"."""
    stripped = line.strip()
    return len(stripped) >= 2 and stripped[0] in "|*+/\\#" and stripped[-1] in "|*+/\\#"


def is_signature_evidence(line: str) -> bool:
    return (has_contact(line) or is_ascii_art(line) or is_boxed(line)
            or bool(SIGNATURE_WORDS.search(line)) or line.lstrip().startswith("#define"))


def _is_short_plain(line: str, config: RulesConfig) -> bool:
    """Name, affiliation or address lines: short, not a sentence."""
    stripped = line.strip()
    return (len(stripped) <= config.max_signature_line_chars and word_count(stripped) <= 12
            and not stripped.endswith(("?", "!")) and not is_quoted(line))


def _is_delimiter(line: str, config: RulesConfig) -> bool:
    stripped = line.strip()
    return stripped in SIGNATURE_DELIMITERS or (is_divider(line, config.min_divider_chars)
                                                 and not is_quoted(line))


def signature_start(lines: list[str], config: RulesConfig) -> int | None:
    """Where the trailing signature starts (0-based), or None.

    Two shapes: a delimiter line ("-- ", "--", "---", "==", or a divider) near the
    end followed by lines with contact details or a frame; or, with no delimiter,
    a trailing run of short plain lines with an e-mail address, phone or URL.
    """
    last = len(lines) - 1
    while last >= 0 and is_blank(lines[last]):
        last -= 1
    if last < 0:
        return None
    window_start = max(0, last - config.max_signature_lines + 1)
    for i in range(window_start, last + 1):
        if _is_delimiter(lines[i], config) and not is_quoted(lines[i]):
            after = [line for line in lines[i + 1:last + 1] if not is_blank(line)]
            standard = lines[i].strip() == "--"
            if after and (standard or any(is_signature_evidence(line) for line in after)):
                return _with_contact_block_above(lines, i, config)
    return _undelimited_signature_start(lines, last, config)


def _with_contact_block_above(lines: list[str], start: int, config: RulesConfig) -> int:
    """Move a signature's start up over a name-and-address block written just
    above its delimiter ("darin" / "wilkins@host" / "____")."""
    end = start
    while end > 0 and is_blank(lines[end - 1]):
        end -= 1
    first = end
    while (first > 0 and end - first < MAX_CONTACT_BLOCK_LINES and not is_blank(lines[first - 1])
           and _is_short_plain(lines[first - 1], config)):
        first -= 1
    block = lines[first:end]
    if not block or not (first == 0 or is_blank(lines[first - 1])):
        return start
    opens_with_name = _looks_like_name(block[0]) or has_contact(block[0])
    return first if opens_with_name and any(has_contact(line) for line in block) else start


def _undelimited_signature_start(lines: list[str], last: int, config: RulesConfig) -> int | None:
    """The trailing run of name/address/art lines, if it holds contact details or a frame."""
    start = last + 1
    while (start - 1 >= 0 and last - (start - 1) < config.max_signature_lines
           and not is_blank(lines[start - 1])
           and (_is_short_plain(lines[start - 1], config) or is_ascii_art(lines[start - 1])
                or is_boxed(lines[start - 1]))):
        start -= 1
    if not any(has_contact(line) or is_boxed(line) for line in lines[start:last + 1]):
        return None
    if start > 0 and not is_blank(lines[start - 1]):
        # The run ends a paragraph: the signature starts at its first name,
        # contact or art line.
        while start <= last and not (has_contact(lines[start]) or is_ascii_art(lines[start])
                                     or _looks_like_name(lines[start])):
            start += 1
    return start


def _looks_like_name(line: str) -> bool:
    """A sign-off name: "Jim Lippard", "- Ken Kobayashi", "-jeremy", "darin"."""
    stripped = line.strip()
    words = stripped.lstrip("-").split()
    if not 1 <= len(words) <= 4:
        return False
    if stripped.startswith("-") or all(w[:1].isupper() or w[:1] == "(" for w in words):
        return True
    return len(words) <= 2 and all(w.isalpha() for w in words)


def signature_lines(lines: list[str], config: RulesConfig) -> Verdicts:
    start = signature_start(lines, config)
    if start is None:
        return {}
    return {i: SIGNATURE for i in range(start, len(lines))}


def quoted_signature_lines(lines: list[str]) -> Verdicts:
    """A quoted "> -- " and the rest of that quoted block: another poster's signature."""
    found: Verdicts = {}
    for i, line in enumerate(lines):
        if is_quoted(line) and unquoted(line).strip() == "--":
            prefix = _quote_prefix(line)
            j = i
            while j < len(lines) and is_quoted(lines[j]) and _quote_prefix(lines[j]) == prefix:
                found[j] = QUOTED_SIGNATURE
                j += 1
    return found


def _quote_prefix(line: str) -> str:
    match = QUOTE_PREFIX.match(line)
    return match.group().strip() if match else ""
