"""Whole-number splits that add up exactly."""

from __future__ import annotations

import random


def _split(total: int, parts: int, rng: random.Random, minimum: int = 0) -> list[int]:
    """`total` split into `parts` random whole shares, each at least `minimum`."""
    if parts <= 0:
        return []
    spare = total - minimum * parts
    if spare < 0:
        raise ValueError("not enough to share")
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    return [minimum + s for s in _split_weighted(spare, weights)]


def _split_weighted(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of a whole number by weights: the shares sum to `total`."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    shares = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)[
        : total - sum(shares)
    ]:
        shares[i] += 1
    return shares


def _split_like(total: int, sizes: list[int]) -> list[int]:
    return _split_weighted(total, [float(s) for s in sizes])


def _chunks(items: list, count: int) -> list[list]:
    """`count` consecutive groups of nearly equal size."""
    size, extra = divmod(len(items), count)
    groups, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        if end > start:
            groups.append(items[start:end])
        start = end
    return groups
