"""Least-cost batching: every sample once, longest first, under the budget, never more padding than
filling each batch as far as the budget allows, and the cheapest cut of all."""
from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from lakerefine.udfs.tokenclean.batching import forward_overhead_tokens, least_cost_batches, padded_tokens

LENGTHS = st.lists(st.integers(0, 60), max_size=40)
BUDGET = st.integers(1, 400)
OVERHEAD = st.integers(0, 100)


def greedy_batches(lengths: list[int], max_batch_tokens: int) -> list[list[int]]:
    """The grouping the scorer used before: longest first, each batch filled while it fits."""
    order = sorted((i for i, n in enumerate(lengths) if n >= 2), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for i in order:
        if batches and (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= max_batch_tokens:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def cost(lengths: list[int], batches: list[list[int]], overhead: int) -> int:
    return padded_tokens(lengths, batches) + overhead * len(batches)


@given(LENGTHS, BUDGET, OVERHEAD)
def test_every_sample_once_longest_first_under_the_budget(lengths, budget, overhead):
    batches = least_cost_batches(lengths, budget, overhead)
    flat = [i for batch in batches for i in batch]

    assert sorted(flat) == [i for i, n in enumerate(lengths) if n >= 2]
    assert [lengths[i] for i in flat] == sorted((lengths[i] for i in flat), reverse=True)
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= budget


@given(LENGTHS, BUDGET, OVERHEAD)
def test_never_pads_more_nor_costs_more_than_the_greedy_grouping(lengths, budget, overhead):
    ours, greedy = least_cost_batches(lengths, budget, overhead), greedy_batches(lengths, budget)

    assert padded_tokens(lengths, ours) <= padded_tokens(lengths, greedy)
    assert cost(lengths, ours, overhead) <= cost(lengths, greedy, overhead)


@given(st.lists(st.integers(2, 60), min_size=1, max_size=8), BUDGET, OVERHEAD)
def test_the_cheapest_of_all_cuts_of_the_sorted_lengths(lengths, budget, overhead):
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    feasible = []
    for cuts in itertools.product([False, True], repeat=len(order) - 1):
        batches, current = [], [order[0]]
        for i, cut in zip(order[1:], cuts, strict=True):
            if cut:
                batches.append(current)
                current = []
            current.append(i)
        batches.append(current)
        if all(len(b) == 1 or len(b) * lengths[b[0]] <= budget for b in batches):
            feasible.append(cost(lengths, batches, overhead))

    assert cost(lengths, least_cost_batches(lengths, budget, overhead), overhead) == min(feasible)


def test_overhead_trades_padding_for_fewer_passes():
    lengths = [400, 100, 100, 100, 100]
    assert least_cost_batches(lengths, 4096, 0) == [[0], [1, 2, 3, 4]]     # greedy: one batch of 5 x 400
    assert greedy_batches(lengths, 4096) == [[0, 1, 2, 3, 4]]
    assert least_cost_batches(lengths, 4096, 2000) == [[0, 1, 2, 3, 4]]   # a pass costs more than 1,200 pads


def test_forward_overhead_defaults_by_device_kind():
    assert forward_overhead_tokens("cpu") == forward_overhead_tokens("cpu", None)
    assert forward_overhead_tokens("cuda:1") == forward_overhead_tokens("cuda")
    assert forward_overhead_tokens("cuda", 7) == 7 and forward_overhead_tokens("cpu", 0) == 0
