"""How many documents to sample from each group (stratum) of the corpus.

``proportional``: quotas follow the group sizes (largest remainder, so they sum
exactly to the sample size). ``equal``: every group gets the same share, and
what a small group cannot fill goes to the others (water-filling). Ties are
broken by group name, so the same counts always give the same quotas.
"""
from __future__ import annotations

PROPORTIONAL = "proportional"
EQUAL = "equal"


def allocate(counts: dict[str, int], size: int, allocation: str = PROPORTIONAL) -> dict[str, int]:
    """Quotas per group: each at most the group's count, summing to min(size, total)."""
    if size < 0 or any(n < 0 for n in counts.values()):
        raise ValueError("sizes and counts must be non-negative")
    total = sum(counts.values())
    if size >= total:
        return dict(counts)
    if allocation == PROPORTIONAL:
        return _proportional(counts, size, total)
    if allocation == EQUAL:
        return _equal(counts, size)
    raise ValueError(f"unknown allocation {allocation!r} (proportional or equal)")


def _proportional(counts: dict[str, int], size: int, total: int) -> dict[str, int]:
    exact = {group: size * n / total for group, n in counts.items()}
    quotas = {group: int(share) for group, share in exact.items()}
    left = size - sum(quotas.values())
    by_remainder = sorted(counts, key=lambda group: (-(exact[group] - quotas[group]), group))
    for group in by_remainder[:left]:
        quotas[group] += 1
    return quotas


def _equal(counts: dict[str, int], size: int) -> dict[str, int]:
    quotas = {group: 0 for group in counts}
    left = size
    open_groups = sorted(group for group, n in counts.items() if n > 0)
    while left and open_groups:
        share, extra = divmod(left, len(open_groups))
        for i, group in enumerate(open_groups):
            take = min(share + (1 if i < extra else 0), counts[group] - quotas[group])
            quotas[group] += take
            left -= take
        open_groups = [group for group in open_groups if quotas[group] < counts[group]]
    return quotas
