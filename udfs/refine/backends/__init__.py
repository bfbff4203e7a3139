"""Program backends: what writes a deletion program for a document.

``classifier.py`` adapts the line classifier (udfs/classifier/); ``rules.py`` the rules
program generator (udfs/rules/); ``lm.py`` a language model of the generation layer
(udfs/generate/: ``hf``, ``vllm``); ``replay.py`` serves the programs a table recorded (a past
run's audit). A new backend is a module here
with a class following ``base.ProgramBackend`` and a line in ``create_backend``.
``create_backend`` imports only the module of the backend a config names, so the optional
vllm extra is needed only where ``refine.backend: vllm``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from lakerefine.udfs.refine.backends.base import DocumentContext, ProgramBackend, Prompt

if TYPE_CHECKING:
    from lakerefine.conf.settings import RefineSettings

__all__ = ["DocumentContext", "ProgramBackend", "Prompt", "create_backend", "model_metrics"]


def create_backend(settings: RefineSettings, device: str = "cpu") -> ProgramBackend:
    """The backend ``settings.backend`` names, its model (if any) loaded on ``device``."""
    if settings.backend == "classifier":
        from lakerefine.udfs.refine.backends.classifier import ClassifierBackend
        return ClassifierBackend.load(settings.classifier)
    if settings.backend == "rules":
        from lakerefine.udfs.refine.backends.rules import RulesBackend
        return RulesBackend(settings.rules, settings.max_doc_chars, settings.chunk_chars)
    if settings.backend in ("hf", "vllm"):
        from lakerefine.udfs.refine.backends.lm import lm_backend
        return lm_backend(settings, device)
    if settings.backend == "replay":
        from lakerefine.udfs.refine.backends.replay import ReplayBackend
        return ReplayBackend(settings.replay)
    raise ValueError(f"refine.backend: unknown backend {settings.backend!r}")


def model_metrics(settings: RefineSettings) -> dict[str, str | float | None]:
    """What wrote the programs, for the run's metrics, found on the driver without loading a language
    model: the backend, ``model`` as ``refine_edits.model`` records it, and for the classifier its
    model file, content hash and the threshold and page floor it decided at."""
    if settings.backend == "classifier":
        from lakerefine.udfs.refine.backends.classifier import ClassifierBackend
        backend = ClassifierBackend.load(settings.classifier)
        return {"backend": backend.name, "model": backend.model, "model_path": str(backend.path),
                "model_content_hash": backend.line_model.content_hash,
                "threshold": backend.line_model.threshold, "page_floor": backend.line_model.page_floor}
    if settings.backend == "rules":
        from lakerefine.udfs.refine.backends.rules import RulesBackend
        return {"backend": "rules", "model": RulesBackend(settings.rules, settings.max_doc_chars,
                                                          settings.chunk_chars).model}
    if settings.backend == "replay":
        from lakerefine.udfs.refine.backends.replay import ReplayBackend
        return {"backend": "replay", "model": ReplayBackend(settings.replay).model}
    return {"backend": settings.backend, "model": str(getattr(settings, settings.backend).model_path)}
