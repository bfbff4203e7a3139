"""The response-only output head: found and checked on Llamas, refused (full logits instead) where the
head cannot be located or the logits are changed after it; scores equal the full-logits path, on the
tiny Llamas and on the real SmolLM2 (slow)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.tokenclean.formatting import format_sample, padding_token_id
from lakerefine.udfs.tokenclean.output_head import split_model
from lakerefine.udfs.tokenclean.scoring import TokenScorer, response_positions, token_losses
from tests.support.tokenclean import fp32_loss_tolerance, fp32_score_tolerance, short_samples


class HiddenHead(torch.nn.Module):
    """A causal LM behind a wrapper that exposes no head and no base model: only logits."""

    def __init__(self, model):
        super().__init__()
        self.inner = model

    def forward(self, **kwargs):
        return self.inner(**kwargs)

    @property
    def device(self):
        return self.inner.device


def soft_capped(model, cap: float = 2.0):
    """The same model with Gemma-2-style soft-capped logits: head(body(x)) is no longer its logits."""
    forward = model.forward

    def capped(*args, **kwargs):
        out = forward(*args, **kwargs)
        out.logits = cap * torch.tanh(out.logits / cap)
        return out

    model.forward = capped
    return model


@pytest.fixture(scope="module")
def tokenizer(token_models):
    return load_tokenizer(token_models["smollm2"])


@pytest.fixture(scope="module")
def samples(tokenizer):
    return [format_sample(row, tokenizer, "chat_template", 256) for row in short_samples(6)]


def full_and_split(model, samples, pad):
    ids = [s.input_ids for s in samples]
    positions = [response_positions(s.input_ids, s.labels) for s in samples]
    split = split_model(model)
    assert split is not None
    return (token_losses(model, ids, pad_token_id=pad, positions=positions, split=None),
            token_losses(model, ids, pad_token_id=pad, positions=positions, split=split))


def test_a_llama_splits_into_its_base_model_and_lm_head(token_models):
    model = load_causal_lm(token_models["tiny0"])
    split = split_model(model)
    assert split.body is model.model and split.head is model.lm_head


def test_response_only_head_equals_full_logits_on_a_tiny_llama(token_models, tokenizer, samples):
    model = load_causal_lm(token_models["tiny0"])
    full, split = full_and_split(model, samples, padding_token_id(tokenizer))
    tolerance = fp32_loss_tolerance(model, [s.input_ids for s in samples])
    for a, b in zip(full, split, strict=True):
        np.testing.assert_allclose(b, a, rtol=0, atol=tolerance)   # NaN at the same places


def test_a_head_that_cannot_be_located_falls_back_to_full_logits(token_models, tokenizer, samples):
    hidden = HiddenHead(load_causal_lm(token_models["tiny0"]))
    assert split_model(hidden) is None

    base, ref = load_causal_lm(token_models["tiny1"]), load_causal_lm(token_models["tiny0"])
    scorer = TokenScorer(base, hidden, pad_token_id=padding_token_id(tokenizer))
    plain = TokenScorer(base, ref, pad_token_id=padding_token_id(tokenizer))
    assert scorer.ref_split is None and scorer.base_split is not None
    ids, labels = [s.input_ids for s in samples], [s.labels for s in samples]
    tolerance = fp32_score_tolerance(base, ref, ids)
    for a, b in zip(plain.score_samples(ids, labels), scorer.score_samples(ids, labels), strict=True):
        np.testing.assert_allclose(b, a, rtol=0, atol=tolerance)


def test_logits_changed_after_the_head_are_detected(token_models):
    assert split_model(soft_capped(load_causal_lm(token_models["tiny0"]))) is None


@pytest.mark.slow   # runs the real SmolLM2
def test_response_only_head_equals_full_logits_on_the_real_model(smollm2, tokenizer):
    model = load_causal_lm(smollm2)
    samples = [format_sample(row, tokenizer, "chat_template", 256) for row in short_samples(8)]
    full, split = full_and_split(model, samples, padding_token_id(tokenizer))
    tolerance = fp32_loss_tolerance(model, [s.input_ids for s in samples])
    assert sum(int((~np.isnan(a)).sum()) for a in full) > 50
    for a, b in zip(full, split, strict=True):
        np.testing.assert_allclose(b, a, rtol=0, atol=tolerance)
