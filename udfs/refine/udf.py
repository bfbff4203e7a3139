"""The refine step Spark runs: corpus rows (doc_id, text, source, site_shares) in, ``DOCUMENT_FIELDS`` out.

The backend (and its model) is built once per Python worker, on the GPU Spark assigned
the task, else the CPU (lake/batch_udf.py).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from lakerefine.conf.settings import RefineSettings
from lakerefine.schemas.refine_edits import DOCUMENT_FIELDS
from lakerefine.udfs.generate.device import engine_loader
from lakerefine.udfs.lake.batch_udf import BatchFn, map_batches
from lakerefine.udfs.refine.backends import DocumentContext, ProgramBackend, create_backend
from lakerefine.udfs.refine.backends.replay import RECORDED_PROGRAM
from lakerefine.udfs.refine.documents import Document, DocumentLimits, Outcome, refine_documents
from lakerefine.udfs.refine.site_shares import SITE_SHARES


def refine_udf(settings: RefineSettings) -> BatchFn:
    limits = DocumentLimits.of(settings)

    def refine(backend: ProgramBackend, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        documents = [Document(row["doc_id"], row["text"], row["source"], context_of(row)) for row in rows]
        now = datetime.now(timezone.utc)
        return [outcome_row(outcome, backend, now) for outcome in refine_documents(documents, backend, limits)]

    return map_batches(refine, DOCUMENT_FIELDS, **engine_loader(
        "refine", settings, settings.backend, settings.hf.device, "refine.hf.device", create_backend))


def context_of(row: dict[str, Any]) -> DocumentContext | None:
    shares, program = row.get(SITE_SHARES), row.get(RECORDED_PROGRAM)
    if shares is None and program is None:
        return None
    return DocumentContext(site_shares=None if shares is None else tuple(_plain(x) for x in shares),
                           recorded_program=program)


def _plain(share: Any) -> float | None:
    return None if share is None or share != share else float(share)


def outcome_row(outcome: Outcome, backend: ProgramBackend, refined_at: datetime) -> dict[str, Any]:
    return {**vars(outcome), "spans": [{"start": s, "end": e} for s, e in outcome.spans],
            "backend": backend.name, "model": backend.model, "refined_at": refined_at}
