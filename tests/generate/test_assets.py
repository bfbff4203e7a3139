"""Offline model assets: the SmolLM2 GGUF, its HF conversion, the loaders (and the tests' tiny Llama)."""
from __future__ import annotations

import pytest
import torch
from transformers import LlamaForCausalLM

from lakerefine.udfs.generate.assets import (
    SMOLLM2_GGUF,
    ensure_smollm2_hf_dir,
    load_causal_lm,
    load_tokenizer,
    smollm2_gguf_path,
)
from tests.support.models import build_tiny_llama


def test_the_gguf_is_found_in_the_installed_package():
    path = smollm2_gguf_path()
    assert path.name == SMOLLM2_GGUF
    assert path.stat().st_size > 50_000_000


def test_conversion_is_done_once(test_models):
    weights = test_models["smollm2"] / "model.safetensors"
    written = weights.stat().st_mtime_ns

    assert ensure_smollm2_hf_dir(test_models["smollm2"]) == test_models["smollm2"]
    assert weights.stat().st_mtime_ns == written
    assert not [p for p in test_models["smollm2"].parent.iterdir() if ".tmp-" in p.name]


def test_the_tokenizer_follows_the_gguf_metadata(test_models):
    tokenizer = load_tokenizer(test_models["smollm2"])

    assert tokenizer.eos_token == "<|im_end|>" and tokenizer.eos_token_id == 2
    assert tokenizer.pad_token_id == 2
    assert tokenizer("hello world").input_ids == tokenizer("hello world", add_special_tokens=False).input_ids
    assert len(tokenizer) == 49152


@pytest.mark.slow   # runs the real SmolLM2
def test_the_converted_model_is_the_real_smollm2(test_models):
    tokenizer = load_tokenizer(test_models["smollm2"])
    model = load_causal_lm(test_models["smollm2"])
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "What is the capital of France?"}],
                                           add_generation_prompt=True, return_tensors="pt")
    answer = model.generate(prompt, max_new_tokens=12, do_sample=False)[0, prompt.shape[1]:]

    assert isinstance(model, LlamaForCausalLM) and not model.training
    assert model.config.num_hidden_layers == 30 and model.dtype == torch.float32
    assert "Paris" in tokenizer.decode(answer)


def test_the_tiny_llama_is_a_different_model_with_the_same_tokenizer(test_models):
    tiny = load_causal_lm(test_models["tiny0"])
    real = load_causal_lm(test_models["smollm2"])

    assert tiny.config.num_hidden_layers == 2 and tiny.config.hidden_size == 64
    assert tiny.config.vocab_size == real.config.vocab_size
    assert load_tokenizer(test_models["tiny0"]).get_vocab() == load_tokenizer(test_models["smollm2"]).get_vocab()


def test_build_tiny_llama_is_seeded_sized_and_idempotent(test_models, tmp_path):
    first = build_tiny_llama(tmp_path / "a", test_models["smollm2"], seed=1, num_hidden_layers=1)
    same_seed = build_tiny_llama(tmp_path / "b", test_models["smollm2"], seed=1, num_hidden_layers=1)
    other_seed = build_tiny_llama(tmp_path / "c", test_models["smollm2"], seed=2, num_hidden_layers=1)
    again = build_tiny_llama(tmp_path / "a", test_models["smollm2"], seed=3)

    def weights(path):
        return load_causal_lm(path).model.embed_tokens.weight

    assert torch.equal(weights(first), weights(same_seed))
    assert not torch.equal(weights(first), weights(other_seed))
    assert again == first and load_causal_lm(again).config.num_hidden_layers == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "c"]


def test_a_failed_build_leaves_nothing_behind(test_models, tmp_path):
    with pytest.raises(TypeError):
        build_tiny_llama(tmp_path / "bad", test_models["smollm2"], hidden_size="wide")
    assert list(tmp_path.iterdir()) == []


def test_loaders_take_local_directories_only(tmp_path):
    with pytest.raises(FileNotFoundError, match="local"):
        load_causal_lm(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="local"):
        load_tokenizer("HuggingFaceTB/SmolLM2-135M-Instruct")


def test_dtype_can_be_named(test_models):
    assert load_causal_lm(test_models["tiny0"], dtype="bfloat16").dtype == torch.bfloat16
