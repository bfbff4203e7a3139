"""What every expert backend provides, and how one is chosen.

A backend answers a list of prompts with one ``ExpertReply`` each. A prompt that
fails does not fail the others: its reply carries no text but an error kind and
a message. ``create_expert_backend`` imports only the module of the backend a
config names, so vLLM is needed only where ``expert.backend: vllm``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from lakerefine.conf.settings import ExpertSettings

# Why a reply has no text. MALFORMED_REPLY means the expert answered something
# unusable (a rejection); the others mean it could not answer (an error).
TIMEOUT = "timeout"
CONNECTION_ERROR = "connection_error"
HTTP_ERROR = "http_error"
MALFORMED_REPLY = "malformed_reply"
BACKEND_ERROR = "backend_error"

MAX_DETAIL_CHARS = 500


@dataclass(frozen=True)
class ExpertReply:
    text: str | None                # the model's whole answer; None when there is none
    latency_s: float
    attempts: int = 1
    error_kind: str | None = None   # set exactly when text is None
    error: str | None = None        # a message for people, never a credential

    @classmethod
    def failed(cls, kind: str, message: str, latency_s: float, attempts: int = 1) -> "ExpertReply":
        return cls(None, latency_s, attempts, kind, message[:MAX_DETAIL_CHARS])


class ExpertBackend(Protocol):
    name: str     # hf | vllm | openai
    model: str    # what answered: a model path or a served model name

    def answer(self, prompts: list[str]) -> list[ExpertReply]:
        """One reply per prompt (a user message), in order; never raises for one bad prompt."""
        ...


def create_expert_backend(settings: "ExpertSettings", device: str = "cpu") -> ExpertBackend:
    if settings.backend == "hf":
        from .hf_expert import HfExpert
        return HfExpert(settings.hf, device)
    if settings.backend == "vllm":
        from .vllm_expert import VllmExpert
        return VllmExpert(settings.vllm, device)
    if settings.backend == "openai":
        from .openai_expert import OpenAIExpert
        return OpenAIExpert(settings.openai)
    raise ValueError(f"expert.backend: unknown backend {settings.backend!r}")
