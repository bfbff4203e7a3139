"""The hf backend with real models on CPU: SmolLM2-135M-Instruct end to end through the
refine job, and a tiny random Llama (same tokenizer) for chunking and context errors."""
from __future__ import annotations

from itertools import pairwise

import pandas as pd
import pytest
from pyspark.sql import functions as F

from lakerefine.conf.settings import RefineSettings
from lakerefine.schemas import vocab as S
from lakerefine.udfs.program.executor import delete_spans
from lakerefine.udfs.refine import udf as refine_udf_module
from lakerefine.udfs.refine.backends import create_backend
from lakerefine.udfs.refine.documents import Document, DocumentLimits, refine_documents
from tests.support.corpus import FOOTER, NAV, PROSE, write_corpus


def hf_settings(model_path, chunk_tokens: int = 2048, **hf) -> RefineSettings:
    return RefineSettings(backend="hf", chunk_tokens=chunk_tokens,
                          hf={"model_path": str(model_path), "device": "cpu", **hf})


@pytest.mark.slow   # generates with SmolLM2
def test_smollm2_refines_through_the_job_and_loses_nothing(spark, cli, table_path, test_models):
    docs = [("nav", f"{NAV}\n{PROSE}\n{FOOTER}\n", "web"), ("plain", f"{PROSE}\n", "web"),
            ("mail", "From: ann@example.com\nSubject: mills\n\nThe mills are old.\n--\nAnn\n", "mail"),
            ("null", None, "web")]
    write_corpus(spark, table_path("corpus"), docs)
    code, out = cli("refine", "--run-id", "hf-1", "--set", "refine.backend=hf",
                    "--set", f"refine.hf.model_path={test_models['smollm2']}", "--set", "refine.hf.device=cpu",
                    "--set", "refine.hf.max_new_tokens=24", "--set", "refine.hf.batch_size=4")
    assert code == 0, out
    edits = {r.doc_id: r for r in spark.read.format("delta").load(table_path("refine_edits"))
             .where(F.col("run_id") == "hf-1").collect()}
    assert set(edits) == {d[0] for d in docs}
    assert edits["null"].status == S.SKIPPED_NULL
    refined = {r.doc_id: r.text for r in spark.read.format("delta").load(table_path("refined")).collect()}
    assert set(refined) == {d[0] for d in docs}
    for doc_id, text, _ in docs[:3]:
        row = edits[doc_id]
        assert row.status in (S.REFINED, S.UNCHANGED, S.EMPTIED, S.PROGRAM_REJECTED), row.error
        assert row.backend == "hf" and row.model == str(test_models["smollm2"]) and row.prompts == 1
        assert row.program is not None and row.error is None
        assert sum((row.rejected_by_reason or {}).values()) == row.calls_rejected
        spans = [(s.start, s.end) for s in row.spans or []]
        assert refined[doc_id] == delete_spans(text, spans) and row.chars_out == len(refined[doc_id])
        if row.status == S.PROGRAM_REJECTED:
            assert refined[doc_id] == text


def test_lm_chunks_are_numbered_globally(test_models):
    backend = create_backend(hf_settings(test_models["tiny0"], chunk_tokens=64), "cpu")
    text = "\n".join(f"Line {i} of the document, with a few words on it." for i in range(1, 21)) + "\n"
    prompts = backend.prompts(text, None)
    assert len(prompts) > 2 and prompts[0].first_line == 1
    for prompt, following in pairwise(prompts):
        assert f"[{following.first_line}] Line {following.first_line} of" in following.text
        assert "<|im_start|>assistant" in prompt.text   # the model's chat template, ready to generate
    assert "[20] Line 20 of" in prompts[-1].text


def test_a_prompt_over_the_context_is_an_error_and_spares_the_batch(test_models):
    settings = hf_settings(test_models["tiny0"], chunk_tokens=100_000, max_new_tokens=4, batch_size=8)
    backend = create_backend(settings, "cpu")
    huge = "\n".join(f"{i} alpha beta gamma delta epsilon" for i in range(1500)) + "\n"  # > 8192 tokens
    docs = [Document("a", f"{NAV}\n{PROSE}\n"), Document("huge", huge), Document("b", f"{PROSE}\n")]
    outcomes = {o.doc_id: o for o in refine_documents(docs, backend, DocumentLimits.of(settings))}
    assert outcomes["huge"].status == S.ERROR and "exceeds the model's context" in outcomes["huge"].error
    assert outcomes["huge"].chars_out == len(huge) and outcomes["huge"].prompts == 1
    assert outcomes["a"].status != S.ERROR and outcomes["b"].status != S.ERROR


def test_a_worker_loads_each_model_once(test_models, monkeypatch):
    loads = []
    monkeypatch.setattr(refine_udf_module, "create_backend",
                        lambda settings, device: loads.append(settings) or create_backend(settings, device))
    batch = pd.DataFrame({"doc_id": ["a"], "text": [f"{NAV}\n"], "source": [None]})
    tiny = test_models["tiny0"]
    for settings in (hf_settings(tiny, max_new_tokens=2), hf_settings(tiny, max_new_tokens=2),
                     hf_settings(tiny, max_new_tokens=3)):
        [out] = refine_udf_module.refine_udf(settings)(iter([batch]))
        assert list(out["doc_id"]) == ["a"]
    assert [s.hf.max_new_tokens for s in loads] == [2, 3]   # the same config: the model loaded once
