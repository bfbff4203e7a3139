"""Program backends: what writes a deletion program for a document (rules, hf, vllm).

``create_backend`` imports only the module of the backend a config names, so
the optional vllm extra is needed only where ``refine.backend: vllm``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .base import ProgramBackend, Prompt

if TYPE_CHECKING:
    from lakerefine.conf.settings import RefineSettings

__all__ = ["ProgramBackend", "Prompt", "create_backend"]


def create_backend(settings: "RefineSettings", device: str = "cpu") -> ProgramBackend:
    """The backend ``settings.backend`` names, its model (if any) loaded on ``device``."""
    if settings.backend == "rules":
        from .rules_backend import RulesBackend
        return RulesBackend(settings)
    if settings.backend == "hf":
        from .hf_backend import HfBackend
        return HfBackend(settings, device)
    if settings.backend == "vllm":
        from .vllm_backend import VllmBackend
        return VllmBackend(settings, device)
    raise ValueError(f"refine.backend: unknown backend {settings.backend!r}")
