"""A reply of a generation engine: the text, or why there is none."""
from __future__ import annotations

from dataclasses import dataclass

from lakerefine.schemas.vocab import BACKEND_ERROR, CONNECTION_ERROR, HTTP_ERROR, MALFORMED_REPLY, TIMEOUT

__all__ = ["BACKEND_ERROR", "CONNECTION_ERROR", "HTTP_ERROR", "MALFORMED_REPLY", "TIMEOUT", "Reply",
           "cut_at_stop"]

MAX_DETAIL_CHARS = 500


@dataclass(frozen=True)
class Reply:
    text: str | None                # the model's whole answer; None when there is none
    latency_s: float
    attempts: int = 1
    error_kind: str | None = None   # set exactly when text is None (schemas/vocab: TIMEOUT, ...)
    error: str | None = None        # a message for people, never a credential

    @classmethod
    def failed(cls, kind: str, message: str, latency_s: float, attempts: int = 1) -> Reply:
        return cls(None, latency_s, attempts, kind, message[:MAX_DETAIL_CHARS])


def cut_at_stop(output: str, stop: list[str]) -> str:
    """The output up to the first stop string (generation may include it)."""
    cut = len(output)
    for marker in stop:
        found = output.find(marker)
        if 0 <= found < cut:
            cut = found
    return output[:cut]
