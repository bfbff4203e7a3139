"""Losses at chosen positions only: a causal LM's body over every token, its output head only
where a loss is wanted.

A causal LM is a body (embeddings, layers, final norm: one hidden state per
position) and an output head (a linear map to the vocabulary). Token
Cleaning scores response tokens only, and the logits at position j - 1 predict
token j, so the head (576 x 49,152 for SmolLM2: a fifth of its multiply-adds
per token) is applied to those positions and nowhere else. Cross-entropy is
computed in float32 there, whatever the model's dtype.

``split_model`` finds the two parts and accepts them only when head(body(x))
gives the model's own logits on a probe; a model whose head cannot be located,
or whose logits are changed after the head (soft-capping, scaling), gets
``None`` and is scored from its full logits.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import PreTrainedModel

HEAD_CHUNK = 1024           # positions per head application: bounds the float32 logits to one chunk
PROBE_LENGTH = 16
PROBE_TOLERANCE = 1e-3      # relative to the largest logit; a post-processed head differs by far more


@dataclass(frozen=True)
class SplitModel:
    body: torch.nn.Module   # input ids -> last_hidden_state
    head: torch.nn.Module   # hidden states -> logits


def split_model(model: PreTrainedModel) -> SplitModel | None:
    """The body and head of ``model`` when they reproduce its logits, else None (use full logits)."""
    get_head = getattr(model, "get_output_embeddings", None)
    head = get_head() if callable(get_head) else None
    body = getattr(model, "base_model", None)
    if not isinstance(head, torch.nn.Linear) or not isinstance(body, torch.nn.Module) or body is model:
        return None
    split = SplitModel(body, head)
    try:
        return split if _reproduces_logits(model, split) else None
    except (AttributeError, TypeError, ValueError, RuntimeError):
        return None


def _reproduces_logits(model: PreTrainedModel, split: SplitModel) -> bool:
    ids = torch.arange(1, PROBE_LENGTH + 1, device=split.head.weight.device)[None] % split.head.out_features
    mask = torch.ones_like(ids)
    with torch.inference_mode():
        expected = model(input_ids=ids, attention_mask=mask, use_cache=False).logits.float()
        hidden = split.body(input_ids=ids, attention_mask=mask, use_cache=False).last_hidden_state
        got = split.head(hidden).float()
    if got.shape != expected.shape:
        return False
    return bool((got - expected).abs().max() <= PROBE_TOLERANCE * expected.abs().max().clamp(min=1.0))


def losses_at(model: PreTrainedModel, split: SplitModel | None, input_ids: torch.Tensor,
              attention_mask: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor) -> torch.Tensor:
    """Float32 loss of token ``input_ids[rows, cols]`` predicted from the positions before it
    (``cols >= 1``), from one forward pass over the batch."""
    with torch.inference_mode():
        if split is None:
            states, head = model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits, None
        else:
            states = split.body(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).last_hidden_state
            head = split.head
        losses = []
        for start in range(0, len(rows), HEAD_CHUNK):
            r, c = rows[start:start + HEAD_CHUNK], cols[start:start + HEAD_CHUNK]
            logits = states[r, c - 1] if head is None else head(states[r, c - 1])
            losses.append(F.cross_entropy(logits.float(), input_ids[r, c], reduction="none"))
        return torch.cat(losses) if losses else torch.zeros(0)
