"""The deletion-program language as data: its calls, rejection reasons, canonical text."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lakerefine.schemas.vocab import (  # noqa: F401  (the reasons, importable from here too)
    BAD_ARITY,
    BAD_TYPE,
    CALL_REJECTIONS,
    MALFORMED,
    NOT_FOUND,
    NOT_UNIQUE,
    OUT_OF_RANGE,
    UNKNOWN_FUNCTION,
)


@dataclass(frozen=True)
class RemoveLines:
    """Delete lines start..end (1-based, inclusive) with their newlines."""

    start: int
    end: int


@dataclass(frozen=True)
class RemoveStr:
    """Delete ``del_str`` from ``line`` if it occurs there exactly once."""

    line: int
    del_str: str


@dataclass(frozen=True)
class KeepAll:
    """No change."""


Call = RemoveLines | RemoveStr | KeepAll


class KeptWhole(str):
    """The program ``keep_all()`` written as a decision to keep a document whole, not for lack of anything to
    delete (the classifier's page floor: it found almost nothing to keep). It runs as ``keep_all()`` does;
    refine_edits records the document as ``kept_whole`` instead of ``unchanged``."""

    def __new__(cls) -> KeptWhole:
        return super().__new__(cls, format_call(KeepAll()))


# Why a call was rejected (schemas/vocab.py): the parser gives the first four, the executor the rest.
REASONS = CALL_REJECTIONS


@dataclass(frozen=True)
class Rejection:
    reason: str  # one of REASONS
    snippet: str  # the offending call as written (cut to a few dozen characters)


def format_call(call: Call) -> str:
    if isinstance(call, RemoveLines):
        return f"remove_lines({call.start}, {call.end})"
    if isinstance(call, RemoveStr):
        return f"remove_str({call.line}, {call.del_str!r})"
    return "keep_all()"


def format_program(calls: Iterable[Call]) -> str:
    """Canonical program text: one call per line; ``parse_program`` reads it back."""
    return "\n".join(format_call(call) for call in calls)
