"""Per-token losses of a causal LM, and Token Cleaning scores ``loss_base - loss_ref``.

Element j of a sample's losses is the cross-entropy (nats) of predicting token j
from tokens < j; token 0 has no loss (NaN). Samples are batched by length:
sorted longest first, grouped under a budget of padded tokens, right-padded to
the longest of their batch only, then returned in input order. Losses are
computed in float32 from the model's logits whatever the model's dtype (use
float32 on CPU, bfloat16 or float16 on GPU when loading the model).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from transformers import PreTrainedModel

from lakerefine.schemas.vocab import IGNORE_INDEX

TokenIds = Sequence[int]


class TokenScorer:
    """Scores response tokens with a base and a reference model, both loaded once by the caller."""

    def __init__(self, base_model: PreTrainedModel, ref_model: PreTrainedModel, *,
                 pad_token_id: int, max_batch_tokens: int = 4096):
        self.base_model = base_model
        self.ref_model = ref_model
        self.pad_token_id = pad_token_id
        self.max_batch_tokens = max_batch_tokens

    def score_samples(self, input_ids: Sequence[TokenIds], labels: Sequence[TokenIds]) -> list[np.ndarray]:
        """Per sample, float32 ``loss_base - loss_ref`` at response positions, NaN elsewhere.

        Response positions are those whose label is not -100 (token 0 excepted:
        it has no loss); there the label must be the input token itself.
        """
        response = [response_positions(ids, sample_labels)
                    for ids, sample_labels in zip(input_ids, labels, strict=True)]
        base = self._losses(self.base_model, input_ids)
        ref = self._losses(self.ref_model, input_ids)
        return [np.where(is_response, b - r, np.nan).astype(np.float32)
                for is_response, b, r in zip(response, base, ref, strict=True)]

    def _losses(self, model: PreTrainedModel, input_ids: Sequence[TokenIds]) -> list[np.ndarray]:
        return token_losses(model, input_ids, pad_token_id=self.pad_token_id,
                            max_batch_tokens=self.max_batch_tokens)


def response_positions(input_ids: TokenIds, labels: TokenIds) -> np.ndarray:
    """Boolean mask of the positions that get a score."""
    ids, labels = np.asarray(input_ids), np.asarray(labels)
    if ids.shape != labels.shape:
        raise ValueError(f"input_ids has {ids.size} tokens but labels has {labels.size}")
    is_response = labels != IGNORE_INDEX
    if np.any(labels[is_response] != ids[is_response]):
        raise ValueError("labels must equal input_ids wherever they are not -100")
    is_response[:1] = False
    return is_response


def token_losses(model: PreTrainedModel, input_ids: Sequence[TokenIds], *,
                 pad_token_id: int, max_batch_tokens: int = 4096) -> list[np.ndarray]:
    """Per sample, float32 losses of every token (NaN at position 0), in input order."""
    lengths = [len(ids) for ids in input_ids]
    losses: list[np.ndarray] = [np.full(n, np.nan, dtype=np.float32) for n in lengths]
    for batch in length_batches(lengths, max_batch_tokens):
        batch_ids = [input_ids[i] for i in batch]
        for i, sample_losses in zip(batch, _batch_losses(model, batch_ids, pad_token_id), strict=True):
            losses[i][1:] = sample_losses
    return losses


def length_batches(lengths: Sequence[int], max_batch_tokens: int) -> list[list[int]]:
    """Indices grouped longest first so that ``len(batch) * longest <= max_batch_tokens``.

    A sample longer than the budget is a batch of its own; samples of fewer
    than 2 tokens have no loss to compute and are left out.
    """
    order = sorted((i for i, n in enumerate(lengths) if n >= 2), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for i in order:
        if batches and (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= max_batch_tokens:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _batch_losses(model: PreTrainedModel, batch_ids: Sequence[TokenIds], pad_token_id: int) -> list[np.ndarray]:
    """Losses of tokens 1..n-1 of each sample, from one right-padded forward pass."""
    longest = max(len(ids) for ids in batch_ids)
    input_ids = torch.full((len(batch_ids), longest), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros_like(input_ids)
    for row, ids in enumerate(batch_ids):
        input_ids[row, : len(ids)] = torch.as_tensor(ids, dtype=torch.long)
        attention_mask[row, : len(ids)] = 1
    input_ids, attention_mask = input_ids.to(model.device), attention_mask.to(model.device)
    with torch.inference_mode():
        logits = model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits
        # Row by row over real tokens only: padding is never scored, and the
        # float32 copy of the logits stays one sample large.
        return [
            F.cross_entropy(logits[row, : n - 1].float(), input_ids[row, 1:n], reduction="none").cpu().numpy()
            for row, n in enumerate(len(ids) for ids in batch_ids)
        ]
