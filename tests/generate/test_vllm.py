"""The vLLM generator on a stand-in engine (tests/support/vllm_standin.py): one engine per worker,
started lazily with the spawn method, character batches, greedy decoding with stop strings, and
failures split, retried and finally recorded as ``error`` documents kept whole."""
from __future__ import annotations

import os
import sys

import pytest

from lakerefine.conf.settings import RefineSettings, VllmGenerationSettings
from lakerefine.schemas.vocab import ERROR
from lakerefine.udfs.generate.batching import PromptsFailed
from lakerefine.udfs.lake import worker
from lakerefine.udfs.refine.backends import create_backend
from lakerefine.udfs.refine.documents import Document, DocumentLimits, refine_documents
from tests.support.vllm_standin import POISON, standin_vllm


@pytest.fixture
def fresh_worker(monkeypatch):
    """A Python worker that has built no engine yet, with no start method chosen."""
    monkeypatch.setattr(worker, "_LOADED", {})
    monkeypatch.delenv("VLLM_WORKER_MULTIPROC_METHOD", raising=False)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)


def use_standin(monkeypatch, **kwargs):
    module, seen = standin_vllm(**kwargs)
    monkeypatch.setitem(sys.modules, "vllm", module)
    return seen


def generator(smollm2, **settings):
    from lakerefine.udfs.generate.vllm import VllmGenerator

    return VllmGenerator(VllmGenerationSettings(model_path=smollm2, **settings), "cuda:3")


def test_the_engine_starts_on_the_first_prompt_once_per_worker_with_spawn(monkeypatch, fresh_worker, smollm2):
    seen = use_standin(monkeypatch)
    first, second = generator(smollm2), generator(smollm2)
    assert seen.built == []                        # building a generator starts no engine
    first.generate(["a"])
    second.generate(["b"])
    assert len(seen.built) == 1                    # one engine per worker for the same settings and GPU
    assert seen.built[0]["start_method"] == "spawn"
    assert seen.built[0]["model"] == smollm2
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "3"   # the GPU Spark assigned the task


def test_prompts_go_by_characters_shortest_first_and_come_back_in_order(monkeypatch, fresh_worker, smollm2):
    seen = use_standin(monkeypatch, reply=lambda prompt: prompt.upper())
    texts = ["x" * 50, "y" * 10, "z" * 30, "w" * 20]
    assert generator(smollm2, max_batch_chars=60).generate(texts) == [t.upper() for t in texts]
    assert seen.calls == [["y" * 10, "w" * 20, "z" * 30], ["x" * 50]]


def test_decoding_is_greedy_and_stops_at_the_stop_strings(monkeypatch, fresh_worker, smollm2):
    seen = use_standin(monkeypatch, reply=lambda prompt: "remove_lines(1, 1)<|im_end|>garbage")
    engine = generator(smollm2, stop=["<|im_end|>"], max_new_tokens=64)
    assert engine.generate(["doc"]) == ["remove_lines(1, 1)"]
    from lakerefine.udfs.generate.vllm import sampling_params
    params = sampling_params(engine.settings)
    assert (params.temperature, params.max_tokens, params.stop) == (0.0, 64, ["<|im_end|>"])
    assert engine.output_tokens == 2 and engine.prompt_tokens == 1 and len(seen.calls) == 1


def test_a_batch_over_the_engine_capacity_is_split_until_it_fits(monkeypatch, fresh_worker, smollm2):
    seen = use_standin(monkeypatch, reply=lambda prompt: prompt[:1], capacity_chars=25)
    texts = [c * 10 for c in "abcd"]
    assert generator(smollm2).generate(texts) == list("abcd")
    assert seen.calls[0] == texts and all(sum(map(len, call)) <= 25 for call in seen.calls[1:])


def test_a_prompt_failing_alone_raises_with_every_reply(monkeypatch, fresh_worker, smollm2):
    use_standin(monkeypatch)
    with pytest.raises(PromptsFailed) as caught:
        generator(smollm2).generate(["fine", POISON, "also fine"])
    assert [r.text for r in caught.value.replies] == ["keep_all()", None, "keep_all()"]
    assert generator(smollm2).replies([POISON])[0].error_kind == "backend_error"


def test_an_engine_that_cannot_start_fails_the_task_not_each_prompt(monkeypatch, fresh_worker, smollm2):
    module, _ = standin_vllm()

    def broken(*args, **kwargs):
        raise RuntimeError("CUDA out of memory while loading")

    module.LLM = broken
    monkeypatch.setitem(sys.modules, "vllm", module)
    with pytest.raises(RuntimeError, match="while loading"):
        generator(smollm2).generate(["a", "b"])


def test_the_refine_pipeline_keeps_a_failed_document_whole_with_an_error_status(monkeypatch, fresh_worker,
                                                                                smollm2):
    seen = use_standin(monkeypatch, reply=lambda prompt: "remove_lines(1, 1)")
    settings = RefineSettings(backend="vllm", vllm=VllmGenerationSettings(model_path=smollm2))
    backend = create_backend(settings, "cuda:0")
    documents = [Document("ok1", "drop me\nkeep me\n"), Document("bad", f"{POISON}\nsecond\n"),
                 Document("ok2", "menu\nbody\n")]
    outcomes = refine_documents(documents, backend, DocumentLimits.of(settings))
    assert [o.status for o in outcomes][1] == ERROR
    assert "stand-in engine" in outcomes[1].error
    assert (outcomes[1].chars_out, outcomes[1].spans) == (len(documents[1].text), [])
    assert [o.chars_out for o in outcomes[::2]] == [len("keep me\n"), len("body\n")]
    assert len(seen.calls) == 5     # 3 -> 1 + 2 -> 1 + 1: no second round of per-document retries


def test_the_expert_answers_per_character_batch_and_records_a_prompt_failing_alone(monkeypatch, fresh_worker,
                                                                                   smollm2):
    from lakerefine.udfs.expert.backends.engine import EngineExpert

    seen = use_standin(monkeypatch, reply=lambda prompt: "an answer")
    expert = EngineExpert("vllm", generator(smollm2, max_batch_chars=10**6))
    replies = expert.answer(["first question", f"{POISON} question", "third"])
    assert [r.text for r in replies] == ["an answer", None, "an answer"]
    assert replies[1].error_kind == "backend_error" and len(seen.built) == 1
