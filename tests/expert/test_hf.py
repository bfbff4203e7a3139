"""The hf expert with the real SmolLM2-135M-Instruct on three tiny documents, through the CLI.

A 135M model is a poor expert: what it answers is not checked, only that every
sampled document ends up with exactly one row whose status and reason explain it.
"""
from __future__ import annotations

import pytest

from lakerefine.conf.settings import ExpertSettings
from lakerefine.schemas.vocab import EXPERT_STATUSES as STATUSES
from lakerefine.udfs.expert.backends.engine import engine_expert
from lakerefine.udfs.lake.tables import TableRef

pytestmark = pytest.mark.slow
DOCS = [
    ("a", "Home | News | Contact\nThe council approved the new bridge on Tuesday.\nShare this article", "web"),
    ("b", "Skip to content\nRain is expected across the north tomorrow.\n(c) 2024 Weather Co", "web"),
    ("c", "From: pat@example.org\nSubject: meeting\n\nSee you at noon.\n-- \npat", "mail"),
]


def test_the_hf_expert_job_accounts_for_every_document(spark, settings, cli, smollm2):
    corpus = TableRef.resolve("corpus", settings.tables)
    corpus.write(spark.createDataFrame(DOCS, "doc_id string, text string, source string"), "overwrite")
    code, out = cli("expert", "--set", "expert.backend=hf", "--set", f"expert.hf.model_path={smollm2}",
                    "--set", "expert.hf.max_new_tokens=40", "--set", "expert.hf.temperature=0",
                    "--set", "expert.hf.device=cpu", "--set", "expert.hf.batch_size=3",
                    "--set", "expert.sample_size=3", "--set", "expert.tasks_per_slice=1")
    assert code == 0, out
    pairs = TableRef.resolve("expert_pairs", settings.tables).read(spark).toPandas()
    assert sorted(pairs["doc_id"]) == ["a", "b", "c"]
    assert set(pairs["status"]) <= set(STATUSES) - {"skipped"}
    assert (pairs["reason"].isna() == (pairs["status"] == "accepted")).all()
    rejected = pairs[pairs["status"] == "rejected"]
    assert rejected["answer"].notna().all()                     # kept for audit
    assert (pairs["backend"] == "hf").all() and (pairs["model"] == smollm2).all()
    assert (pairs["latency_s"] > 0).all() and (pairs["attempts"] == 1).all()
    counts = TableRef.resolve(settings.tables.runs, settings.tables).read(spark).first().counts
    assert counts["sampled"] == 3
    assert sum(n for key, n in counts.items() if key.startswith("status.")) == 3
    assert sum(n for key, n in counts.items() if key.startswith("reason.")) == 3 - counts.get("status.accepted", 0)


def test_a_prompt_too_long_for_the_context_is_an_error_reply_not_a_crash(smollm2):
    settings = ExpertSettings(backend="hf", hf={"model_path": smollm2, "max_new_tokens": 8190, "temperature": 0.0})
    expert = engine_expert(settings, "cpu")
    reply = expert.answer(["Say hi."])[0]
    assert reply.text is None and reply.error_kind == "backend_error" and "context" in reply.error
