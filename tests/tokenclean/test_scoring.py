"""Token scores: the kernel's properties with two tiny random Llamas (SmolLM2's tokenizer), and the
real SmolLM2 against a random model (slow)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.tokenclean.batching import least_cost_batches
from lakerefine.udfs.tokenclean.formatting import format_sample, padding_token_id
from lakerefine.udfs.tokenclean.scoring import TokenScorer, token_losses
from tests.support.tokenclean import fp32_loss_tolerance, fp32_score_tolerance

CONVERSATIONS = [
    [{"role": "user", "content": "What is the capital of France?"},
     {"role": "assistant", "content": "The capital of France is Paris."}],
    [{"role": "user", "content": "Give me one tip for writing clear code."},
     {"role": "assistant", "content": "Name things after what they hold or do, so a reader rarely needs a "
                                      "comment to know what a variable is for. Short functions help too."}],
    [{"role": "system", "content": "You are a patient teacher."},
     {"role": "user", "content": "Why is the sky blue?"},
     {"role": "assistant", "content": "Sunlight is scattered by the molecules of the air, and blue light, "
                                      "with its shorter wavelength, is scattered much more than red light."},
     {"role": "user", "content": "And sunsets?"},
     {"role": "assistant", "content": "At sunset the light crosses more air, so most blue is scattered away "
                                      "before it reaches you and the reds and oranges remain."}],
    [{"role": "user", "content": "Translate 'good morning' into Spanish."},
     {"role": "assistant", "content": "Buenos días."}],
    [{"role": "user", "content": "List three primary colours."},
     {"role": "assistant", "content": "Red, yellow and blue."}],
]


@pytest.fixture(scope="module")
def models(token_models):
    """tokenizer, base, reference: two tiny random Llamas of different seeds."""
    return (load_tokenizer(token_models["smollm2"]), load_causal_lm(token_models["tiny1"]),
            load_causal_lm(token_models["tiny0"]))


@pytest.fixture(scope="module")
def samples(models):
    tokenizer = models[0]
    chat = [format_sample({"messages": m}, tokenizer, "chat_template", 512) for m in CONVERSATIONS]
    tulu = [format_sample({"messages": m}, tokenizer, "tulu", 512) for m in CONVERSATIONS[:2]]
    return chat + tulu


@pytest.fixture(scope="module")
def scorer(models):
    tokenizer, base, ref = models
    return TokenScorer(base, ref, pad_token_id=padding_token_id(tokenizer), max_batch_tokens=4096, overhead_tokens=16)


@pytest.fixture(scope="module")
def scores(samples, scorer):
    return scorer.score_samples([s.input_ids for s in samples], [s.labels for s in samples])


def unbatched_losses(model, input_ids: list[int]) -> np.ndarray:
    """A plain single-sample forward: loss of token j from tokens < j, for j >= 1."""
    with torch.no_grad():
        logits = model(torch.tensor([input_ids])).logits[0]
    return F.cross_entropy(logits[:-1], torch.tensor(input_ids[1:]), reduction="none").numpy()


def test_scores_equal_an_unbatched_forward(models, samples, scores):
    _, base, ref = models
    tolerance = fp32_score_tolerance(base, ref, [s.input_ids for s in samples])
    for sample, got in zip(samples, scores, strict=True):
        labels = np.array(sample.labels)
        expected = np.full(len(labels), np.nan)
        expected[1:] = unbatched_losses(base, sample.input_ids) - unbatched_losses(ref, sample.input_ids)
        expected[labels == IGNORE_INDEX] = np.nan
        np.testing.assert_allclose(got, expected, rtol=0, atol=tolerance)  # NaN where expected is NaN


def test_padding_and_batch_order_change_nothing(models, samples):
    tokenizer, _, tiny = models  # a property of the batching, so the cheap model shows it
    ids = [s.input_ids for s in samples]
    pad = padding_token_id(tokenizer)
    together = token_losses(tiny, ids, pad_token_id=pad, max_batch_tokens=4096, overhead_tokens=4096)
    alone = token_losses(tiny, ids, pad_token_id=pad, max_batch_tokens=1)
    order = [3, 0, 6, 2, 5, 1, 4]
    shuffled = token_losses(tiny, [ids[i] for i in order], pad_token_id=pad, max_batch_tokens=600, overhead_tokens=50)

    tolerance = fp32_loss_tolerance(tiny, ids)
    assert len(least_cost_batches([len(i) for i in ids], 4096, 4096)) == 1  # one batch, padded to its longest
    for position, i in enumerate(order):
        np.testing.assert_allclose(shuffled[position], together[i], rtol=0, atol=tolerance)
    for a, b in zip(alone, together, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=tolerance)


def test_only_response_tokens_are_scored(samples, scores):
    for sample, got in zip(samples, scores, strict=True):
        scored = ~np.isnan(got)
        assert got.dtype == np.float32 and len(got) == len(sample.input_ids)
        assert scored.tolist() == [label != IGNORE_INDEX for label in sample.labels]
        assert not scored[0]


@pytest.mark.slow   # runs the real SmolLM2
def test_the_real_model_predicts_answers_far_better_than_the_random_one(models, samples, smollm2):
    tokenizer, _, ref = models
    base = load_causal_lm(smollm2)
    pad = padding_token_id(tokenizer)
    answers = samples[:2]
    base_losses = token_losses(base, [s.input_ids for s in answers], pad_token_id=pad)
    ref_losses = token_losses(ref, [s.input_ids for s in answers], pad_token_id=pad)
    response = np.concatenate([np.array(s.labels) != IGNORE_INDEX for s in answers])

    assert np.nanmean(np.concatenate(base_losses)[response]) < 4.0
    assert np.nanmean(np.concatenate(ref_losses)[response]) > 9.0  # about ln(49152) = 10.8
    assert all(np.isnan(losses[0]) for losses in base_losses)


def test_position_zero_scores_nothing_even_when_labelled(scorer):
    scores = scorer.score_samples([[28120, 905, 2], [28120]], [[28120, 905, 2], [28120]])
    assert np.isnan(scores[0][0]) and not np.isnan(scores[0][1:]).any()
    assert np.isnan(scores[1]).all()


def test_labels_must_be_the_input_tokens(scorer):
    with pytest.raises(ValueError, match="labels must equal"):
        scorer.score_samples([[1, 2, 3]], [[IGNORE_INDEX, 2, 4]])
    with pytest.raises(ValueError, match="tokens"):
        scorer.score_samples([[1, 2, 3]], [[IGNORE_INDEX, 2]])


def test_losses_are_computed_at_the_positions_asked_for_only(models, samples):
    tokenizer, _, tiny = models
    ids = [s.input_ids for s in samples]
    pad = padding_token_id(tokenizer)
    every = token_losses(tiny, ids, pad_token_id=pad)
    some = [np.arange(len(i)) % 3 == 1 for i in ids]
    some[0][:] = False                                   # a sample asked for nothing is never run
    got = token_losses(tiny, ids, pad_token_id=pad, positions=some)

    tolerance = fp32_loss_tolerance(tiny, ids)
    for wanted, a, b in zip(some, every, got, strict=True):
        assert np.array_equal(~np.isnan(b), wanted)
        np.testing.assert_allclose(b[wanted], a[wanted], rtol=0, atol=tolerance)
