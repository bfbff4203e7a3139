"""Reading Python string literals out of model output, without eval.

``scan_string`` finds where a literal starts and ends (prefixes, single or triple
quotes, backslash escapes); ``decode_body`` turns its body into the string it
stands for, following Python's escape rules. A raw "\\r" or NUL inside the quotes
stands for itself (Python's compiler would normalise or refuse them, which is why
this does not call ``ast.literal_eval``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_START = re.compile(r"([A-Za-z]{0,2})('''|\"\"\"|'|\")")
_BODY = {
    "'": re.compile(r"[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*"),
    '"': re.compile(r'[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*'),
    "'''": re.compile(r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*"),
    '"""': re.compile(r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*'),
}
_STR_PREFIXES = {"", "r", "u"}
_OTHER_PREFIXES = {"b", "br", "rb", "f", "fr", "rf"}  # bytes and f-strings: never str values here

_ESCAPE = re.compile(
    r"\\(\n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|[0-7]{1,3}|[\s\S])"
)
_SIMPLE_ESCAPES = {
    "\n": "", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b",
    "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
}

OK = "ok"
NOT_STR = "not_str"  # a bytes literal or an f-string
BAD_ESCAPE = "bad_escape"
UNTERMINATED = "unterminated"  # the line ended inside the literal
TRUNCATED = "truncated"  # the text ended inside the literal


@dataclass(frozen=True)
class ScannedString:
    status: str  # OK, NOT_STR, BAD_ESCAPE, UNTERMINATED or TRUNCATED
    end: int  # position after the literal (or where scanning stopped)
    value: str | None = None  # the decoded value when status is OK


def scan_string(text: str, pos: int) -> ScannedString | None:
    """The string literal starting at ``pos``, or None if none starts there."""
    start = _START.match(text, pos)
    if start is None:
        return None
    prefix, quote = start.group(1).lower(), start.group(2)
    if prefix not in _STR_PREFIXES and prefix not in _OTHER_PREFIXES:
        return None
    body_start = start.end()
    body_end = _BODY[quote].match(text, body_start).end()
    if text.startswith(quote, body_end):
        end = body_end + len(quote)
    elif body_end == len(text) or (body_end == len(text) - 1 and text[-1] == "\\"):
        # the text ended inside the literal
        return ScannedString(TRUNCATED, len(text))
    else:
        return ScannedString(UNTERMINATED, body_end)
    if prefix in _OTHER_PREFIXES:
        return ScannedString(NOT_STR, end)
    body = text[body_start:body_end]
    if prefix == "r":
        return ScannedString(OK, end, body)
    try:
        return ScannedString(OK, end, decode_body(body))
    except ValueError:
        return ScannedString(BAD_ESCAPE, end)


def decode_body(body: str) -> str:
    """Python's escape sequences in a non-raw literal's body; ValueError if invalid."""
    if "\\" not in body:
        return body
    return _ESCAPE.sub(_decode_escape, body)


def _decode_escape(match: re.Match[str]) -> str:
    escape = match.group(1)
    if escape in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[escape]
    head = escape[0]
    if head in "xuU":
        if len(escape) == 1:
            raise ValueError(f"truncated \\{head} escape")
        code = int(escape[1:], 16)
        if code > 0x10FFFF:
            raise ValueError("escape beyond Unicode")
        return chr(code)
    if head == "N":
        if len(escape) == 1:
            raise ValueError("malformed \\N escape")
        try:
            return unicodedata.lookup(escape[2:-1])
        except KeyError as error:
            raise ValueError(str(error)) from None
    if head in "01234567":
        return chr(int(escape, 8))
    return "\\" + escape  # unknown escapes keep their backslash, as in Python
