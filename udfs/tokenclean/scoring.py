"""Per-token losses of a causal LM, and Token Cleaning scores ``loss_base - loss_ref``.

Element j of a sample's losses is the cross-entropy (nats) of predicting token j
from tokens < j; token 0 has no loss (NaN). Only the positions asked for are
computed (the scorer asks for response tokens): a sample is cut after its last
such position, and a model whose output head can be split from its body
(output_head.py) applies the head there only. Samples are batched by length
(batching.py: sorted longest first, cut into batches of least padded tokens +
per-forward overhead under a budget), right-padded to the longest of their
batch only, and returned in input order. Losses are float32 whatever the
model's dtype (use float32 on CPU, bfloat16 or float16 on GPU when loading).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from transformers import PreTrainedModel

from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.tokenclean.batching import least_cost_batches
from lakerefine.udfs.tokenclean.output_head import SplitModel, losses_at, split_model

TokenIds = Sequence[int]


class TokenScorer:
    """Scores response tokens with a base and a reference model, both loaded once by the caller."""

    def __init__(self, base_model: PreTrainedModel, ref_model: PreTrainedModel, *,
                 pad_token_id: int, max_batch_tokens: int = 4096, overhead_tokens: int = 0):
        self.base_model = base_model
        self.ref_model = ref_model
        self.pad_token_id = pad_token_id
        self.max_batch_tokens = max_batch_tokens
        self.overhead_tokens = overhead_tokens
        self.base_split = split_model(base_model)   # None: this model is scored from its full logits
        self.ref_split = split_model(ref_model)

    def score_samples(self, input_ids: Sequence[TokenIds], labels: Sequence[TokenIds]) -> list[np.ndarray]:
        """Per sample, float32 ``loss_base - loss_ref`` at response positions, NaN elsewhere.

        Response positions are those whose label is not -100 (token 0 excepted:
        it has no loss); there the label must be the input token itself.
        """
        response = [response_positions(ids, sample_labels)
                    for ids, sample_labels in zip(input_ids, labels, strict=True)]
        base = self._losses(self.base_model, self.base_split, input_ids, response)
        ref = self._losses(self.ref_model, self.ref_split, input_ids, response)
        return [(b - r).astype(np.float32) for b, r in zip(base, ref, strict=True)]

    def _losses(self, model: PreTrainedModel, split: SplitModel | None, input_ids: Sequence[TokenIds],
                positions: Sequence[np.ndarray]) -> list[np.ndarray]:
        return token_losses(model, input_ids, pad_token_id=self.pad_token_id, max_batch_tokens=self.max_batch_tokens,
                            overhead_tokens=self.overhead_tokens, positions=positions, split=split)


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


def token_losses(model: PreTrainedModel, input_ids: Sequence[TokenIds], *, pad_token_id: int,
                 max_batch_tokens: int = 4096, overhead_tokens: int = 0, positions: Sequence[np.ndarray] | None = None,
                 split: SplitModel | None = None) -> list[np.ndarray]:
    """Per sample, float32 losses at ``positions`` (boolean masks; None: every token but the first),
    NaN elsewhere, in input order. ``split`` (``split_model(model)``): apply the head at those
    positions only; None: from the full logits."""
    if positions is None:
        positions = [np.arange(len(ids)) >= 1 for ids in input_ids]
    wanted = [np.flatnonzero(np.asarray(p, bool) & (np.arange(len(p)) >= 1)) for p in positions]
    needed = [int(w[-1]) + 1 if len(w) else 0 for w in wanted]   # nothing after the last wanted token
    losses = [np.full(len(ids), np.nan, dtype=np.float32) for ids in input_ids]
    for batch in least_cost_batches(needed, max_batch_tokens, overhead_tokens):
        batch_ids = [input_ids[i][:needed[i]] for i in batch]
        for i, values in zip(batch, _batch_losses(model, split, batch_ids, [wanted[i] for i in batch], pad_token_id),
                             strict=True):
            losses[i][wanted[i]] = values
    return losses


def _batch_losses(model: PreTrainedModel, split: SplitModel | None, batch_ids: Sequence[TokenIds],
                  wanted: Sequence[np.ndarray], pad_token_id: int) -> list[np.ndarray]:
    """Losses at the wanted positions of each sample, from one right-padded forward pass."""
    longest = max(len(ids) for ids in batch_ids)
    input_ids = torch.full((len(batch_ids), longest), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros_like(input_ids)
    for row, ids in enumerate(batch_ids):
        input_ids[row, : len(ids)] = torch.as_tensor(ids, dtype=torch.long)
        attention_mask[row, : len(ids)] = 1
    rows = torch.as_tensor(np.repeat(np.arange(len(wanted)), [len(w) for w in wanted]), dtype=torch.long)
    cols = torch.as_tensor(np.concatenate(wanted), dtype=torch.long)
    device = model.device
    values = losses_at(model, split, input_ids.to(device), attention_mask.to(device), rows.to(device), cols.to(device))
    return np.split(values.cpu().numpy(), np.cumsum([len(w) for w in wanted])[:-1])
