"""Chunk-level training pairs: the refine job's own prompts, each chunk's share of the program."""
from __future__ import annotations

from itertools import pairwise

import pytest

from lakerefine.conf.loader import load_settings
from lakerefine.schemas.vocab import PROGRAM_TOO_LONG
from lakerefine.udfs.distill.chunk_pairs import calls_in_lines, chunk_pairs
from lakerefine.udfs.distill.run import render_spec
from lakerefine.udfs.distill.udf import refine_prompter
from lakerefine.udfs.program.calls import KeepAll, RemoveLines, RemoveStr
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.program.parser import parse_program
from lakerefine.udfs.refine.backends import create_backend
from tests.support.gold import gold_expert_text
from tests.support.samples.labelled import build_labelled_set


@pytest.fixture(scope="module")
def labelled():
    docs = build_labelled_set()
    return [d for d in docs if d.kind == "web_news"][:3] + [d for d in docs if d.kind == "newsgroup"][:3]


def settings_for(model: str, *extra: str):
    return load_settings("local", [f"train_refiner.base_model={model}", f"refine.hf.model_path={model}",
                                   "refine.chunk_tokens=64", "refine.backend=hf", *extra])


def run_all(raw: str, program: str) -> str:
    return execute(raw, program, max_rejected_calls=None, max_rejected_fraction=None).text


def test_prompts_are_the_refine_backends_own(tiny_model, labelled):
    settings = settings_for(tiny_model)
    spec = render_spec(settings)
    backend = create_backend(settings.refine, "cpu")          # what `lakerefine refine` runs with refine.backend=hf
    for doc in labelled:
        _, pairs = chunk_pairs(doc.text, gold_expert_text(doc), refine_prompter(spec), spec)
        assert [p.prompt for p in pairs] == [p.text for p in backend.prompts(doc.text, None)]
        assert [p.first_line for p in pairs] == [p.first_line for p in backend.prompts(doc.text, None)]


def test_chunk_programs_together_are_the_document_program(tiny_model, labelled):
    spec = render_spec(settings_for(tiny_model))
    prompter = refine_prompter(spec)
    chunked = 0
    for doc in labelled:
        expert = gold_expert_text(doc)
        distillation, pairs = chunk_pairs(doc.text, expert, prompter, spec)
        assert distillation.accepted and distillation.exact
        chunked += len(pairs) > 1
        assert pairs[0].first_line == 1 and pairs[-1].last_line == doc.text.count("\n") + 1 - doc.text.endswith("\n")
        for pair, following in pairwise(pairs):
            assert following.first_line == pair.last_line + 1
        for pair in pairs:
            calls = [c for c in parse_program(pair.program).calls if not isinstance(c, KeepAll)]
            assert pair.calls == len(calls) and (calls or pair.program == "keep_all()")
            for call in calls:
                first, last = (call.start, call.end) if isinstance(call, RemoveLines) else (call.line, call.line)
                assert pair.first_line <= first <= last <= pair.last_line
            assert pair.status == "accepted" and pair.reason is None
            assert pair.prompt_tokens > 0 and pair.program_tokens > 0
        joined = "\n".join(p.program for p in pairs)
        assert run_all(doc.text, joined) == run_all(doc.text, distillation.program) == expert
    assert chunked == len(labelled)    # chunk_tokens=64: every one of these documents is cut


def test_a_discarded_pair_rejects_every_chunk_with_the_distillers_reason(tiny_model, labelled):
    spec = render_spec(settings_for(tiny_model))
    doc = labelled[0]
    _, pairs = chunk_pairs(doc.text, doc.text, refine_prompter(spec), spec)   # the expert deleted nothing
    assert {(p.status, p.reason) for p in pairs} == {("rejected", "too_few_deletions")}
    assert {p.program for p in pairs} == {"keep_all()"}


def test_a_program_longer_than_the_refiner_may_write_is_rejected(tiny_model, labelled):
    spec = render_spec(settings_for(tiny_model, "refine.hf.max_new_tokens=6"))
    doc = labelled[3]
    _, pairs = chunk_pairs(doc.text, gold_expert_text(doc), refine_prompter(spec), spec)
    too_long = [p for p in pairs if p.reason == PROGRAM_TOO_LONG]
    assert too_long and all(p.program_tokens > 6 for p in too_long)
    assert all(p.status == "accepted" for p in pairs if p.program_tokens <= 6)


def test_render_spec_follows_the_refine_backend_and_the_model_to_train():
    settings = load_settings("local", ["refine.chunk_tokens=999", "refine.prompt=refiner",
                                       "refine.vllm.max_new_tokens=77", "distill.render_as=vllm",
                                       "refine.max_line_chars=123", "train_refiner.base_model=/models/base"])
    spec = render_spec(settings)
    assert (spec.chunk_tokens, spec.max_line_chars, spec.tokenizer_path) == (999, 123, "/models/base")
    assert spec.max_program_tokens == 77
    assert spec.rules.max_line_chars == 123
    assert render_spec(load_settings("local", ["distill.tokenizer_path=/other"])).tokenizer_path == "/other"


def test_calls_are_clipped_to_the_chunk():
    calls = [RemoveLines(1, 10), RemoveStr(4, "x"), RemoveStr(12, "y"), RemoveLines(11, 11)]
    assert list(calls_in_lines(calls, 5, 11)) == [RemoveLines(5, 10), RemoveLines(11, 11)]
    assert list(calls_in_lines(calls, 1, 4)) == [RemoveLines(1, 4), RemoveStr(4, "x")]
    assert list(calls_in_lines(calls, 12, 20)) == [RemoveStr(12, "y")]
