"""Prompts re-chunked by characters, shortest first, replies in input order; failed calls split."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakerefine.schemas.vocab import BACKEND_ERROR
from lakerefine.udfs.generate.batching import PromptsFailed, char_batches, generate_replies, generate_texts


@given(st.lists(st.text(max_size=40), max_size=30), st.integers(1, 100))
def test_char_batches_cover_every_prompt_once_shortest_first_within_the_budget(texts, max_chars):
    batches = char_batches(texts, max_chars)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(texts)))
    assert [len(texts[i]) for i in flat] == sorted(len(t) for t in texts)
    for batch in batches:
        assert len(batch) == 1 or sum(len(texts[i]) for i in batch) <= max_chars


def test_a_prompt_longer_than_the_budget_is_a_batch_of_its_own():
    assert char_batches(["aaaaaaaaaa", "b", "cc"], 4) == [[1, 2], [0]]


def test_the_budget_must_be_positive():
    with pytest.raises(ValueError, match="max_chars"):
        char_batches(["a"], 0)


def test_replies_come_back_in_input_order():
    texts = ["ccc", "a", "bb", "dddd"]
    calls = []

    def generate(batch):
        calls.append(batch)
        return [t.upper() for t in batch]

    replies = generate_replies(generate, texts, max_chars=4)
    assert [r.text for r in replies] == ["CCC", "A", "BB", "DDDD"]
    assert calls == [["a", "bb"], ["ccc"], ["dddd"]]


def test_a_failing_prompt_is_isolated_by_halving_and_the_others_answered():
    texts = [f"p{i}" for i in range(8)]
    texts[5] = "bad"
    calls = []

    def generate(batch):
        calls.append(batch)
        if "bad" in batch:
            raise RuntimeError("out of memory")
        return [t + "!" for t in batch]

    replies = generate_replies(generate, texts, max_chars=1000)
    assert [r.text for r in replies] == [t + "!" if t != "bad" else None for t in texts]
    assert replies[5].error_kind == BACKEND_ERROR and "out of memory" in replies[5].error
    # 8 -> 4 + 4 -> 2 + 2 -> 1 + 1: a failing prompt costs log2(n) extra levels, not n calls
    assert len(calls) == 7


def test_an_engine_returning_the_wrong_number_of_outputs_counts_as_a_failure():
    def generate(batch):
        return [t for t in batch][:1]

    replies = generate_replies(generate, ["a", "b"], max_chars=10)
    assert [r.text for r in replies] == ["a", "b"]  # split down to one prompt per call


def test_generate_texts_raises_with_every_reply_when_a_prompt_fails_alone():
    def generate(batch):
        if "bad" in batch:
            raise ValueError("prompt too long")
        return batch

    with pytest.raises(PromptsFailed, match="1 of 3 prompts failed") as caught:
        generate_texts(generate, ["x", "bad", "y"], max_chars=100)
    assert [r.text for r in caught.value.replies] == ["x", None, "y"]
    assert generate_texts(generate, ["x", "y"], max_chars=100) == ["x", "y"]
