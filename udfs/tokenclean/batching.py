"""Which samples share a forward pass: length-sorted batches of least cost under a token budget.

A batch is right-padded to its longest sample, so it costs ``len(batch) * longest``
tokens of work, plus a fixed cost per forward pass (kernel launches, Python,
one pass over every layer's weights) expressed in the same tokens. Samples are
sorted longest first and cut into contiguous batches that minimise the total
cost (a shortest path over the sorted lengths) with ``len(batch) * longest <=
max_batch_tokens``. Filling each batch as far as the budget allows (greedy)
gives the fewest batches, so the least-cost cut never pads more than the greedy
one: it only splits a batch where the padding saved outweighs a forward pass.
"""
from __future__ import annotations

from collections.abc import Sequence

# CPU: SmolLM2-135M's body on one thread, one sample of 8 to 256 tokens: a pass costs about
# 15 tokens' work more than its tokens (a rough fit on a loaded machine). A GPU's launches
# and synchronisation weigh more against its per-token cost: a guess, not measured here.
FORWARD_OVERHEAD_TOKENS = {"cpu": 16, "cuda": 256}


def forward_overhead_tokens(device: str, configured: int | None = None) -> int:
    """``configured`` when set, else the default of the device's kind (``cuda:1`` -> ``cuda``)."""
    if configured is not None:
        return configured
    return FORWARD_OVERHEAD_TOKENS.get(device.split(":")[0], FORWARD_OVERHEAD_TOKENS["cuda"])


def least_cost_batches(lengths: Sequence[int], max_batch_tokens: int, overhead_tokens: int = 0) -> list[list[int]]:
    """Indices of ``lengths`` cut into batches, longest first, of least padded tokens + overhead.

    A sample longer than the budget is a batch of its own; samples of fewer than
    2 tokens have no loss to compute and are left out. Ties keep input order.
    """
    order = sorted((i for i, n in enumerate(lengths) if n >= 2), key=lambda i: -lengths[i])
    sorted_lengths = [lengths[i] for i in order]
    starts = _cheapest_starts(sorted_lengths, max_batch_tokens, overhead_tokens)
    batches, end = [], len(order)
    while end:
        batches.append(order[starts[end]:end])
        end = starts[end]
    return batches[::-1]


def _cheapest_starts(lengths: Sequence[int], max_batch_tokens: int, overhead_tokens: int) -> list[int]:
    """``starts[j]``: where the last batch of the cheapest cut of ``lengths[:j]`` starts.

    ``lengths`` is sorted longest first, so batch ``[i, j)`` costs ``(j - i) * lengths[i]``.
    """
    cost, starts = [0] * (len(lengths) + 1), [0] * (len(lengths) + 1)
    for end in range(1, len(lengths) + 1):
        best = None
        for start in range(end - 1, -1, -1):
            padded = (end - start) * lengths[start]
            if padded > max_batch_tokens and start < end - 1:
                break  # starting earlier only adds longer samples
            total = cost[start] + padded + overhead_tokens
            if best is None or total <= best:   # ties: the bigger batch
                best, starts[end] = total, start
        cost[end] = best
    return starts


def padded_tokens(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> int:
    """Tokens of work in ``batches``: each sample padded to its batch's longest."""
    return sum(len(batch) * max(lengths[i] for i in batch) for batch in batches)
