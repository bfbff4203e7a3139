"""Expert pairs from labelled text: the "expert" output is the text with its known boilerplate
deleted. A perfect expert, for closing the learning loop without an expert LM (tests, bench)
and for checking what the distill and train stages do with flawless input.
"""
from __future__ import annotations

from datetime import datetime, timezone

from lakerefine.schemas.vocab import ACCEPTED
from lakerefine.udfs.program.executor import delete_spans
from tests.support.samples.labelled import LabelledDoc

GOLD_BACKEND = "gold"
GOLD_MODEL = "labelled boilerplate spans"


def gold_expert_text(doc: LabelledDoc) -> str:
    return delete_spans(doc.text, doc.boilerplate_spans)


def gold_pair_rows(docs: list[LabelledDoc], run_id: str, input_table: str = "labelled",
                   input_version: int = 0) -> list[dict]:
    """expert_pairs rows (schemas/expert_pairs.py), all accepted."""
    now = datetime.now(timezone.utc)
    rows = []
    for doc in docs:
        expert = gold_expert_text(doc)
        rows.append({
            "run_id": run_id, "doc_id": doc.doc_id, "stratum": doc.kind, "raw": doc.text, "expert": expert,
            "status": ACCEPTED, "reason": None, "detail": None, "answer": None,
            "deleted_chars": len(doc.text) - len(expert), "inserted_chars": 0, "replaced_chars": 0,
            "longest_rewrite": 0, "backend": GOLD_BACKEND, "model": GOLD_MODEL, "latency_s": 0.0,
            "attempts": 0, "created_at": now, "input_table": input_table, "input_version": input_version,
        })
    return rows
