"""What the token-clean tests share: a few short SFT samples, a lake per test module, and the fp32
error model their score comparisons use."""
from __future__ import annotations

import json
from pathlib import Path

from tests.support import SAMPLE_DIR
from tests.support.lake import Lake

SAMPLE = SAMPLE_DIR / "sft.jsonl"
MAX_LENGTH = 96
# Its response starts after MAX_LENGTH tokens: truncated, nothing left to score.
LONG_PROMPT = {"id": "long-prompt", "messages": [
    {"role": "user", "content": "Please read all of this first. " * 20},
    {"role": "assistant", "content": "Done reading."}]}


def short_samples(n: int) -> list[dict]:
    """The first ``n`` samples of the built-in sample with one multi-turn conversation, + LONG_PROMPT."""
    rows = [json.loads(line) for line in SAMPLE.read_text().splitlines() if line.strip()]
    multi = next(r for r in rows if sum(m["role"] == "assistant" for m in r["messages"]) > 1
                 and sum(len(m["content"]) for m in r["messages"]) < 200)
    return [*rows[: n - 1], multi, LONG_PROMPT]


def token_lake(lake_root: Path, *extra: str) -> Lake:
    """A module's lake for token cleaning: its own run folder; scores on the CPU in float32 (they
    are compared within an fp32 error model, fp32_loss_tolerance, on a machine with a GPU too)."""
    lake = Lake.create(lake_root)
    lake.overrides += [f"token_clean.self_evolving.run_root={lake.root / '_runs'}", "token_clean.scoring.device=cpu",
                       "token_clean.scoring.dtype=float32", "train_reference.device=cpu", *extra]
    return lake


def ingest_sft(lake: Lake, samples: list[dict], name: str = "sft") -> None:
    path = lake.root / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(s) + "\n" for s in samples))
    assert lake.run("ingest-sft", "--input", str(path), "--output", name) == 0


# fp32 error model for per-token losses (see fp32_loss_tolerance).
UNIT_ROUNDOFF_FP32 = 2.0 ** -24
ROUNDING_SPREAD = 4     # lambda of the probabilistic bound: exceeded with probability ~ 2 exp(-lambda^2 / 2)


def fp32_loss_tolerance(model, token_ids: list[list[int]]) -> float:
    """How far two fp32 computations of one token's loss may differ when only the order of
    their sums differs (padding, batch shape and CPU kernels choose the order).

    A logit z_v = w_v . h is a dot product over the model's width d; reordering its sum moves
    it by at most ~ lambda * u * sqrt(d) * |z| (the probabilistic rounding-error bound of an
    inner product, Higham & Mary 2019; u = 2^-24, lambda = ROUNDING_SPREAD). The loss
    logsumexp(z) - z_t changes by at most twice the largest logit change (its gradient in z
    has l1 norm 2), and its own final rounding adds up to 2 u |loss|. Evaluated over
    ``token_ids`` with a plain forward: |z| and |loss| at their largest."""
    import torch
    import torch.nn.functional as F

    width = model.config.hidden_size
    largest_logit, largest_loss = 0.0, 0.0
    with torch.no_grad():
        for ids in token_ids:
            logits = model(torch.tensor([ids])).logits[0].float()
            losses = F.cross_entropy(logits[:-1], torch.tensor(ids[1:]), reduction="none")
            largest_logit = max(largest_logit, float(logits.abs().max()))
            largest_loss = max(largest_loss, float(losses.abs().max()))
    u = UNIT_ROUNDOFF_FP32
    return 2 * ROUNDING_SPREAD * u * width ** 0.5 * largest_logit + 2 * u * largest_loss


def fp32_score_tolerance(base, ref, token_ids: list[list[int]]) -> float:
    """The tolerance of a score loss_base - loss_ref: the two losses' tolerances added."""
    return fp32_loss_tolerance(base, token_ids) + fp32_loss_tolerance(ref, token_ids)
