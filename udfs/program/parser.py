"""Model output -> calls, as data. Nothing here evaluates or executes the text.

The scanner looks for ``name(`` anywhere in the output, so calls may be separated
by newlines, spaces or ``;`` and surrounded by markdown fences or chatter. Only
literal arguments are read: decimal integers and Python string literals
(see literals.py), positional or as ``start_line=``/``end_line=``/``line=``/``del_str=``.

Why a hand scanner and not ``tokenize``: measured on Python 3.11, ``tokenize``
reads an apostrophe in chatter ("Here's the plan: remove_lines(1, 2) ...") as the
start of a string and swallows the calls after it, aborts the whole output on
inconsistent indentation, and on Python 3.12 (its C tokenizer) stops at the
first unterminated string or at 200 nested brackets. Scanning only the argument
lists of candidate calls avoids all of that and stays linear.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .calls import (
    BAD_ARITY,
    BAD_TYPE,
    MALFORMED,
    UNKNOWN_FUNCTION,
    Call,
    KeepAll,
    Rejection,
    RemoveLines,
    RemoveStr,
    format_program,
)
from .literals import BAD_ESCAPE, OK, TRUNCATED, UNTERMINATED, scan_string

__all__ = ["ParsedProgram", "parse_program", "format_program"]

# Parameter names and types of each function, in positional order.
SIGNATURES: dict[str, tuple[tuple[str, type], ...]] = {
    "remove_lines": (("start_line", int), ("end_line", int)),
    "remove_str": (("line", int), ("del_str", str)),
    "keep_all": (),
}
SNIPPET_CHARS = 80
# Integers with more digits are read as +-HUGE_INT: no line has such a number.
MAX_INT_DIGITS = 18
HUGE_INT = 10**MAX_INT_DIGITS
# How far back from "(" a function name is looked for.
MAX_NAME_CHARS = 200

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
_SPACE = re.compile(r"[ \t\r\n\f]*")
_KEYWORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t\r\n\f]*=(?!=)")
_NUMBERISH = re.compile(r"[+-]?\.?[0-9][A-Za-z0-9_.]*(?:(?<=[eE])[+-][A-Za-z0-9_.]*)?")
_INT = re.compile(r"([+-]?)0*([0-9]+(?:_[0-9]+)*)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass
class ParsedProgram:
    calls: list[Call] = field(default_factory=list)  # unique, in first-seen order
    rejected: list[Rejection] = field(default_factory=list)
    truncated: bool = False  # the output ended inside a call, which was dropped
    duplicates: int = 0  # repeats of an earlier identical call (dropped)


@dataclass(frozen=True)
class _Argument:
    keyword: str | None
    value: object  # int, str, or _NOT_A_VALUE for literals of another type


class _NotAValue:
    """An argument that is a literal or name of a type the language never takes."""


_NOT_A_VALUE = _NotAValue()


class _SyntaxProblem(Exception):
    def __init__(self, position: int, truncated: bool = False):
        super().__init__(position)
        self.position = position
        self.truncated = truncated


def parse_program(text: str) -> ParsedProgram:
    program = ParsedProgram()
    seen_calls: set[Call] = set()
    seen_rejections: set[tuple[str, str]] = set()
    position = 0
    while (paren := text.find("(", position)) >= 0:
        name_start, name = _name_before(text, paren)
        if name is None:
            position = paren + 1
            continue
        try:
            arguments, end = _parse_arguments(text, paren + 1)
        except _SyntaxProblem as problem:
            if problem.truncated:
                program.truncated = True
                break
            reason = UNKNOWN_FUNCTION if name not in SIGNATURES else MALFORMED
            _reject(program, seen_rejections, reason, text[name_start:problem.position])
            position = problem.position
            continue
        outcome = _bind(name, arguments)
        if isinstance(outcome, str):
            _reject(program, seen_rejections, outcome, text[name_start:end])
        elif outcome in seen_calls:
            program.duplicates += 1
        else:
            seen_calls.add(outcome)
            program.calls.append(outcome)
        position = end
    return program


def _reject(program: ParsedProgram, seen: set[tuple[str, str]], reason: str, source: str) -> None:
    if (reason, source) in seen:
        program.duplicates += 1
        return
    seen.add((reason, source))
    program.rejected.append(Rejection(reason, source[:SNIPPET_CHARS]))


def _name_before(text: str, paren: int) -> tuple[int, str | None]:
    """The (dotted) function name written just before ``text[paren] == "("``, if any.

    Unknown names count as attempted calls only when written right against the
    parenthesis, so prose like "the header (lines 1-3)" is not a call.
    """
    end = paren
    while end > 0 and paren - end < MAX_NAME_CHARS and text[end - 1] in " \t":
        end -= 1
    start = end
    while start > 0 and end - start < MAX_NAME_CHARS and text[start - 1] in _NAME_CHARS:
        start -= 1
    parts = text[start:end].split(".")
    kept = 0  # how many trailing dot-separated parts are identifiers
    while kept < len(parts) and _is_identifier(parts[-1 - kept]):
        kept += 1
    if kept == 0:
        return paren, None
    name = ".".join(parts[len(parts) - kept:])
    if end != paren and name not in SIGNATURES:
        return paren, None
    return end - len(name), name


def _is_identifier(part: str) -> bool:
    return bool(part) and not part[0].isdigit()


def _parse_arguments(text: str, position: int) -> tuple[list[_Argument], int]:
    """The arguments after an opening "(" and the position after the closing ")"."""
    arguments: list[_Argument] = []
    position = _skip_space(text, position)
    if text.startswith(")", position):
        return arguments, position + 1
    while True:
        keyword = _KEYWORD.match(text, position)
        if keyword:
            position = _skip_space(text, keyword.end())
        value, position = _parse_value(text, position)
        arguments.append(_Argument(keyword.group(1) if keyword else None, value))
        position = _skip_space(text, position)
        if text.startswith(")", position):
            return arguments, position + 1
        if not text.startswith(",", position):
            raise _SyntaxProblem(position, truncated=position >= len(text))
        position = _skip_space(text, position + 1)
        if text.startswith(")", position):  # a trailing comma
            return arguments, position + 1


def _parse_value(text: str, position: int) -> tuple[object, int]:
    if position >= len(text):
        raise _SyntaxProblem(position, truncated=True)
    string = scan_string(text, position)
    if string is not None:
        if string.status == OK:
            return string.value, string.end
        if string.status in (UNTERMINATED, BAD_ESCAPE):
            raise _SyntaxProblem(string.end)
        if string.status == TRUNCATED:
            raise _SyntaxProblem(string.end, truncated=True)
        return _NOT_A_VALUE, string.end  # bytes or f-string
    number = _NUMBERISH.match(text, position)
    if number:
        return _read_int(number.group()), number.end()
    name = _NAME.match(text, position)
    if name:
        return _NOT_A_VALUE, name.end()  # True, None, a variable, ...
    raise _SyntaxProblem(position)


def _read_int(literal: str) -> object:
    match = _INT.fullmatch(literal)
    if match is None:
        return _NOT_A_VALUE  # a float, hex, complex, ...
    sign, digits = match.groups()
    digits = digits.replace("_", "")
    value = HUGE_INT if len(digits) > MAX_INT_DIGITS else int(digits)
    return -value if sign == "-" else value


def _bind(name: str, arguments: list[_Argument]) -> Call | str:
    """The call these arguments make, or the reason it is rejected."""
    signature = SIGNATURES.get(name)
    if signature is None:
        return UNKNOWN_FUNCTION
    keywords = [argument.keyword is not None for argument in arguments]
    if keywords != sorted(keywords):
        return MALFORMED  # a positional argument after a keyword one
    names = [parameter for parameter, _ in signature]
    values: dict[str, object] = {}
    for index, argument in enumerate(arguments):
        if argument.keyword is not None:
            parameter = argument.keyword
        elif index < len(names):
            parameter = names[index]
        else:
            return BAD_ARITY
        if parameter not in names or parameter in values:
            return BAD_ARITY
        values[parameter] = argument.value
    if len(values) != len(names):
        return BAD_ARITY
    for parameter, expected in signature:
        value = values[parameter]
        if type(value) is not expected:
            return BAD_TYPE
    if name == "remove_lines":
        return RemoveLines(values["start_line"], values["end_line"])
    if name == "remove_str":
        return RemoveStr(values["line"], values["del_str"])
    return KeepAll()


def _skip_space(text: str, position: int) -> int:
    return _SPACE.match(text, position).end()
