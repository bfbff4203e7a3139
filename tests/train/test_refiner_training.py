"""Refiner SFT: loss on the program tokens only, LoRA merged into a plain HF directory, resumption.

On the tiny random Llama that shares SmolLM2's tokenizer (the closed-loop test trains the real SmolLM2).
"""
from __future__ import annotations

import json
import shutil

import pytest
import torch

from lakerefine.conf.settings import TrainRefinerSettings
from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.train.examples import ExampleDataset, padding_collator, tokenize_example
from lakerefine.udfs.train.hf_trainer import CHECKPOINTS, TRAINING_INFO, train_refiner_model

PROMPT_TEXT = "Document:\n[1] Home | News\n[2] The storm hit the coast.\n[3] Share this"


@pytest.fixture(scope="module")
def tokenizer(tiny_model):
    return load_tokenizer(tiny_model)


def chat(tokenizer, text: str) -> str:
    return tokenizer.apply_chat_template([{"role": "user", "content": text}], tokenize=False,
                                         add_generation_prompt=True)


def examples(tokenizer, n: int = 6):
    programs = ["remove_lines(1, 1)\nremove_lines(3, 3)", "keep_all()", "remove_str(2, 'storm ')"]
    return [tokenize_example(tokenizer, f"s{i}", chat(tokenizer, f"{PROMPT_TEXT} {i}"), programs[i % 3])
            for i in range(n)]


def test_only_the_program_and_the_end_token_are_labelled(tokenizer):
    prompt = chat(tokenizer, PROMPT_TEXT)
    example = tokenize_example(tokenizer, "s", prompt, "remove_lines(1, 1)")
    labels = example.labels()
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    assert example.prompt_tokens == len(prompt_ids) and list(example.input_ids[:len(prompt_ids)]) == prompt_ids
    assert (labels[:len(prompt_ids)] == IGNORE_INDEX).all() and (labels[len(prompt_ids):] != IGNORE_INDEX).all()
    assert labels[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(labels[len(prompt_ids):]) == "remove_lines(1, 1)<|im_end|>"


def test_padding_is_never_labelled(tokenizer):
    dataset = ExampleDataset(examples(tokenizer, 3))
    batch = padding_collator(tokenizer)([dataset[i] for i in range(3)])
    for row, item in enumerate(dataset[i] for i in range(3)):
        length = len(item["input_ids"])
        assert batch["attention_mask"][row, :length].all() and not batch["attention_mask"][row, length:].any()
        assert (batch["labels"][row, length:] == IGNORE_INDEX).all()
        assert batch["labels"][row, :length].tolist() == item["labels"]


@pytest.mark.slow   # trains a model
def test_lora_training_saves_a_merged_plain_model_and_resumes(tiny_model, tokenizer, tmp_path):
    config = TrainRefinerSettings(base_model=tiny_model, method="lora", max_steps=2, batch_size=2, save_steps=1,
                                  learning_rate=1e-3, logging_steps=1, device="cpu")
    result = train_refiner_model(examples(tokenizer), config, tmp_path / "run", provenance={"run_id": "r1"})
    model_dir = tmp_path / "run" / "model"
    assert result.model_dir == str(model_dir) and result.steps == 2 and len(result.losses) == 2
    assert result.program_tokens == sum(e.program_tokens for e in examples(tokenizer))
    assert not list(model_dir.glob("adapter_*"))              # merged: loads without peft
    trained, base = load_causal_lm(model_dir), load_causal_lm(tiny_model)
    assert type(trained) is type(base)
    q_proj = lambda model: model.model.layers[0].self_attn.q_proj.weight  # noqa: E731
    assert not torch.equal(q_proj(trained), q_proj(base))
    assert load_tokenizer(model_dir).get_vocab() == tokenizer.get_vocab()
    assert json.loads((model_dir / TRAINING_INFO).read_text())["run_id"] == "r1"
    assert sorted(p.name for p in (tmp_path / "run" / CHECKPOINTS).iterdir()) == ["checkpoint-1", "checkpoint-2"]

    again = train_refiner_model(examples(tokenizer), config, tmp_path / "run")
    assert again.already_trained and again.steps == 2                      # finished runs are not redone

    shutil.rmtree(model_dir)                                               # as if killed before saving
    longer = config.model_copy(update={"max_steps": 3})
    resumed = train_refiner_model(examples(tokenizer), longer, tmp_path / "run")
    assert resumed.resumed_from.endswith("checkpoint-2") and resumed.steps == 3


@pytest.mark.slow   # trains a model
def test_full_training_moves_the_weights(tiny_model, tokenizer, tmp_path):
    config = TrainRefinerSettings(base_model=tiny_model, method="full", max_steps=2, batch_size=3,
                                  learning_rate=1e-3, device="cpu")
    result = train_refiner_model(examples(tokenizer), config, tmp_path / "full")
    trained, base = load_causal_lm(result.model_dir), load_causal_lm(tiny_model)
    assert not torch.equal(trained.lm_head.weight, base.lm_head.weight)


def test_no_examples_is_an_error(tiny_model, tmp_path):
    with pytest.raises(ValueError, match="no training examples"):
        train_refiner_model([], TrainRefinerSettings(base_model=tiny_model), tmp_path / "empty")
